# syntax=docker/dockerfile:1
#
# One image for every process (API, worker, migrations): they share the same
# build and differ only in the command, so their versions can never drift apart.
#
#   docker build -t groundwork .
#   docker run --env-file prod.env groundwork                          # API (the CMD below)
#   docker run --env-file prod.env groundwork node dist/worker.js      # worker
#   docker run --env-file prod.env groundwork node dist/db.js latest   # migrations
#
# Nothing here names a workspace: the manifests are found in the build context,
# so a new package needs no edit to this file or to .dockerignore. CI rehearses
# this file instruction by instruction (`npm run image:rehearse`, ADR 008), so
# keep to ARG, FROM, WORKDIR, COPY, RUN, ENV, USER, EXPOSE, STOPSIGNAL,
# HEALTHCHECK and CMD, with paths relative to WORKDIR in RUN.

# The production runtime: Node 24 LTS. Debian rather than Alpine: glibc keeps
# prebuilt native binaries (bcrypt, msgpackr-extract) on their tested path.
# Keep the version equal to .nvmrc (a test checks it).
ARG NODE_VERSION=24.22.3

# Only the npm manifests (every package.json and the lockfile), so the install
# layers below are reused until a dependency changes, not on every code edit.
FROM node:${NODE_VERSION}-bookworm-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
    && find . -type d -empty -delete

# Everything, dev tools included, to build dist/ (bundles and compiled migrations).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only: the bundles leave third-party packages to
# node_modules. Install scripts stay on: bcrypt and msgpackr-extract pick their
# prebuilt addons there.
FROM node:${NODE_VERSION}-bookworm-slim AS production-dependencies
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
# Production mode also makes the config refuse weak secrets and http:// origins.
ENV NODE_ENV=production
# The build compiles the migrations there: `node dist/db.js latest` applies them
# and /ready compares the database against them.
ENV MIGRATIONS_DIR=dist/migrations
# Files stay owned by root and only readable by the `node` user the processes
# run as: nothing writes under /app at run time, so a compromised process cannot
# rewrite its own code (compose also mounts the filesystem read-only).
COPY --from=production-dependencies /app ./
COPY --from=build /app/dist ./dist
USER node

# API (PORT) and the worker's health endpoints (WORKER_HEALTH_PORT).
EXPOSE 3000 3001

# Both apps drain on SIGTERM within SHUTDOWN_TIMEOUT_MS; give the container
# runtime a longer stop timeout than that (compose: stop_grace_period).
STOPSIGNAL SIGTERM

# Liveness only (/health does no I/O): a dependency outage must not get every
# replica marked unhealthy and restarted, which would fix nothing. Load
# balancers use /ready. Node's fetch, because the slim image has no curl.
# The worker serves its health on WORKER_HEALTH_PORT; compose overrides this there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# Plain node on the built bundle, without npm or a shell in between, so SIGTERM
# reaches Node itself and starts its graceful shutdown. The bundles are not
# minified, so stack traces keep their names; NODE_OPTIONS=--enable-source-maps
# maps them to the sources (dist/*.map) at about 0.2 s more per start.
# --max-semi-space-size=8: a smaller young generation, 15 MiB less at peak (ADR 045).
CMD ["node", "--max-semi-space-size=8", "dist/api.js"]
