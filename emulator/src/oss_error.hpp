// ossmp emulator internals: the OSS errors the emulator answers with.
//
// An answer is an ossmp::error with http_status, oss_code, message, ec and details set, so
// storage and authentication code return the same result<T> as the rest of the library.
// EC values come from OSS's documentation and SDK fixtures where those name one; the rest
// are the emulator's own, in OSS's "NNNN-NNNNNNNN" form (the docs say not to rely on ECs).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <ossmp/error.hpp>

namespace ossmp::inline v0::emulator::detail {

inline error oss_error(int status, std::string code, std::string message, std::string ec,
                       std::vector<std::pair<std::string, std::string>> details = {}) {
    error e;
    e.code = errc::service_error;
    e.http_status = status;
    e.oss_code = std::move(code);
    e.message = std::move(message);
    e.ec = std::move(ec);
    e.details = std::move(details);
    return e;
}

inline error no_such_bucket(const std::string& bucket) {
    return oss_error(404, "NoSuchBucket", "The specified bucket does not exist.", "0015-00000101",
                     {{"BucketName", bucket}});
}
inline error no_such_key(const std::string& key) {
    return oss_error(404, "NoSuchKey", "The specified key does not exist.", "0026-00000001", {{"Key", key}});
}
inline error no_such_upload(const std::string& upload_id) {
    return oss_error(404, "NoSuchUpload",
                     "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
                     "been aborted or completed.",
                     "0017-00000244", {{"UploadId", upload_id}});
}
inline error invalid_argument(std::string message, std::string name, std::string value, std::string ec) {
    return oss_error(400, "InvalidArgument", std::move(message), std::move(ec),
                     {{"ArgumentName", std::move(name)}, {"ArgumentValue", std::move(value)}});
}
inline error internal_error(std::string message) {
    return oss_error(500, "InternalError", std::move(message), "0000-00000001");
}

}  // namespace ossmp::inline v0::emulator::detail
