#include "service/openapi_check.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "service/openapi.hpp"

namespace so::test {
namespace {

using nlohmann::json;

const json& document() {
  static const json doc = json::parse(openapi_document());
  return doc;
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The documented path template of a concrete path; literal segments beat parameters
// (/api/v1/runs/compare before /api/v1/runs/{id}).
std::string path_template(const std::string& path) {
  if (path.size() > 1 && path.back() == '/') return "";  // the service routes no trailing slash
  const auto segs = segments(path);
  std::string best;
  int best_params = 1 << 20;
  for (const auto& [tmpl, item] : document()["paths"].items()) {
    const auto t = segments(tmpl);
    if (t.size() != segs.size()) continue;
    int params = 0;
    bool match = true;
    for (size_t i = 0; i < t.size() && match; ++i) {
      if (t[i].front() == '{') ++params;
      else match = t[i] == segs[i];
    }
    if (match && params < best_params) best = tmpl, best_params = params;
  }
  return best;
}

const json& resolve(const json& node) {
  if (!node.contains("$ref")) return node;
  const std::string ref = node["$ref"];
  return document().at(json::json_pointer(ref.substr(1)));
}

// A response's schema as a compiled validator, built once per schema node.
const valijson::Schema& compiled(const json& schema) {
  static std::mutex mu;
  static std::map<const json*, std::unique_ptr<valijson::Schema>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[&schema];
  if (!slot) {
    json root = schema;  // "#/components/…" references resolve against this root
    root["components"] = document()["components"];
    slot = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(root);
    parser.populateSchema(adapter, *slot);
  }
  return *slot;
}

std::string validate(const json& schema, const std::string& body) {
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) return "the body is not JSON";
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(compiled(schema), target, &results)) return "";
  std::string why;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string where;
    for (const auto& c : e.context) where += c;
    why += (why.empty() ? "" : "; ") + where + ": " + e.description;
  }
  return why;
}

}  // namespace

std::string openapi_mismatch(const std::string& method_in, const std::string& path, int status,
                             const std::string& content_type, const std::string& body) {
  if (path.rfind("/api/", 0) != 0 || method_in == "OPTIONS") return "";
  std::string method = method_in == "HEAD" ? "get" : method_in;
  for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string tmpl = path_template(path);
  const json& errors = document()["components"]["responses"];
  const json* response = nullptr;
  if (tmpl.empty()) {
    if (status != 404) return "undocumented path (answered " + std::to_string(status) + ")";
    response = &errors["404"];
  } else if (!document()["paths"][tmpl].contains(method)) {
    if (status != 405) return "undocumented method " + method + " on " + tmpl;
    response = &errors["400"];  // the generic {"detail": …} error
  } else {
    const json& responses = document()["paths"][tmpl][method]["responses"];
    if (!responses.contains(std::to_string(status)))
      return "status " + std::to_string(status) + " is not documented for " + method + " " + tmpl;
    response = &resolve(responses[std::to_string(status)]);
  }
  if (!response->contains("content")) return body.empty() ? "" : "a body where the document has none";
  const std::string media = content_type.substr(0, content_type.find(';'));
  if (!(*response)["content"].contains(media)) return "Content-Type '" + content_type + "' is not documented";
  if (media != "application/json" || body.empty()) return "";  // text, CSV, XLSX, streams
  return validate((*response)["content"][media]["schema"], body);
}

void check_against_openapi(const httplib::Request& req, const httplib::Response& res) {
  const std::string why =
      openapi_mismatch(req.method, req.path, res.status, res.get_header_value("Content-Type"), res.body);
  if (!why.empty())
    ADD_FAILURE() << "answer does not match the OpenAPI document: " << req.method << " " << req.path << " -> "
                  << res.status << ": " << why << "\nbody: " << res.body.substr(0, 500);
}

}  // namespace so::test
