// deploy/k8s checked against the binary's own configuration (issue 14): container ports against
// the default PORT, probe paths against the routes a live service answers, env names against
// recognised_environment() (and that list against what src/ really reads), env values through
// options_from_environment(), the Secret, the Service, the PDB and the HPA's metric.
// No cluster runs here: this is what can be checked without one.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "service/server.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

namespace fs = std::filesystem;

const std::string kK8sDir = std::string(SO_SOURCE_DIR) + "/deploy/k8s";

// Listed in recognised_environment() before src/ reads them (none now; a name here must still be listed).
const std::set<std::string> kListedAheadOfReader = {};
// Read by src/ but no service configuration: the CLI's terminal check and solver debug traces.
const std::set<std::string> kNotConfiguration = {"TERM", "SO_DM_DEBUG", "SO_DM_DEBUG_CG"};

std::set<std::string> recognised_names() {
  std::set<std::string> out;
  for (const EnvironmentVariable& v : recognised_environment()) out.insert(v.name);
  return out;
}

std::vector<YAML::Node> load_manifests(const std::string& dir) {
  std::vector<YAML::Node> docs;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml" && e.path().filename() != "kustomization.yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files)
    for (const YAML::Node& d : YAML::LoadAllFromFile(f.string()))
      if (d && d.IsMap()) docs.push_back(d);
  return docs;
}

std::string str(const YAML::Node& n) { return n && n.IsScalar() ? n.as<std::string>() : std::string(); }

// Probes as the server serves them: path -> expected "status" of the JSON answer.
struct Served {
  std::string liveness = "/api/v1/healthz", readiness = "/api/v1/readyz", metrics = "/api/v1/metrics";
};

