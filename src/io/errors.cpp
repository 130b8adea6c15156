#include "io/errors.hpp"

#include <utility>

namespace so {

namespace {

std::string compose(const std::string& source, int line, const std::string& path, const std::string& problem,
                    const std::string& value, const std::string& expected) {
  std::string m = source.empty() ? std::string("input") : source;
  if (line > 0) m.append(":").append(std::to_string(line));
  m.append(": ");
  if (!path.empty()) m.append(path).append(": ");
  m.append(problem);
  if (!value.empty()) m.append(" '").append(value).append("'");
  if (!expected.empty()) m.append(" (expected ").append(expected).append(")");
  return m;
}

// Length of a valid UTF-8 sequence starting at s[i], 0 when invalid.
// Length of the well-formed UTF-8 sequence at i, 0 when there is none. Strict RFC 3629 (no
// overlong forms, no surrogates, nothing above U+10FFFF): the same bytes a JSON writer accepts.
size_t utf8_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  if (n == 0 || i + n > s.size()) return 0;
  const auto second = static_cast<unsigned char>(s[i + 1]);
  if (second < lo || second > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  return n;
}

}  // namespace

InputError::InputError(std::string source_, int line_, std::string path_, std::string problem_, std::string value_,
                       std::string expected_)
    : std::runtime_error(compose(source_, line_, path_, problem_, value_, expected_)),
      source(std::move(source_)),
      line(line_),
      path(std::move(path_)),
      problem(std::move(problem_)),
      value(std::move(value_)),
      expected(std::move(expected_)) {}

std::string printable_value(std::string_view raw, size_t max_chars) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  size_t shown = 0;
  for (size_t i = 0; i < raw.size();) {
    if (shown == max_chars) {
      out += "…";
      break;
    }
    auto c = static_cast<unsigned char>(raw[i]);
    size_t n = utf8_length(raw, i);
    if (n == 1 && c >= 0x20 && c != 0x7f) {
      out.push_back(static_cast<char>(c));
    } else if (n > 1) {
      out.append(raw.substr(i, n));
    } else {
      n = 1;  // control byte or broken UTF-8: show the byte itself
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
    i += n;
    ++shown;
  }
  return out;
}

std::optional<TextDefect> text_defect(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return TextDefect{"control character", "value_error.str.control"};
    const size_t n = utf8_length(text, i);
    if (n == 0) return TextDefect{"invalid UTF-8", "value_error.str.utf8"};
    i += n;
  }
  return std::nullopt;
}

std::string json_path_string(const nlohmann::json& loc) {
  std::string out;
  bool first = true;
  for (const auto& part : loc) {
    const bool leading = std::exchange(first, false);
    if (part.is_number_integer()) {
      out.append("[").append(std::to_string(part.get<long long>())).append("]");
    } else {
      std::string key = part.is_string() ? part.get<std::string>() : part.dump();
      if (leading && key == "body") continue;  // FastAPI's request-body prefix carries no information here
      if (!out.empty()) out += ".";
      out += key;
    }
  }
  return out;
}

}  // namespace so
