#pragma once
// The dispatcher's week over HTTP (dispatch.md §4–§5): hand edits checked live and saved as
// versions, candidates for a tour, the lineage of a run, publishing, and comparing two runs.
// server.cpp keeps the handlers small; the work and the response shapes live here.
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/candidates.hpp"
#include "core/edits.hpp"
#include "service/request.hpp"
#include "service/run_store.hpp"

namespace so {

class RunManager;

// Everything the dispatcher routes need about one finished run. Immutable once loaded (a finished
// run never changes; its publication state is read from the store, never from here).
struct RunContext {
  StoredRun run;             // the stored row (summary, versions columns), without the request body
  nlohmann::json summary;    // the stored status view
  SolveRequest request;      // tours, policy, drivers, locks, config: the run's effective input
  std::string input_format;  // json | csv
  std::string input_text;    // that input as a POST /runs body (solve_input_json), JSON text
  nlohmann::json plan_kpis;  // the stored plan's "kpis" object, as reported
  Plan plan;
  LowerBounds lower_bounds;
  std::optional<Minutes> frozen_until;  // week-linear, from the report's changes / edit
  nlohmann::json frozen_until_json;     // as written there ({"day","time"}), or null
  AuditResult audit;  // of the stored plan, re-derived
  Kpis kpis;          // of the stored plan, re-derived
  std::unordered_map<std::string, int> tour_index;

  bool driver_mode() const { return !request.drivers.empty(); }
  EditContext edit_context() const;
};

// A small LRU of loaded contexts: the page checks and asks for candidates on the same run over
// and over, and re-reading 1,400 tours and a 300 KB plan each time would cost more than the work.
class RunContextCache {
 public:
  explicit RunContextCache(size_t capacity = 8) : capacity_(capacity) {}
  std::shared_ptr<const RunContext> get(const std::string& id);
  void put(const std::string& id, std::shared_ptr<const RunContext> ctx);
  void erase(const std::string& id);  // a deleted run

 private:
  size_t capacity_;
  std::mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<const RunContext>>> items_;  // most recent first
};

struct ContextResult {
  std::shared_ptr<const RunContext> ctx;
  std::optional<HttpError> error;  // 404 unknown run, 409 not finished / no plan / unreadable input
};

// Loads a finished run's context (from the cache when there). `defaults` and the run's stored
// week re-read an input stored before solve_input_json existed.
ContextResult load_run_context(const std::string& id, RunStore& store, RunManager& runs, const SolverConfig& defaults,
                               RunContextCache& cache);

// POST /runs/{id}/check body: {"moves":[{"tour_id","to_driver"}],"swaps":[{"driver_a","driver_b","days"}],"save"}.
struct EditBody {
  Edits edits;
  bool save = false;
  nlohmann::json raw;  // the moves and swaps as sent (kept with a saved version)
};
// 415 for a non-JSON body, 422 with every schema problem at once; an empty body is {}.
std::optional<HttpError> parse_edit_body(const std::string& content_type, const std::string& body, EditBody& out);

// The edit engine's error as an HTTP answer: 400 naming the item (unknown tour, driver, day), 422
// for a frozen tour (loc = the item's JSON path).
HttpError edit_error_answer(const EditError& e);

// The check answer (see README "Editing, versions and publishing").
nlohmann::json check_json(const RunContext& ctx, const EditCheck& check, const Edits& edits);

// Stores the edited plan as a new run (kind "edit", parent = the context's run): COMPLETED when the
// audit is clean, else DRAFT_WITH_VIOLATIONS. Renders its documents like a solved run's.
struct SavedVersion {
  std::string run_id;
  std::string status;
};
// The new version's context goes into `cache` (it is usually checked again right away).
SavedVersion save_edit(RunStore& store, const RunContext& ctx, const EditCheck& check, const EditBody& body,
                       RunContextCache& cache);

// GET /runs/{id}/tours/{tour_id}/candidates.
nlohmann::json candidates_json(const RunContext& ctx, const CandidateList& list, size_t limit);

// GET /runs/{id}/versions: ancestors (root first), the run, then its descendants (breadth first,
// oldest first). nullopt when the run is unknown.
std::optional<nlohmann::json> versions_json(const std::string& id, RunStore& store, RunManager& runs);

// The versions columns of a stored run for its status view: kind, parent_run_id, publication,
// published_at, superseded_by, scope.
void add_version_fields(nlohmann::json& view, const StoredRun& run);

// POST /runs/{id}/publish. The scope is the body's "scope" (a string) or, by default, the run's
// tour locations sorted and joined by "+" ("DEFAULT" for a single-depot week). 409 naming why a
// plan is not publishable (not finished, a draft, FAILED / CANCELLED, audit not clean).
struct PublishAnswer {
  int status = 200;
  nlohmann::json body;
};
PublishAnswer publish_run(const std::string& id, const std::string& content_type, const std::string& body,
                          RunStore& store, RunManager& runs, const SolverConfig& defaults, RunContextCache& cache);

// GET /runs/compare?a=…&b=….
nlohmann::json compare_json(const RunContext& a, const RunContext& b);

// "55 h" for 3300 minutes, "15.5 h" for 930 (a rule or tunable value shown in hours).
std::string hours_text(double hours);

}  // namespace so