// Every problem found in the manifests, as text ("" = none). `served` holds the routes a live
// service answered (checked by the caller); `names` the recognised environment.
std::vector<std::string> check_manifests(const std::vector<YAML::Node>& docs, const Served& served,
                                         const std::set<std::string>& names, int default_port) {
  std::vector<std::string> problems;
  auto fail = [&](const std::string& where, const std::string& what) { problems.push_back(where + ": " + what); };

  std::map<std::string, YAML::Node> secrets, deployments;
  std::vector<YAML::Node> services, pdbs, hpas;
  for (const YAML::Node& d : docs) {
    const std::string kind = str(d["kind"]), name = str(d["metadata"]["name"]);
    if (kind == "Secret") secrets[name] = d;
    else if (kind == "Deployment") deployments[name] = d;
    else if (kind == "Service") services.push_back(d);
    else if (kind == "PodDisruptionBudget") pdbs.push_back(d);
    else if (kind == "HorizontalPodAutoscaler") hpas.push_back(d);
    else fail(kind + "/" + name, "unexpected kind");
  }

  std::map<std::string, std::map<std::string, std::string>> pod_labels;  // deployment -> template labels
  std::set<std::string> tracks;
  int stable_replicas = 0;
  std::string stable_name;
  for (const auto& [name, d] : deployments) {
    const std::string where = "Deployment/" + name;
    const YAML::Node spec = d["spec"], pod = spec["template"]["spec"];
    std::map<std::string, std::string> labels;
    for (const auto& kv : spec["template"]["metadata"]["labels"]) labels[str(kv.first)] = str(kv.second);
    pod_labels[name] = labels;
    for (const auto& kv : spec["selector"]["matchLabels"])
      if (labels[str(kv.first)] != str(kv.second)) fail(where, "selector " + str(kv.first) + " does not match the pod labels");
    const std::string track = labels["track"];
    if (track != "stable" && track != "canary") fail(where, "label track is '" + track + "', not stable or canary");
    tracks.insert(track);
    if (track == "stable") {
      stable_name = name;
      stable_replicas = spec["replicas"] ? spec["replicas"].as<int>() : 1;
    }

    const YAML::Node containers = pod["containers"];
    if (!containers || containers.size() != 1) {
      fail(where, "expected one container");
      continue;
    }
    const YAML::Node c = containers[0];

    // env: names the binary reads, values it accepts, secrets that exist.
    std::map<std::string, std::string> literal_env;
    std::set<std::string> env_names;
    for (const YAML::Node& e : c["env"]) {
      const std::string n = str(e["name"]);
      env_names.insert(n);
      if (!names.count(n)) fail(where, "env " + n + " is not read by shift-optimizer serve");
      if (e["value"]) literal_env[n] = str(e["value"]);
      if (e["valueFrom"]) {
        const YAML::Node ref = e["valueFrom"]["secretKeyRef"];
        const std::string sname = str(ref["name"]), key = str(ref["key"]);
        if (!secrets.count(sname)) fail(where, "env " + n + " refers to a missing Secret '" + sname + "'");
        else if (!secrets[sname]["stringData"][key] && !secrets[sname]["data"][key])
          fail(where, "env " + n + " refers to key '" + key + "' missing from Secret " + sname);
      }
    }
    for (const char* must : {"DATABASE_URL", "API_TOKEN"})
      if (!env_names.count(must)) fail(where, std::string("no env ") + must + " (from the Secret)");

    // ports: the one the binary listens on (PORT or its default).
    int port = default_port;
    if (literal_env.count("PORT")) port = std::atoi(literal_env["PORT"].c_str());
    std::map<std::string, int> named_ports;
    bool listens = false;
    for (const YAML::Node& p : c["ports"]) {
      named_ports[str(p["name"])] = p["containerPort"].as<int>();
      if (p["containerPort"].as<int>() == port) listens = true;
    }
    if (!listens) fail(where, "no containerPort " + std::to_string(port) + " (the port serve listens on)");

    // The literal values must pass the binary's own parsing (a typo in a number throws).
    {
      std::vector<std::pair<std::string, std::optional<std::string>>> saved;
      for (const auto& [n, v] : literal_env) {
        const char* old = std::getenv(n.c_str());
        saved.emplace_back(n, old ? std::optional<std::string>(old) : std::nullopt);
        ::setenv(n.c_str(), v.c_str(), 1);
      }
      try {
        const ServerOptions o = options_from_environment();
        if (o.port != port) fail(where, "serve would listen on " + std::to_string(o.port));
      } catch (const std::exception& ex) {
        fail(where, std::string("serve rejects the env: ") + ex.what());
      }
      for (const auto& [n, v] : saved) v ? (void)::setenv(n.c_str(), v->c_str(), 1) : (void)::unsetenv(n.c_str());
    }

    auto probe_port_ok = [&](const YAML::Node& p) {
      const YAML::Node pp = p["httpGet"]["port"];
      const std::string s = str(pp);
      const int n = named_ports.count(s) ? named_ports[s] : std::atoi(s.c_str());
      return n == port;
    };
    const YAML::Node live = c["livenessProbe"], ready = c["readinessProbe"];
    if (str(live["httpGet"]["path"]) != served.liveness)
      fail(where, "livenessProbe path '" + str(live["httpGet"]["path"]) + "', the service answers " + served.liveness);
    else if (!probe_port_ok(live)) fail(where, "livenessProbe port is not the serving port");
    if (str(ready["httpGet"]["path"]) != served.readiness)
      fail(where, "readinessProbe path '" + str(ready["httpGet"]["path"]) + "', the service answers " + served.readiness);
    else if (!probe_port_ok(ready)) fail(where, "readinessProbe port is not the serving port");
    const YAML::Node ann = spec["template"]["metadata"]["annotations"];
    if (ann && ann["prometheus.io/path"] && str(ann["prometheus.io/path"]) != served.metrics)
      fail(where, "prometheus.io/path '" + str(ann["prometheus.io/path"]) + "', metrics are at " + served.metrics);
    if (ann && ann["prometheus.io/port"] && std::atoi(str(ann["prometheus.io/port"]).c_str()) != port)
      fail(where, "prometheus.io/port is not the serving port");

    // preStop drain, then SIGTERM's grace: the pod must be given the sum and a margin.
    int pre_stop = 0;
    const YAML::Node cmd = c["lifecycle"]["preStop"]["exec"]["command"];
    if (cmd && cmd.size() == 2 && str(cmd[0]) == "sleep") pre_stop = std::atoi(str(cmd[1]).c_str());
    if (pre_stop <= 0) fail(where, "no preStop [\"sleep\", N] drain");
    const double grace = literal_env.count("SHUTDOWN_GRACE_SECONDS") ? std::atof(literal_env["SHUTDOWN_GRACE_SECONDS"].c_str())
                                                                       : ServerOptions{}.shutdown_grace_seconds;
    // After the grace the drain cancels the solves: about a second, 10 s at worst (README Operations).
    const int needed = pre_stop + static_cast<int>(grace) + 10;
    const int tgps = pod["terminationGracePeriodSeconds"] ? pod["terminationGracePeriodSeconds"].as<int>() : 30;
    if (tgps < needed)
      fail(where, "terminationGracePeriodSeconds " + std::to_string(tgps) + " < preStop " + std::to_string(pre_stop) +
                      " + SHUTDOWN_GRACE_SECONDS " + std::to_string(static_cast<int>(grace)) + " + 10");

    for (const char* kind : {"requests", "limits"})
      for (const char* res : {"cpu", "memory"})
        if (!c["resources"][kind][res]) fail(where, std::string("no resources.") + kind + "." + res);
  }
  if (!tracks.count("stable") || !tracks.count("canary")) fail("Deployments", "need a stable and a canary track");
  if (stable_replicas != 2) fail("Deployment/" + stable_name, "stable replicas " + std::to_string(stable_replicas) + ", expected 2");

  auto selects = [&](const YAML::Node& selector, const std::string& deployment) {
    for (const auto& kv : selector)
      if (pod_labels[deployment][str(kv.first)] != str(kv.second)) return false;
    return true;
  };
  if (services.size() != 1) fail("Service", "expected one");
  for (const YAML::Node& s : services) {
    for (const auto& [name, _] : deployments)
      if (!selects(s["spec"]["selector"], name)) fail("Service", "does not select Deployment/" + name);
    for (const YAML::Node& p : s["spec"]["ports"]) {
      const std::string target = str(p["targetPort"]);
      if (target != "http" && std::atoi(target.c_str()) != default_port)
        fail("Service", "targetPort '" + target + "' is neither the port name http nor " + std::to_string(default_port));
    }
  }
  if (pdbs.size() != 1) fail("PodDisruptionBudget", "expected one");
  for (const YAML::Node& p : pdbs)
    if (stable_name.empty() || !selects(p["spec"]["selector"]["matchLabels"], stable_name))
      fail("PodDisruptionBudget", "does not select the stable pods");
  if (hpas.size() != 1) fail("HorizontalPodAutoscaler", "expected one");
  for (const YAML::Node& h : hpas) {
    if (str(h["spec"]["scaleTargetRef"]["name"]) != stable_name) fail("HorizontalPodAutoscaler", "does not scale the stable Deployment");
    bool queued = false;
    for (const YAML::Node& m : h["spec"]["metrics"])
      if (str(m["external"]["metric"]["name"]) == "solver_runs_queued" || str(m["pods"]["metric"]["name"]) == "solver_runs_queued")
        queued = true;
    if (!queued) fail("HorizontalPodAutoscaler", "no metric solver_runs_queued");
  }
  return problems;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "  " + s + "\n";
  return out;
}

