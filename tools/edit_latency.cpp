// Latency of the dispatcher routes (dispatch.md §4: check and candidates answer in <= 50 ms on the
// reference week). Not a test and not part of ctest: a manual measurement.
//
//   cmake --build build --target so-edit-latency
//   ./build/so-edit-latency ../shared/data/reference/forecast_input.csv            # forecast mode
//   ./build/so-edit-latency ../shared/data/reference/forecast_input.csv --drivers 145  # driver mode
//
// It solves the week once in an in-process service on a loopback port, then times over HTTP
// (client-side wall clock, keep-alive connection): the first /check after the solve (the service
// reads a finished run back for the dispatcher routes as it finishes), the first /check after a
// restart (cold: the run's input and plan are read back from the store), /check of candidates'
// moves, and /candidates for a sample of tours; and the engine alone (find_candidates,
// check_edits) without HTTP.
#include <CLI/CLI.hpp>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/candidates.hpp"
#include "core/edits.hpp"
#include "instance_gen.hpp"
#include "io/forecast.hpp"
#include "service/log.hpp"
#include "service/server.hpp"
#include "solver/solve.hpp"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Stats {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  void print(const char* what) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))]; };
    std::printf("  %-38s n=%-4zu median %7.2f ms   p95 %7.2f ms   max %7.2f ms\n", what, v.size(), at(0.5), at(0.95),
                v.back());
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"latency of POST /runs/{id}/check and GET …/candidates"};
  std::string forecast;
  int drivers = 0, samples = 60, limit = 10;
  double time_limit = 30;
  app.add_option("forecast", forecast, "forecast file (CSV or JSON)")->required();
  app.add_option("--drivers", drivers, "driver mode with this many generic drivers (0 = forecast mode)");
  app.add_option("--samples", samples, "tours sampled (spread over the week)");
  app.add_option("--limit", limit, "candidates limit");
  app.add_option("--time-limit", time_limit, "solve budget, seconds");
  CLI11_PARSE(app, argc, argv);
  so::configure_logging("warn", "text");

  const so::Forecast f = so::read_forecast_file(forecast);
  json tours = json::array();
  for (const so::Tour& t : f.tours)
    tours.push_back({{"id", t.id},
                     {"day", std::string(so::day_short_name(t.day))},
                     {"start_time", so::format_hhmm(t.start)},
                     {"end_time", so::format_hhmm(t.end)},
                     {"location", t.location}});
  json body = {{"tours", tours}, {"seed", 42}, {"time_limit_seconds", time_limit}};
  std::vector<so::Driver> pool;
  if (drivers > 0) {
    pool = so::bench::driver_pool(drivers);
    json dj = json::array();
    for (const so::Driver& d : pool) dj.push_back({{"id", d.id}});
    body["drivers"] = dj;
  }
  std::printf("%s: %zu tours, %s\n", forecast.c_str(), f.tours.size(),
              drivers > 0 ? ("driver mode, " + std::to_string(drivers) + " drivers").c_str() : "forecast mode");

  // ---- over HTTP
  char tmpl[] = "/tmp/so-edit-latency-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  so::ServerOptions opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  opt.data_dir = tmpl;  // a real store file: the service is restarted on it below
  opt.log_level = "warn";
  auto svc = std::make_unique<so::Service>(opt);
  svc->start();
  httplib::Client c("127.0.0.1", svc->port());
  c.set_read_timeout(600, 0);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);  // else a POST body waits for a delayed ACK (~40 ms) on loopback
  auto t0 = Clock::now();
  auto r = c.Post("/api/v1/runs", body.dump(), "application/json");
  if (!r || r->status != 201) {
    std::fprintf(stderr, "submit failed: %s\n", r ? r->body.c_str() : "no answer");
    return 1;
  }
  const std::string id = json::parse(r->body)["run_id"];
  for (;;) {
    auto v = c.Get(("/api/v1/runs/" + id).c_str());
    const std::string s = json::parse(v->body)["status"];
    if (s != "QUEUED" && s != "RUNNING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const json plan = json::parse(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->body);
  std::printf("solved in %.1f s: %d drivers, audit %s\n", ms_since(t0) / 1000, plan["kpis"]["drivers_total"].get<int>(),
              plan["audit"]["ok"].get<bool>() ? "ok" : "NOT ok");

  const std::string base = "/api/v1/runs/" + id;
  Stats cold, check_warm, cand_http, check_moves;
  t0 = Clock::now();
  r = c.Post((base + "/check").c_str(), "{}", "application/json");
  cold.add(ms_since(t0));
  int direct = 0, ejection = 0, clean_mismatch = 0;
  const size_t step = std::max<size_t>(1, f.tours.size() / static_cast<size_t>(samples));
  for (size_t i = 0; i < f.tours.size(); i += step) {
    t0 = Clock::now();
    r = c.Get((base + "/tours/" + f.tours[i].id + "/candidates?limit=" + std::to_string(limit)).c_str());
    cand_http.add(ms_since(t0));
    if (!r || r->status != 200) continue;
    const json l = json::parse(r->body);
    direct += l["direct_found"].get<int>();
    ejection += l["ejection_found"].get<int>();
    if (l["candidates"].empty()) continue;
    const json& best = l["candidates"].back();  // the last listed: an ejection when there is one
    t0 = Clock::now();
    auto ck = c.Post((base + "/check").c_str(), json{{"moves", best["moves"]}}.dump(), "application/json");
    check_moves.add(ms_since(t0));
    if (ck && ck->status == 200 && json::parse(ck->body)["ok"] != best["audit_clean"]) ++clean_mismatch;
  }
  for (int k = 0; k < 20; ++k) {
    t0 = Clock::now();
    c.Post((base + "/check").c_str(), "{}", "application/json");
    check_warm.add(ms_since(t0));
  }
  // The cold path: a restarted service reads the run back from the store on first use.
  svc.reset();
  svc = std::make_unique<so::Service>(opt);
  svc->start();
  httplib::Client c2("127.0.0.1", svc->port());
  c2.set_keep_alive(true);
  c2.set_tcp_nodelay(true);
  Stats restart;
  t0 = Clock::now();
  r = c2.Post((base + "/check").c_str(), "{}", "application/json");
  restart.add(ms_since(t0));
  svc.reset();
  std::filesystem::remove_all(tmpl);

  std::printf("HTTP (client wall clock, loopback):\n");
  cold.print("POST /check, first after the solve");
  restart.print("POST /check, first after a restart");
  check_warm.print("POST /check, no edits (warm)");
  check_moves.print("POST /check, a candidate's moves");
  cand_http.print("GET /candidates");
  std::printf("  candidates: %d direct found, %d one-ejection listed; audit_clean mismatches: %d\n", direct, ejection,
              clean_mismatch);

  // ---- the engine alone, on the same plan
  so::SolveRequest req;
  req.tours = f.tours;
  req.drivers = pool;
  const so::Plan p = [&] {
    so::Plan out;
    std::map<std::string, int> idx;
    for (int i = 0; i < static_cast<int>(f.tours.size()); ++i) idx[f.tours[static_cast<size_t>(i)].id] = i;
    for (const auto& d : plan["drivers"]) {
      so::Roster ro{d["driver_id"], {}, ""};
      for (const auto& b : d["blocks"]) {
        so::Block bl;
        bl.day = *so::parse_day(b["day"].get<std::string>());
        for (const auto& t : b["tours"]) bl.tours.push_back(idx.at(t["id"].get<std::string>()));
        ro.blocks.push_back(bl);
      }
      so::rebuild_roster(ro, req.tours, req.policy);
      out.rosters.push_back(ro);
    }
    return out;
  }();
  const so::EditContext ctx{req.tours, req.policy, req.drivers, req.locks, std::nullopt};
  Stats cand_engine, check_engine;
  for (size_t i = 0; i < f.tours.size(); i += step) {
    t0 = Clock::now();
    const so::CandidateList l = so::find_candidates(static_cast<int>(i), p, ctx, static_cast<size_t>(limit));
    cand_engine.add(ms_since(t0));
    if (l.candidates.empty()) continue;
    so::Edits e;
    e.moves = l.candidates.front().moves;
    t0 = Clock::now();
    const so::EditCheck chk = so::check_edits(p, e, ctx);
    check_engine.add(ms_since(t0));
  }
  std::printf("engine (no HTTP, no JSON):\n");
  cand_engine.print("find_candidates");
  check_engine.print("check_edits (audit + KPIs before/after)");
  return 0;
}
