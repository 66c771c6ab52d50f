// Package consumer of ossmp::curl / pkg-config ossmp-curl: the adapter's header is where
// the package says, libcurl links, and a signed request goes out through it.
#include <ossmp/adapters/curl.hpp>

#include "consumer.hpp"

int main() {
    consumer::signs_known_vector();
    consumer::check(std::string_view(curl_version()).starts_with("libcurl/"), "curl_version()");
    ossmp::adapters::curl::client client;
    consumer::reports_refused_connection(client);
    std::printf("curl consumer: ok (%s)\n", curl_version());
}