TEST(K8sManifests, MatchTheBinarysConfigurationAndRoutes) {
  const std::vector<YAML::Node> docs = load_manifests(kK8sDir);
  ASSERT_GE(docs.size(), 6u) << kK8sDir;

  // The probe routes and the metric, answered by a real service (not a copied list).
  const Served served;
  test::LiveService svc;
  auto c = svc.client(10);
  auto live = c.Get(served.liveness);
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  EXPECT_EQ(nlohmann::json::parse(live->body)["status"], "alive");
  auto ready = c.Get(served.readiness);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready->body)["status"], "ready");
  const std::string metrics = svc.metrics();
  EXPECT_TRUE(test::metric_value(metrics, "solver_runs_queued").has_value()) << "the HPA's metric";

  const std::vector<std::string> problems = check_manifests(docs, served, recognised_names(), ServerOptions{}.port);
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

// The checks can fail: typos in a probe path, an env name, a port or an env value are found.
TEST(K8sManifests, TheCheckFindsTypos) {
  const Served served;
  const auto names = recognised_names();
  const int port = ServerOptions{}.port;
  auto first_container = [](std::vector<YAML::Node>& docs) {
    for (YAML::Node& d : docs)
      if (str(d["kind"]) == "Deployment") return d["spec"]["template"]["spec"]["containers"][0];
    return YAML::Node();
  };
  auto count_with = [](const std::vector<std::string>& problems, const std::string& needle) {
    return std::count_if(problems.begin(), problems.end(), [&](const std::string& p) { return p.find(needle) != std::string::npos; });
  };
  {
    auto docs = load_manifests(kK8sDir);
    first_container(docs)["livenessProbe"]["httpGet"]["path"] = "/api/v1/healtz";
    EXPECT_EQ(count_with(check_manifests(docs, served, names, port), "livenessProbe path '/api/v1/healtz'"), 1);
  }
  {
    auto docs = load_manifests(kK8sDir);
    first_container(docs)["readinessProbe"]["httpGet"]["path"] = "/readyz";
    EXPECT_EQ(count_with(check_manifests(docs, served, names, port), "readinessProbe path '/readyz'"), 1);
  }
  {
    auto docs = load_manifests(kK8sDir);
    first_container(docs)["env"][0]["name"] = "SHUTDOWN_GRACE_SECOND";
    EXPECT_EQ(count_with(check_manifests(docs, served, names, port), "env SHUTDOWN_GRACE_SECOND is not read"), 1);
  }
  {
    auto docs = load_manifests(kK8sDir);
    first_container(docs)["ports"][0]["containerPort"] = 8080;
    EXPECT_GE(count_with(check_manifests(docs, served, names, port), "not the serving port"), 1);
  }
  {
    auto docs = load_manifests(kK8sDir);
    YAML::Node env = first_container(docs)["env"];
    for (YAML::Node e : env)
      if (str(e["name"]) == "MAX_QUEUED_RUNS") e["value"] = "16x";
    EXPECT_EQ(count_with(check_manifests(docs, served, names, port), "serve rejects the env: MAX_QUEUED_RUNS"), 1);
  }
  {
    auto docs = load_manifests(kK8sDir);
    for (YAML::Node& d : docs)
      if (str(d["kind"]) == "Deployment") d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 30;
    EXPECT_EQ(count_with(check_manifests(docs, served, names, port), "terminationGracePeriodSeconds 30 <"), 2);
  }
  {
    // A name missing from the code's list fails too.
    auto fewer = names;
    fewer.erase("API_TOKEN");
    auto docs = load_manifests(kK8sDir);
    EXPECT_EQ(count_with(check_manifests(docs, served, fewer, port), "env API_TOKEN is not read"), 2);
  }
}

