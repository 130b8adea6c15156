#pragma once

#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace so::test {

// Why an answer does not match the OpenAPI document (src/service/openapi.json), or "" when it
// does: the path must match a documented path template (else the answer must be a 404), the
// method an operation of it (else a 405), the status a documented response, the Content-Type
// one of its media types, and a JSON body its schema (draft 7, valijson). Paths outside /api/
// (the web page) and CORS preflights are not part of the document and always pass.
std::string openapi_mismatch(const std::string& method, const std::string& path, int status,
                             const std::string& content_type, const std::string& body);

// ServerOptions::on_response of every in-process service test (test_options): a mismatch fails
// the running test with the method, path, status and the validator's message.
void check_against_openapi(const httplib::Request& req, const httplib::Response& res);

}  // namespace so::test
