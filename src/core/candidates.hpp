#pragma once
// Who could take tour T (dispatch.md §4 "candidates"), ranked. Pure functions, no I/O.
//
//  1. Direct: drivers who can take T on top of their week with no rule broken
//     (driver_blockers is empty, and the audit of their new week is clean), ranked by fewest
//     changes to their week — extends a block they already have that day, then a new working
//     day, then a driver with no work yet (an unused pool driver; in forecast mode one new
//     virtual driver, the next free id) — then by weekly-hours headroom (more first), then by
//     driver order (the pool's order; in forecast mode the plan's roster order).
//  2. One ejection: a driver D with work who can take T after handing ONE of their tours X to a
//     driver E with work who can take X directly (E may be T's current driver, judged without
//     T). Ranked like the direct ones by D's change and headroom; per D the best-ranked X, per X
//     the best-ranked E. Frozen tours, locked tours and tours identical to T (same day, times,
//     location, qualifications: a hand-over that only renumbers) are never handed over; an unused
//     driver is never the receiver (that would be a new driver: ask for it directly).
// T's current driver is never a candidate. Each candidate names the resulting block type of its
// day and its weekly work, the moves that realize it (in order, ready for /check), and whether
// the edited plan is audit-clean for every driver involved (it is not when T's current driver's
// week breaks without T, e.g. the middle tour of a 3er left with a forbidden gap).
// A frozen tour (starts before frozen_until) and a locked tour (driver mode) get no candidates:
// `frozen` / `locked_to` say why.
#include <optional>
#include <string>
#include <vector>

#include "core/edits.hpp"

namespace so {

enum class CandidateChange { ExtendsBlock = 0, NewDay = 1, NewDriver = 2 };
const char* candidate_change_name(CandidateChange c);  // extends_block | new_day | new_driver

struct Handover {
  int tour = -1;                 // X, handed over by the candidate
  std::string to_driver;         // E
  CandidateChange change = CandidateChange::ExtendsBlock;  // for E
  BlockKind block_kind = BlockKind::One;  // E's block on X's day after taking X
  Minutes weekly_minutes = 0;    // E's weekly work after taking X
};

struct Candidate {
  std::string driver_id;
  std::string driver_name;  // driver mode; empty otherwise
  bool direct = true;
  CandidateChange change = CandidateChange::ExtendsBlock;
  BlockKind block_kind = BlockKind::One;  // the candidate's block on T's day after the change
  Minutes weekly_minutes = 0;             // the candidate's weekly work after the change
  Minutes headroom_minutes = 0;           // weekly limit − weekly_minutes
  std::optional<Handover> handover;       // one-ejection candidates only
  std::vector<TourMove> moves;            // the edit: [X -> E,] T -> candidate
  bool audit_clean = true;
};

struct CandidateList {
  int tour = -1;
  std::string current_driver;   // "" when the tour is unassigned (driver mode)
  std::string locked_to;        // driver mode: the driver T is locked to ("" none)
  bool frozen = false;          // T starts before frozen_until: no candidates
  bool owner_clean_after = true;          // the current driver's week is valid without T
  std::vector<Violation> owner_violations;  // what breaks in it otherwise
  std::vector<Candidate> candidates;      // direct first, then one-ejection; at most `limit`
  int direct_found = 0;                   // direct candidates before the limit
  int ejection_found = 0;                 // one-ejection candidates listed
};

CandidateList find_candidates(int tour, const Plan& plan, const EditContext& ctx, size_t limit = 10);

// The audit restricted to some rosters (every audit rule but coverage is per roster): the tours of
// these rosters, the pool drivers they name, and the locks on their tours.
AuditResult audit_rosters(const std::vector<const Roster*>& rosters, const EditContext& ctx);

}  // namespace so
