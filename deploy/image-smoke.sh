#!/usr/bin/env bash
# Builds the service image for real and runs the runbook's §0 smoke inside it.
#
#   sudo bash deploy/image-smoke.sh            (as root; here ~30 min from scratch, 12 with the base cached)
#   cmake --build build --target image-smoke   (the same, output also in build/image-smoke.log)
#   ctest --test-dir build -L image            (the same, after configuring with -DSO_IMAGE_SMOKE=ON;
#                                               not in the default run)
#
# Steps:
#   1. installs podman, buildah and debootstrap from the Debian archive;
#   2. makes a Debian 12 base image with debootstrap + `podman import` (image registries are not
#      reachable here) and tags it debian:12 and debian:12-slim; cached in podman's store, so a
#      re-run skips this (FORCE_BASE=1 remakes it);
#   3. builds the root Dockerfile with `podman build --isolation chroot`, tagged
#      shift-optimizer:<project version from CMakeLists.txt>;
#   4. runs, inside the image with `buildah run --isolation chroot` (this machine cannot start OCI
#      containers), as the image's user: `--version`, `serve`, healthz, readyz, metrics, the page,
#      the image's HEALTHCHECK command, the runbook's canary POST /api/v1/schedule three times
#      (solution_signature stable), and SIGTERM (exit 0);
#   5. runs `serve` in the image once more with DATABASE_URL on a throwaway PostgreSQL cluster of the
#      host (scripts/pg-test-cluster.sh): schema migrated, readyz, the canary through the shared queue
#      with the SQLite run's signature, SIGTERM;
#   6. prints a PASS/FAIL summary; exit 0 only if every check passed.
#
# Environment: SMOKE_PORT (default 18000; chroot isolation shares the host's network, so not 8000,
# which a developer's service may hold), MIRROR (Debian mirror for debootstrap), FORCE_BASE=1,
# CA_BUNDLE (CA certificates for npm in the build; default the host's bundle).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

if [ "$(id -u)" -ne 0 ]; then
  echo "image-smoke: run as root (podman/buildah with chroot isolation and debootstrap need it)" >&2
  exit 2
fi

VERSION="$(sed -n 's/^project(shift_optimizer VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)"
[ -n "$VERSION" ] || { echo "image-smoke: no project VERSION in CMakeLists.txt" >&2; exit 2; }
IMAGE="localhost/shift-optimizer:${VERSION}"
BASE="docker.io/library/debian:12"
BASE_SLIM="docker.io/library/debian:12-slim"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SMOKE_PORT="${SMOKE_PORT:-18000}"
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
export DEBIAN_FRONTEND=noninteractive

results=()   # "PASS|FAIL<TAB>name<TAB>detail", printed as the summary
record() { results+=("$1	$2	$3"); echo "image-smoke: $1 $2${3:+ — $3}"; }
started=$(date +%s)

summary() {
  local rc=$? fails=0 line
  echo
  echo "==================== image-smoke summary ===================="
  echo "image: ${IMAGE} (project version ${VERSION}, commit ${COMMIT})"
  for line in "${results[@]}"; do
    IFS=$'\t' read -r st name detail <<<"$line"
    printf '  %-4s  %-28s %s\n' "$st" "$name" "$detail"
    [ "$st" = PASS ] || fails=$((fails + 1))
  done
  if [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ]; then
    printf '  %-4s  %-28s %s\n' FAIL "script" "stopped with exit code $rc before the end (see above)"
    fails=1
  fi
  echo "elapsed: $(( $(date +%s) - started )) s"
  if [ "$fails" -eq 0 ] && [ "$rc" -eq 0 ]; then echo "RESULT: PASS (${#results[@]} checks)"; else echo "RESULT: FAIL ($fails failed)"; fi
  echo "============================================================="
  [ -n "${ctr:-}" ] && buildah rm "$ctr" >/dev/null 2>&1 || true
  [ "$fails" -eq 0 ] && [ "$rc" -eq 0 ] || exit 1
}
trap summary EXIT

