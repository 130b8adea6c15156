// libFuzzer: the plan JSON `validate` reads, read onto the fixed week and audited in both modes
// (the audit must judge any plan, however odd, without crashing).
#include "core/audit.hpp"
#include "fuzz_week.hpp"
#include "io/json_input.hpp"
#include "io/plan_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace so;
  try {
    const nlohmann::json doc = parse_json_input(fuzz::text_of(data, size), "fuzz.json");
    const Plan plan = plan_from_json(doc, fuzz::week(), "fuzz.json");
    (void)audit_plan(fuzz::week(), Policy{}, plan);
    (void)audit_driver_plan(fuzz::week(), Policy{}, fuzz::pool(), {}, plan);
  } catch (const InputError&) {
  }
  return 0;
}
