// libFuzzer: the re-plan call list (CHANGES.json, the body of POST /api/v1/replan), applied to
// the fixed week with a base plan, as `replan` does before solving.
#include "core/changes.hpp"
#include "fuzz_week.hpp"
#include "io/changes_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace so;
  static const std::vector<PreviousAssignment> base = {{"D1", "T0001"}, {"D1", "T0003"}, {"D2", "T0002"},
                                                       {"D2", "T0006"}, {"D3", "T0008"}};
  try {
    const ReplanBody body = parse_changes(fuzz::text_of(data, size), "fuzz.json");
    const ApplyResult r = apply_changes(fuzz::week(), fuzz::pool(), base, body.frozen_until, body.changes);
    fuzz::require(r.week.has_value() != !r.error.empty());
    if (r.week && !check_drivers(r.week->drivers))  // what `replan` checks before solving
      (void)check_lock_feasibility(r.week->frozen, r.week->drivers, r.week->tours, Policy{});
  } catch (const InputError&) {
  }
  return 0;
}
