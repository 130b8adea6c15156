#include "pg/pg_test_util.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <pqxx/pqxx>

namespace so::test {

std::optional<std::string> pg_cluster_url() {
  const char* file = std::getenv("SO_PG_URL_FILE");
  if (!file || !*file) return std::nullopt;
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) return std::nullopt;
  return url;
}

TestDatabase::TestDatabase(const std::string& cluster_url) : admin_url_(cluster_url) {
  std::random_device rd;
  std::ostringstream name;
  name << "so_test_" << std::hex << rd() << rd();
  name_ = name.str();
  pqxx::connection c(admin_url_);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name_);
  // postgresql://user@host:port/postgres -> …/<name>
  url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection c(admin_url_);
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

std::string TestDatabase::query(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  const pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0].empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

void TestDatabase::refuse_connections() const {
  pqxx::connection c(admin_url_);
  pqxx::nontransaction tx(c);
  tx.exec("ALTER DATABASE " + name_ + " ALLOW_CONNECTIONS false");
  tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name_ + "'");
}

void TestDatabase::allow_connections() const {
  pqxx::connection c(admin_url_);
  pqxx::nontransaction tx(c);
  tx.exec("ALTER DATABASE " + name_ + " ALLOW_CONNECTIONS true");
}

}  // namespace so::test
