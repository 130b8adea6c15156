#!/usr/bin/env bash
# Installs every Debian package shift-optimizer needs to build, test and run (Debian 12, as root).
# Nothing is downloaded from anywhere but the Debian archive.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates
  # libraries
  coinor-libclp-dev coinor-libcbc-dev   # LP (CLP) and MIP (CBC)
  libcpp-httplib-dev nlohmann-json3-dev # HTTP server, JSON
  libhttp-parser-dev                    # request framing (service/http_front)
  libsqlite3-dev                        # run store
  libpqxx-dev                           # the PostgreSQL run store (DATABASE_URL)
  postgresql                            # a real PostgreSQL for the two-replica tests (a throwaway cluster per test run)
  libcli11-dev libspdlog-dev libfmt-dev # command line, logging
  libssl-dev                            # SHA-256 (libcrypto)
  libxlsxwriter-dev                     # Excel export
  libgtest-dev libgmock-dev             # tests
  clang libclang-rt-14-dev              # the fuzz step (libFuzzer, ASan, UBSan: scripts/fuzz.sh)
  libvalijson-dev                       # tests: every service answer checked against the OpenAPI document
  libyaml-cpp-dev                       # tests: deploy/k8s manifests parsed and checked
  # test-time tools: a real Prometheus + promtool for the metrics/alert tests, curl for smoke
  # checks, Chromium for the web page's end-to-end test
  prometheus curl chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian prometheus package starts a system service; our tests start their own on loopback.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  $SUDO systemctl stop prometheus || true
fi
# Node.js drives the browser test (playwright-core and axe-core from npm, pinned by tests/web/package-lock.json).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$here/tests/web/node_modules/playwright-core" ] || [ ! -d "$here/tests/web/node_modules/axe-core" ]; then
  (cd "$here/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# Swagger UI for /api/v1/docs (web/package-lock.json) and @redocly/cli for the openapi_lint test
# (tests/openapi/package-lock.json).
if [ ! -d "$here/web/node_modules/swagger-ui-dist" ]; then
  (cd "$here/web" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
fi
if [ ! -d "$here/tests/openapi/node_modules/@redocly/cli" ]; then
  (cd "$here/tests/openapi" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "install-deps: all ${#PACKAGES[@]} packages present"