# ---- 1. tools ------------------------------------------------------------------------------------
# Only what this script uses; all from the Debian archive.
tools=(podman buildah debootstrap postgresql)  # postgresql: the throwaway cluster of part 5
missing=()
for p in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
record PASS tools "$(podman --version), $(buildah --version | cut -d' ' -f1-3)"

# chroot isolation binds the host's /dev read-only into every RUN: a /dev/null that is not the
# device (seen here once: deleted, then re-created as a plain file) makes apt fail in the build.
if [ ! -c /dev/null ]; then
  record FAIL host-dev-null "/dev/null on this host is not a character device (fix: rm /dev/null && mknod -m 666 /dev/null c 1 3)"
  exit 1
fi

# ---- 2. Debian 12 base image ---------------------------------------------------------------------
if [ "${FORCE_BASE:-0}" != 1 ] && podman image exists "$BASE" && podman image exists "$BASE_SLIM"; then
  record PASS base-image "cached: $BASE ($(podman image inspect -f '{{.Created}}' "$BASE" | cut -c1-19))"
else
  rootfs="$(mktemp -d /var/tmp/so-debian12.XXXXXX)"
  # minbase = apt + dpkg + the essential set, like the official image; the sources as in that image.
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/tmp/so-debootstrap.log 2>&1 \
    || { tail -20 /tmp/so-debootstrap.log; record FAIL base-image "debootstrap failed"; exit 1; }
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  # The Dockerfile's two bases (debian:12, debian:12-slim) are this one rootfs.
  tar --numeric-owner -C "$rootfs" -c . \
    | podman import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
  podman tag "$BASE" "$BASE_SLIM"
  rm -rf "$rootfs"
  record PASS base-image "debootstrap bookworm minbase from $MIRROR, imported as $BASE and $BASE_SLIM ($(podman image inspect -f '{{.Size}}' "$BASE") bytes)"
fi

# ---- 3. build the root Dockerfile ----------------------------------------------------------------
# --pull=never: the bases are local; --format docker keeps HEALTHCHECK (OCI images drop it).
# The commit goes in as a build arg: a git worktree's .git is a file pointing outside the context.
# The host's CA bundle goes to npm (the build fetches swagger-ui-dist): here, as behind any
# TLS-intercepting proxy, the image's own CAs do not verify the registry.
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
ca_args=()
if [ -s "$CA_BUNDLE" ]; then
  ca_args=(--volume "$CA_BUNDLE:/run/so-host-ca.crt:ro" --build-arg NPM_CAFILE=/run/so-host-ca.crt)
fi
build_start=$(date +%s)
if podman build --isolation chroot --pull=never --format docker \
     --build-arg SO_GIT_COMMIT="$COMMIT" --build-arg SO_VERSION="$VERSION" --build-arg JOBS=2 \
     "${ca_args[@]}" -t "$IMAGE" -f Dockerfile . ; then
  record PASS build "podman build --isolation chroot: $IMAGE in $(( $(date +%s) - build_start )) s, $(podman image inspect -f '{{.Size}}' "$IMAGE") bytes"
else
  record FAIL build "podman build failed (see above)"
  exit 1
fi

label_version="$(podman image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE")"
if [ "$label_version" = "$VERSION" ]; then record PASS label-version "org.opencontainers.image.version=$label_version"
else record FAIL label-version "label '$label_version' != project version $VERSION"; fi

# The image's own HEALTHCHECK, run inside below exactly as a container engine would.
healthcheck="$(podman image inspect -f '{{json .Config.Healthcheck}}' "$IMAGE")"
hc_cmd="$(podman image inspect -f '{{range $i, $a := .Config.Healthcheck.Test}}{{if $i}}{{if gt $i 1}} {{end}}{{$a}}{{end}}{{end}}' "$IMAGE" 2>/dev/null || true)"
case "$healthcheck" in
  *CMD-SHELL*) record PASS healthcheck-present "$hc_cmd" ;;
  *) record FAIL healthcheck-present "no HEALTHCHECK in the image config: $healthcheck" ;;
esac

# ---- 4. the smoke, inside the image --------------------------------------------------------------
ctr="$(buildah from --pull-never "$IMAGE")"
in_image() { buildah run --isolation chroot "$@"; }

