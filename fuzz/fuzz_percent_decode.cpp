// Invariant: percent_decode never crashes on any input; percent_encode followed by
// percent_decode is the identity (both encode modes); whatever percent_decode accepts
// re-encodes to a string that decodes back to the same bytes; the encoded-field path of
// the list parsers (EncodingType url) accepts exactly what percent_decode accepts and
// yields the same key.
#include <ossmp/http_response.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/responses/list_parts_result.hpp>
#include <ossmp/xml/escape.hpp>

#include "fuzz_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    for (auto mode : {ossmp::encode_mode::component, ossmp::encode_mode::path}) {
        auto back = ossmp::percent_decode(ossmp::percent_encode(in, mode));
        FUZZ_CHECK(back && *back == in);
    }
    auto plus = ossmp::percent_decode(in, true);
    auto d = ossmp::percent_decode(in);
    FUZZ_CHECK(plus.has_value() == d.has_value());
    if (d) {
        auto again = ossmp::percent_decode(ossmp::percent_encode(*d));
        FUZZ_CHECK(again && *again == *d);
    }
    // The same bytes as an encoded <Key>: the XML layer must not change what is decoded.
    // Inputs the XML text cannot carry (control bytes, bad UTF-8) are refused earlier.
    ossmp::http_response resp;
    resp.status = 200;
    resp.body = "<ListPartsResult><EncodingType>url</EncodingType><Bucket>b</Bucket><Key>";
    ossmp::xml::escape_to(resp.body, in);
    resp.body += "</Key><UploadId>u</UploadId><IsTruncated>false</IsTruncated></ListPartsResult>";
    auto r = ossmp::parse_list_parts_result(resp);
    if (r) {
        FUZZ_CHECK(d && r->key == *d);
    } else if (r.error().code == ossmp::errc::invalid_encoding) {
        FUZZ_CHECK(!d);
    }
    return 0;
}