// recognised_environment() is the truth only if it is what src/ reads: every getenv/env_* call
// with a literal name reads a listed name, and every listed name is read (but those ahead of
// their reader).
TEST(K8sManifests, RecognisedEnvironmentIsWhatTheCodeReads) {
  const std::regex call(R"re(\b(?:std::)?(?:getenv|env_or|env_int|env_double|env_flag)\(\s*"([A-Z][A-Z0-9_]*)")re");
  std::set<std::string> read;
  for (const auto& e : fs::recursive_directory_iterator(std::string(SO_SOURCE_DIR) + "/src")) {
    const std::string ext = e.path().extension().string();
    if (ext != ".cpp" && ext != ".hpp") continue;
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it)
      read.insert((*it)[1]);
  }
  ASSERT_TRUE(read.count("PORT") && read.count("ENABLE_FILL_TO_TARGET")) << "the scan found no reads";
  const auto listed = recognised_names();
  for (const std::string& n : read) {
    if (!kNotConfiguration.count(n)) {
      EXPECT_TRUE(listed.count(n)) << n << " is read by src/ but not in recognised_environment()";
    }
  }
  for (const std::string& n : listed) {
    if (!kListedAheadOfReader.count(n)) {
      EXPECT_TRUE(read.count(n)) << n << " is listed but src/ never reads it";
    }
  }
  for (const std::string& n : kListedAheadOfReader) EXPECT_TRUE(listed.count(n)) << n;
}

// `shift-optimizer serve --help` shows the list.
TEST(K8sManifests, ServeHelpListsTheEnvironment) {
  const std::string cmd = std::string(SO_BINARY_PATH) + " serve --help 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << out;
  for (const EnvironmentVariable& v : recognised_environment())
    EXPECT_NE(out.find(std::string("  ") + v.name + " "), std::string::npos) << v.name << "\n" << out;
}

}  // namespace
}  // namespace so
