# shift-optimizer service image (Debian 12). Build from the repository root:
#   docker build -t shift-optimizer:2.0.0 .
#   docker run --rm -p 8000:8000 shift-optimizer:2.0.0
# The root-level Dockerfile is a copy of this file (the runbook builds with `.` as context);
# keep both identical (tests/service/deploy_test.cpp checks it).

# ---- build stage: the -dev packages of scripts/install-deps.sh, compile the CLI only ----------
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config git ca-certificates \
      coinor-libclp-dev coinor-libcbc-dev \
      libcpp-httplib-dev libhttp-parser-dev nlohmann-json3-dev \
      libsqlite3-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev libxlsxwriter-dev \
      libgtest-dev libgmock-dev nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The page's vendored browser assets (swagger-ui-dist for /api/v1/docs), pinned by web/package-lock.json.
RUN rm -rf web/node_modules && npm ci --prefix web --omit=dev --no-audit --no-fund --ignore-scripts
# BUILD_TESTING=OFF: the image needs the binary only (CI runs the tests with scripts/test.sh).
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build /build --target shift-optimizer -j"$(nproc)" \
 && strip /build/shift-optimizer

# ---- runtime stage: shared libraries only, non-root user ----------------------------------------
FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      coinor-libclp1 coinor-libcbc3 libcpp-httplib0.11 libhttp-parser2.9 \
      libsqlite3-0 libspdlog1.10 libfmt9 libssl3 libxlsxwriter4 \
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
