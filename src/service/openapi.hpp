#pragma once

#include <string_view>

namespace so {

// The service's OpenAPI 3.1 document: src/service/openapi.json, compiled in at build time. It is
// the one source of the API's shapes; GET /api/v1/openapi.json serves it and the service tests
// validate every answer against it.
std::string_view openapi_document();

}  // namespace so
