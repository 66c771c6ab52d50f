// Package consumer of ossmp::ossmp / pkg-config ossmp: signs a known vector and parses the
// InitiateMultipartUpload reply of the OSS documentation (path in argv[1]).
#include <fstream>
#include <iterator>

#include <ossmp/responses/initiate_result.hpp>

#include "consumer.hpp"

int main(int argc, char** argv) {
    consumer::check(argc == 2, "usage: core_consumer tests/vectors/xml/InitiateMultipartUpload/docs.xml");
    consumer::signs_known_vector();
    std::ifstream in(argv[1], std::ios::binary);
    consumer::check(bool(in), std::string("cannot read ") + argv[1]);
    ossmp::http_response resp;
    resp.status = 200;
    resp.body.assign(std::istreambuf_iterator<char>(in), {});
    auto r = ossmp::parse_initiate_result(resp);
    consumer::check(r.has_value(), "parse_initiate_result: " + (r ? std::string() : r.error().what()));
    consumer::check(r->bucket == "oss-example" && r->key == "multipart.data" &&
                        r->upload_id == "0004B9894A22E5B1888A1E29F823****",
                    "parsed " + r->bucket + " " + r->key + " " + r->upload_id);
    std::puts("core consumer: ok");
}
