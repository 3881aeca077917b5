# syntax=docker/dockerfile:1
# influencerai worker: the BullMQ supervisor and its sandboxed processors.
# Build: docker build -t influencerai-worker .   Run: see docker-compose.yml and docs/operations.md.

# ---- build: dev dependencies, TypeScript -> dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY processors ./processors
COPY scripts ./scripts
# tsconfig compiles the tests too (they are type-checked); only dist/src and dist/processors ship.
COPY test ./test
RUN npm run build

# ---- runtime: production dependencies, ffmpeg, tini, non-root ----
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    WORKER_TMP_DIR=/tmp/influencerai-worker \
    WORKER_MONITOR_PORT=3031
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/processors ./dist/processors
COPY --from=build /app/dist/scripts/enqueue.js /app/dist/scripts/enqueue.js.map ./dist/scripts/
# The `node` user (uid 1000) of the base image; the app files stay root-owned and
# read-only to it. ./data is the default root of LoRA datasets and outputs (mount a volume there).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3031
# tini as PID 1 reaps orphans (an ffmpeg or trainer whose processor child died)
# and forwards signals to the supervisor. Not `-g`: the supervisor alone must get
# SIGTERM first, then drain, abort and requeue jobs and stop its children in order.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
STOPSIGNAL SIGTERM
# Liveness only (/healthz answers while the event loop runs); readiness is /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.WORKER_MONITOR_PORT || 3031}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
