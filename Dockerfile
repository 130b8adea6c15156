# shift-optimizer service image (Debian 12). Build from the repository root, tagged with the
# project version (CMakeLists.txt `project(... VERSION ...)`, = SO_VERSION below, checked by tests):
#   docker build -t shift-optimizer:0.1.0 .
#   docker run --rm -p 8000:8000 shift-optimizer:0.1.0
# Built and smoke-tested for real by deploy/image-smoke.sh (podman, chroot isolation).
ARG SO_VERSION=0.1.0

# ---- build stage: the -dev packages of scripts/install-deps.sh, compile the CLI only ----------
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config git ca-certificates \
      coinor-libclp-dev coinor-libcbc-dev \
      libcpp-httplib-dev libhttp-parser-dev nlohmann-json3-dev \
      libsqlite3-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev libxlsxwriter-dev \
      libpqxx-dev nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The page's vendored browser assets (swagger-ui-dist for /api/v1/docs), pinned by web/package-lock.json.
# NPM_CAFILE: a CA bundle for npm behind a TLS-intercepting proxy, bind-mounted for the build
# (deploy/image-smoke.sh passes the host's); empty = the image's own CAs.
ARG NPM_CAFILE=
RUN rm -rf web/node_modules \
 && npm ci --prefix web --omit=dev --no-audit --no-fund --ignore-scripts ${NPM_CAFILE:+--cafile "$NPM_CAFILE"}
# The commit for /readyz and solver_build_info; empty = `git rev-parse` of the context (a git
# worktree's .git is a file pointing outside it: pass --build-arg SO_GIT_COMMIT=… then). Declared
# here, not above: a build arg's value is part of the cache key of every RUN after it.
ARG SO_GIT_COMMIT=
# Compile jobs (default: all cores).
ARG JOBS=
# BUILD_TESTING=OFF: the image needs the binary only (CI runs the tests with scripts/test.sh).
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DSO_GIT_COMMIT="${SO_GIT_COMMIT}" \
 && cmake --build /build --target shift-optimizer -j"${JOBS:-$(nproc)}" \
 && strip /build/shift-optimizer

# ---- runtime stage: shared libraries only, non-root user ----------------------------------------
FROM debian:12-slim
ARG SO_VERSION
LABEL org.opencontainers.image.title="shift-optimizer" \
      org.opencontainers.image.version="${SO_VERSION}"
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      coinor-libclp1 coinor-libcbc3 libcpp-httplib0.11 libhttp-parser2.9 \
      libsqlite3-0 libspdlog1.10 libfmt9 libssl3 libxlsxwriter4 libpqxx-6.4 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /data --shell /usr/sbin/nologin app \
 && mkdir -p /data && chown app:app /data
COPY --from=build /build/shift-optimizer /usr/local/bin/shift-optimizer
# The dispatcher page served at / (found as <exe dir>/../share/shift-optimizer/web).
COPY --from=build /src/web /usr/local/share/shift-optimizer/web

# Service configuration (api.md §7); override with `docker run -e …`.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    LOG_FORMAT=json \
    LOG_LEVEL=info \
    MAX_QUEUED_RUNS=16 \
    SHUTDOWN_GRACE_SECONDS=25
VOLUME ["/data"]
EXPOSE 8000
USER app:app
WORKDIR /data
# SIGTERM drains: readyz turns 503, running solves finish (or are cancelled after the grace), exit 0.
# Give `docker stop -t` at least SHUTDOWN_GRACE_SECONDS + a few seconds.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/api/v1/healthz" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/shift-optimizer"]
CMD ["serve"]
