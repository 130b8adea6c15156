// libFuzzer: the driver-mode inputs — a drivers file (CSV or JSON, with "locks" and
// "previous_plan"), a locks file and a previous plan — then the checks the CLI runs on them.
#include "fuzz_week.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace so;
  const std::string_view text = fuzz::text_of(data, size);
  try {
    const DriverInput in = parse_driver_input(text, "fuzz.json");
    for (const Driver& d : in.drivers) {
      fuzz::require(!text_defect(d.id) && !text_defect(d.name));
      (void)driver_to_json(d).dump();  // what reports write (throws on bytes that are not UTF-8)
    }
    if (!check_drivers(in.drivers)) {
      (void)check_locks(in.locks, in.drivers, fuzz::week());
      (void)with_previous_week(in.drivers, in.previous, "2030-01-07");
    }
  } catch (const InputError&) {
  }
  try {
    const std::vector<Lock> locks = parse_locks(text, "fuzz.json");
    if (!check_locks(locks, fuzz::pool(), fuzz::week()))
      (void)check_lock_feasibility(locks, fuzz::pool(), fuzz::week(), Policy{});
  } catch (const InputError&) {
  }
  try {
    (void)parse_previous(text, "fuzz.json");
  } catch (const InputError&) {
  }
  return 0;
}
