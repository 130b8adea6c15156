#include "io/json_input.hpp"

#include <vector>

namespace so {

namespace {

using nlohmann::json;

// Builds the document with nlohmann's own DOM builder while keeping the path to the value being
// read (for errors) and refusing to open a container beyond kMaxJsonDepth.
class BoundedSax {
 public:
  explicit BoundedSax(json& out) : dom_(out, /*allow_exceptions=*/false) {}

  bool null() { return value(dom_.null()); }
  bool boolean(bool v) { return value(dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return value(dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return value(dom_.number_float(v, s)); }
  bool string(json::string_t& v) { return value(dom_.string(v)); }
  bool binary(json::binary_t& v) { return value(dom_.binary(v)); }
  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    frames_.back().has_key = true;
    return dom_.key(k);
  }
  bool end_object() { return close(dom_.end_object()); }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool end_array() { return close(dom_.end_array()); }
  bool parse_error(std::size_t position, const std::string& token, const json::exception& e) {
    error_position = position;
    error_token = token;
    error_id = e.id;
    error_what = e.what();
    return false;
  }

  // Where the reader stands: the keys and indices of the open containers.
  json loc() const {
    json out = json::array();
    for (const Frame& f : frames_) {
      if (f.array) out.push_back(f.index);
      else if (f.has_key) out.push_back(f.key);
    }
    return out;
  }

  bool too_deep = false;
  std::size_t error_position = 0;
  std::string error_token, error_what;
  int error_id = 0;

 private:
  struct Frame {
    bool array = false;
    bool has_key = false;
    std::string key;
    std::size_t index = 0;  // arrays: the element being read
  };
  bool value(bool ok) {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return ok;
  }
  bool open(bool array) {
    if (frames_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      too_deep = true;
      return false;
    }
    frames_.push_back(Frame{array, false, {}, 0});
    return true;
  }
  bool close(bool ok) {
    frames_.pop_back();
    return value(ok);  // the closed container is one value of its parent
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
};

// Offset of the first bracket opened beyond kMaxJsonDepth (brackets inside strings skipped): only
// computed once the parser has refused the text, to name the line.
size_t too_deep_offset(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return text.size();
}

std::string path_of(const json& loc) {
  json with_body = json::array({"body"});  // json_path_string drops a leading "body" only
  for (const auto& part : loc) with_body.push_back(part);
  return json_path_string(with_body);
}

}  // namespace

JsonInputError::JsonInputError(Kind kind_, std::string source_, int line_, json loc_, size_t byte_, std::string problem_,
                               std::string value_, std::string expected_)
    : InputError(std::move(source_), line_, path_of(loc_), std::move(problem_), std::move(value_),
                 std::move(expected_)),
      kind(kind_),
      byte(byte_),
      loc(std::move(loc_)) {}

json parse_json_input(std::string_view text, const std::string& source, size_t max_bytes) {
  using Kind = JsonInputError::Kind;
  if (text.size() > max_bytes)
    throw JsonInputError(Kind::TooLarge, source, 0, json::array(), max_bytes, "too large",
                         std::to_string(text.size()) + " bytes", "at most " + std::to_string(max_bytes) + " bytes");
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  json out;
  BoundedSax sax(out);
  if (json::sax_parse(text.data(), text.data() + text.size(), &sax)) return out;
  if (sax.too_deep) {
    const size_t at = too_deep_offset(text);
    throw JsonInputError(Kind::TooDeep, source, line_of_offset(text, at), json::array(), at, "JSON nested too deeply",
                         {}, "at most " + std::to_string(kMaxJsonDepth) + " levels");
  }
  const size_t at = sax.error_position > 0 ? sax.error_position - 1 : 0;
  const int line = line_of_offset(text, at);
  if (sax.error_id == 406)  // nlohmann's out_of_range.406: a number beyond a double (1e400)
    throw JsonInputError(Kind::NumberOverflow, source, line, sax.loc(), at, "number out of range",
                         printable_value(sax.error_token), "a finite number, within ±1.8e308");
  std::string what = sax.error_what;
  if (auto cut = what.find("] "); cut != std::string::npos) what = what.substr(cut + 2);  // drop "[json.exception…]"
  throw JsonInputError(Kind::Invalid, source, line, json::array(), at, "invalid JSON", printable_value(what, 200),
                       "valid JSON");
}

json read_json_file(const std::string& path, const std::string& what) {
  return parse_json_input(read_input_file(path, what), path);
}

}  // namespace so