got_version="$(in_image "$ctr" -- /usr/local/bin/shift-optimizer --version 2>&1 || true)"
case "$got_version" in
  "$VERSION ("*) record PASS version "shift-optimizer --version = $got_version" ;;
  *) record FAIL version "'$got_version', expected '$VERSION (…)'" ;;
esac
missing_libs="$(in_image "$ctr" -- sh -c 'ldd /usr/local/bin/shift-optimizer | grep "not found" || true' 2>&1 || true)"
if [ -z "$missing_libs" ]; then record PASS shared-libraries "ldd: every library of the binary is in the image"
else record FAIL shared-libraries "$missing_libs"; fi
# The PostgreSQL client library of the run store (DATABASE_URL; part 5 uses it).
pqxx="$(in_image "$ctr" -- dpkg-query -W -f '${Package} ${Version}' libpqxx-6.4 2>&1 || true)"
case "$pqxx" in "libpqxx-6.4 "*) record PASS libpqxx-runtime "$pqxx" ;; *) record FAIL libpqxx-runtime "$pqxx" ;; esac
got_user="$(in_image "$ctr" -- id -un 2>&1 || true)"
if [ "$got_user" = app ]; then record PASS non-root-user "runs as $got_user ($(in_image "$ctr" -- id -u))"
else record FAIL non-root-user "runs as '$got_user'"; fi

# The smoke proper runs in one `buildah run`: serve in the background, then the runbook's curls.
# Each check prints "CHECK <PASS|FAIL> <name> <detail>"; the outer script records them.
# HOST=127.0.0.1: chroot isolation shares the host's network; nothing needs to reach it from outside.
inner='
set -u
PORT="$1"; VERSION="$2"; HC="$3"
S="http://127.0.0.1:${PORT}"
check() { echo "CHECK $1 $2 ${3:-}"; }
shift-optimizer serve >/tmp/serve.log 2>&1 &
pid=$!
up=0
for _ in $(seq 1 60); do
  curl -fsS "$S/api/v1/healthz" >/dev/null 2>&1 && { up=1; break; }
  sleep 0.5
done
if [ "$up" = 1 ]; then check PASS serve "pid $pid listening on $PORT (DATA_DIR=$DATA_DIR, cwd $(pwd))"
else check FAIL serve "no healthz after 30 s"; sed "s/^/  serve.log: /" /tmp/serve.log; exit 0; fi

h="$(curl -fsS "$S/api/v1/healthz" 2>&1)"
case "$h" in *"\"status\":\"alive\""*"\"version\":\"$VERSION\""*) check PASS healthz "$h" ;; *) check FAIL healthz "$h" ;; esac

code="$(curl -sS -o /tmp/readyz.json -w "%{http_code}" "$S/api/v1/readyz")"
r="$(cat /tmp/readyz.json)"
case "$code $r" in "200 "*"\"status\":\"ready\""*) check PASS readyz "200 $(echo "$r" | grep -o "\"git_commit\":\"[^\"]*\"") $(echo "$r" | grep -o "\"runs\":{[^}]*}")" ;;
  *) check FAIL readyz "$code $r" ;; esac

