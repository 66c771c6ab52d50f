// Package consumer of ossmp::httplib: the adapter's header is where the package says, and
// cpp-httplib (with the defines its build needs) links and sends a signed request.
#include <ossmp/adapters/httplib.hpp>

#include "consumer.hpp"

int main() {
    consumer::signs_known_vector();
    ossmp::adapters::httplib::client client;
    consumer::reports_refused_connection(client);
    std::puts("httplib consumer: ok");
}
