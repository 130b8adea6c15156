#pragma once
// The PostgreSQL run store (issue 14; README "Running more than one replica"), chosen by
// DATABASE_URL=postgresql://…: the same RunStore calls as the SQLite file store, plus the shared
// queue that lets several replicas serve one set of runs (claims with FOR UPDATE SKIP LOCKED,
// leases renewed by the owner, cancel flags, LISTEN/NOTIFY to wake the other replicas).
// The schema is versioned (table so_schema_migrations) and migrated at start-up under an advisory
// lock, so replicas starting together migrate once.
#include <memory>
#include <string>

#include "service/run_store.hpp"

namespace so {

// Throws StoreError naming the server (never the password) when the URL is not a PostgreSQL URL,
// the server cannot be reached, or the schema cannot be migrated.
std::unique_ptr<RunStore> open_pg_run_store(const std::string& database_url, int max_stored_runs);

// The URL with its password replaced by "***" (for logs, errors and the store's path()).
std::string redact_database_url(const std::string& url);

// The URL the store connects with: DATABASE_URL plus the libpq options it does not set itself —
// connect_timeout=5 and TCP keepalives (30 s idle, 10 s apart, 3 probes) — so a database host
// that vanishes without a reset shows as an outage (readyz 503) in seconds, not after minutes.
std::string pg_connection_url(const std::string& url);

// The schema version this build migrates to (tests).
int pg_schema_version();

}  // namespace so