ct="$(curl -fsS -o /tmp/metrics.txt -w "%{content_type}" "$S/api/v1/metrics")"
echo "--- curl -fsS $S/api/v1/metrics | head"; head /tmp/metrics.txt; echo "---"
bi="$(grep "^solver_build_info{" /tmp/metrics.txt || true)"
if [ "$ct" = "text/plain; version=0.0.4; charset=utf-8" ] && [ -n "$bi" ] && echo "$bi" | grep -q "version=\"$VERSION\"" \
   && grep -q "^solver_runs_queued " /tmp/metrics.txt; then
  check PASS metrics "$(wc -l </tmp/metrics.txt) lines, $bi"
else check FAIL metrics "content-type \"$ct\", build_info \"$bi\""; fi

p1="$(curl -sS -o /dev/null -w "%{http_code}" "$S/")"
p2="$(curl -sS -o /dev/null -w "%{http_code}" "$S/api/v1/docs")"
p3="$(curl -sS -o /dev/null -w "%{http_code}" "$S/web/node_modules/swagger-ui-dist/swagger-ui-bundle.js")"
if [ "$p1$p2$p3" = 200200200 ]; then check PASS web-assets "/ $p1, /api/v1/docs $p2, swagger-ui-bundle.js $p3"
else check FAIL web-assets "/ $p1, /api/v1/docs $p2, swagger-ui-bundle.js $p3"; fi

if sh -c "$HC"; then check PASS healthcheck-runs "exit 0: $HC"; else check FAIL healthcheck-runs "exit $?: $HC"; fi

# The runbook §2 canary, its shape verbatim: {"tours":[…],"seed":42,"time_limit_seconds":30}.
body="{\"tours\":[
 {\"id\":\"T1\",\"day\":\"Mon\",\"start_time\":\"06:00\",\"end_time\":\"10:30\"},
 {\"id\":\"T2\",\"day\":\"Mon\",\"start_time\":\"11:00\",\"end_time\":\"15:00\"},
 {\"id\":\"T3\",\"day\":\"Tue\",\"start_time\":\"05:30\",\"end_time\":\"09:45\"},
 {\"id\":\"T4\",\"day\":\"Tue\",\"start_time\":\"14:00\",\"end_time\":\"18:30\"},
 {\"id\":\"T5\",\"day\":\"Wed\",\"start_time\":\"06:00\",\"end_time\":\"10:00\"},
 {\"id\":\"T6\",\"day\":\"Thu\",\"start_time\":\"07:00\",\"end_time\":\"11:30\"},
 {\"id\":\"T7\",\"day\":\"Fri\",\"start_time\":\"06:00\",\"end_time\":\"10:30\"},
 {\"id\":\"T8\",\"day\":\"Sat\",\"start_time\":\"08:00\",\"end_time\":\"12:00\"}],
 \"seed\":42,\"time_limit_seconds\":30}"
sigs=""
for i in 1 2 3; do
  code="$(curl -sS -o /tmp/plan$i.json -w "%{http_code}" -X POST "$S/api/v1/schedule" -H "Content-Type: application/json" -d "$body")"
  sig="$(grep -o "\"solution_signature\":\"sha256:[0-9a-f]*\"" /tmp/plan$i.json | head -1 | cut -d\" -f4)"
  st="$(grep -o "\"status\":\"[A-Z_]*\"" /tmp/plan$i.json | head -1 | cut -d\" -f4)"
  if [ "$code" = 200 ] && [ -n "$sig" ]; then check PASS "canary-$i" "200 status=$st $sig"
  else check FAIL "canary-$i" "$code $(head -c 300 /tmp/plan$i.json)"; fi
  sigs="$sigs$sig
"
done
n="$(printf "%s" "$sigs" | grep -c . || true)"; u="$(printf "%s" "$sigs" | grep . | sort -u | wc -l)"
if [ "$n" = 3 ] && [ "$u" = 1 ]; then check PASS signature-stable-x3 "$(printf "%s" "$sigs" | head -1)"
else check FAIL signature-stable-x3 "$n signatures, $u distinct"; fi

m="$(curl -fsS "$S/api/v1/metrics" | grep -E "^solver_signature_(runs|unique)_total " | tr "\n" " ")"
case "$m" in *"solver_signature_runs_total 3 "*"solver_signature_unique_total 1 "*) check PASS signature-metrics "$m" ;;
  *) check FAIL signature-metrics "$m" ;; esac

kill -TERM "$pid"; wait "$pid"; rc=$?
if [ "$rc" = 0 ]; then check PASS sigterm-exit-0 "serve exited 0 after SIGTERM"
else check FAIL sigterm-exit-0 "exit $rc"; sed "s/^/  serve.log: /" /tmp/serve.log | tail -20; fi
echo "--- serve.log (last 5 lines)"; tail -5 /tmp/serve.log
'
echo "image-smoke: running the smoke inside $IMAGE (working container $ctr) on 127.0.0.1:$SMOKE_PORT"
if ! curl -s -o /dev/null "http://127.0.0.1:${SMOKE_PORT}/" 2>/dev/null; then :; else
  record FAIL smoke "port $SMOKE_PORT is already in use on this host; set SMOKE_PORT"; exit 1
fi
out="$(in_image --env HOST=127.0.0.1 --env PORT="$SMOKE_PORT" "$ctr" -- bash -c "$inner" smoke "$SMOKE_PORT" "$VERSION" "$hc_cmd" 2>&1)" || true
echo "$out" | grep -v '^CHECK ' || true
while read -r _ st name detail; do
  record "$st" "$name" "$detail"
done < <(echo "$out" | grep '^CHECK ')
echo "$out" | grep -q '^CHECK .* sigterm-exit-0 ' || record FAIL smoke "the in-image smoke stopped early (output above)"

# ---- 5. the shared store from inside the image ---------------------------------------------------
# A throwaway PostgreSQL cluster on the host (chroot isolation shares the host's network): the image's
# binary with DATABASE_URL migrates the schema, answers readyz and solves the canary through the
# shared queue with the same signature as above.
pg_dir="$(mktemp -d)"
if bash "$repo/scripts/pg-test-cluster.sh" start "$pg_dir" >/dev/null 2>&1; then
  pg_url="$(cat "$pg_dir/url")"
  sqlite_sig="$(echo "$out" | grep -o 'canary-1 200 status=[A-Z_]* sha256:[0-9a-f]*' | grep -o 'sha256:[0-9a-f]*' || true)"
  inner_pg='
set -u
PORT="$1"; body="$2"
S="http://127.0.0.1:${PORT}"
shift-optimizer serve >/tmp/serve-pg.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "$S/api/v1/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
echo "READYZ $(curl -s -o /dev/null -w "%{http_code}" "$S/api/v1/readyz")"
curl -sS -o /tmp/plan-pg.json -X POST "$S/api/v1/schedule" -H "Content-Type: application/json" -d "$body"
echo "SIG $(grep -o "\"solution_signature\":\"sha256:[0-9a-f]*\"" /tmp/plan-pg.json | head -1 | cut -d\" -f4)"
kill -TERM "$pid"; wait "$pid"; echo "RC $?"
grep -q "schema migrated to version" /tmp/serve-pg.log && echo "MIGRATED yes"
'
  canary='{"tours":[{"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:30"},{"id":"T2","day":"Mon","start_time":"11:00","end_time":"15:00"},{"id":"T3","day":"Tue","start_time":"05:30","end_time":"09:45"},{"id":"T4","day":"Tue","start_time":"14:00","end_time":"18:30"},{"id":"T5","day":"Wed","start_time":"06:00","end_time":"10:00"},{"id":"T6","day":"Thu","start_time":"07:00","end_time":"11:30"},{"id":"T7","day":"Fri","start_time":"06:00","end_time":"10:30"},{"id":"T8","day":"Sat","start_time":"08:00","end_time":"12:00"}],"seed":42,"time_limit_seconds":30}'
  pg_out="$(in_image --env HOST=127.0.0.1 --env PORT="$SMOKE_PORT" --env DATABASE_URL="$pg_url" --env REPLICA_ID=image \
    "$ctr" -- bash -c "$inner_pg" smoke "$SMOKE_PORT" "$canary" 2>&1)" || true
  pg_sig="$(echo "$pg_out" | sed -n 's/^SIG //p')"
  if echo "$pg_out" | grep -q '^READYZ 200' && echo "$pg_out" | grep -q '^MIGRATED yes' && echo "$pg_out" | grep -q '^RC 0' &&
     [ -n "$pg_sig" ] && [ "$pg_sig" = "$sqlite_sig" ]; then
    record PASS postgresql-store "DATABASE_URL: schema migrated, readyz 200, canary $pg_sig (= the SQLite store's), SIGTERM exit 0"
  else
    record FAIL postgresql-store "$(echo "$pg_out" | tail -5 | tr '\n' ' ') (SQLite signature $sqlite_sig)"
  fi
  bash "$repo/scripts/pg-test-cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true
else
  record FAIL postgresql-store "could not start a PostgreSQL test cluster (apt-get install postgresql)"
fi
rm -rf "$pg_dir"
