#pragma once
// The PostgreSQL tests' database: the throwaway cluster that ctest starts (scripts/pg-test-cluster.sh,
// fixture `pg`) writes its URL to a file named by SO_PG_URL_FILE; each test gets a fresh database
// of its own on it, dropped at the end, so tests may run in parallel.
#include <optional>
#include <string>

namespace so::test {

// The cluster's admin URL, or nullopt when no cluster runs (the tests then skip).
std::optional<std::string> pg_cluster_url();

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& cluster_url);  // CREATE DATABASE so_test_<random>
  ~TestDatabase();                                          // DROP DATABASE … WITH (FORCE)
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& url() const { return url_; }
  // Runs one SQL statement on the test database and returns the first column of the first row ("" if none).
  std::string query(const std::string& sql) const;
  // An outage of this database alone: new connections refused, open ones cut; and its end.
  void refuse_connections() const;
  void allow_connections() const;

 private:
  std::string admin_url_, name_, url_;
};

}  // namespace so::test

// Skips the test when no PostgreSQL cluster runs (a machine without the postgresql package).
#define REQUIRE_PG(var)                                                                       \
  const std::optional<std::string> var = ::so::test::pg_cluster_url();                        \
  if (!var) GTEST_SKIP() << "no PostgreSQL test cluster (SO_PG_URL_FILE; scripts/pg-test-cluster.sh)"
