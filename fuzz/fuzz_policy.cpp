// libFuzzer: policy JSON (--policy, the API's "policy"). An accepted policy is consistent and
// survives a round trip through its JSON.
#include "core/policy.hpp"
#include "fuzz_week.hpp"
#include "io/policy_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace so;
  try {
    const Policy p = parse_policy_text(fuzz::text_of(data, size), "fuzz.json");
    fuzz::require(check_policy(p).empty());
    fuzz::require(policy_from_json(policy_to_json(p)) == p);
  } catch (const InputError&) {
  }
  return 0;
}
