# linewatch gateway container: multi-stage, Debian slim (glibc: onnxruntime-node has no musl
# build), production dependencies only, non-root, health-checked, graceful stop on SIGTERM.
#   docker build -t linewatch .
#   docker run --rm -p 8080:8080 -v $PWD/config:/config -v linewatch-data:/data linewatch
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY scripts/prune-runtime.sh ./scripts/
RUN npm run build && npm prune --omit=dev && sh scripts/prune-runtime.sh .

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    ORT_DISABLE_TELEMETRY=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
COPY config ./config
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LINEWATCH_HTTP_PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: sources stop, buffers flush, then it exits.
ENTRYPOINT ["node", "bin/linewatch.js"]
CMD ["run", "--config", "/config/linewatch.yaml"]
