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
#include <ossmp/limits.hpp>
#include <ossmp/request_id.hpp>
#include <ossmp/source_identity.hpp>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc32c.hpp>
#include <ossmp/crypto/crc64nvme.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/hmac.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/crypto/sha1.hpp>
#include <ossmp/crypto/sha256.hpp>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/cache.hpp>
#include <ossmp/credentials/document.hpp>
#include <ossmp/credentials/ecs_role_provider.hpp>
#include <ossmp/credentials/environment_provider.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/credentials/static_provider.hpp>
#include <ossmp/credentials/uri_provider.hpp>
#include <ossmp/redaction.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/validate.hpp>

#include <ossmp/sign/signer.hpp>
#include <ossmp/sign/v1.hpp>
#include <ossmp/sign/v4.hpp>

#include <ossmp/requests/abort.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/requests/complete.hpp>
#include <ossmp/requests/create_bucket.hpp>
#include <ossmp/requests/delete_object.hpp>
#include <ossmp/requests/get_object.hpp>
#include <ossmp/requests/head_object.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/list_parts.hpp>
#include <ossmp/requests/list_uploads.hpp>
#include <ossmp/requests/put_object.hpp>
#include <ossmp/requests/upload_part.hpp>
#include <ossmp/requests/upload_part_copy.hpp>

#include <ossmp/json/reader.hpp>

#include <ossmp/xml/complete_body.hpp>
#include <ossmp/xml/escape.hpp>
#include <ossmp/xml/reader.hpp>

#include <ossmp/responses/response_info.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/responses/retry_advice.hpp>
#include <ossmp/responses/initiate_result.hpp>
#include <ossmp/responses/upload_part_result.hpp>
#include <ossmp/responses/copy_part_result.hpp>
#include <ossmp/responses/complete_result.hpp>
#include <ossmp/responses/list_parts_result.hpp>
#include <ossmp/responses/list_uploads_result.hpp>

#include <ossmp/upload/actions.hpp>
#include <ossmp/upload/checkpoint.hpp>
#include <ossmp/upload/config.hpp>
#include <ossmp/upload/machine.hpp>
#include <ossmp/upload/part_book.hpp>
#include <ossmp/upload/plan.hpp>
#include <ossmp/upload/resume.hpp>
#include <ossmp/upload/retry_policy.hpp>
#include <ossmp/upload/retry_rules.hpp>
#include <ossmp/upload/states.hpp>
#include <ossmp/upload/verify.hpp>

#include <ossmp/body_source.hpp>
#include <ossmp/thread_pool_transport.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/transport_error.hpp>

// File and stream sources, atomic checkpoint files and the reference driver use POSIX I/O;
// elsewhere, drive the machine with a loop of your own.
#if __has_include(<unistd.h>)
#include <ossmp/atomic_file.hpp>
#include <ossmp/credentials/process_provider.hpp>
#include <ossmp/run.hpp>
#include <ossmp/file_source.hpp>
#include <ossmp/stream_source.hpp>
#endif
