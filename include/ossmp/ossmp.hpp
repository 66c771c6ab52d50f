// ossmp: the umbrella header. Includes the whole public API; nothing else.
#pragma once

#include <ossmp/version.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/headers.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/query.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/hmac.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/crypto/sha1.hpp>
#include <ossmp/crypto/sha256.hpp>
