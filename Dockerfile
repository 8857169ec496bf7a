# linewatch images: a production install and a compile stage shared by three targets:
#   gateway (default)  the gateway daemon:  docker build -t linewatch .
#   node-red           Node-RED 4.1 with the linewatch nodes and the contrib nodes of the example
#                      flows:               docker build --target node-red -t linewatch-node-red .
#   jetson             the gateway on JetPack 6 (Jetson Orin) with onnxruntime's TensorRT/CUDA
#                      providers, linux/arm64 only; needs deploy/jetson/onnxruntime-node-jetson-arm64.tgz
#                      (deploy/ARM64-JETSON.md); on the Jetson, or on x86 with QEMU:
#                      docker buildx build --platform linux/arm64 --target jetson -t linewatch:jetson --load .
# Debian slim everywhere but the jetson target, NVIDIA's L4T (glibc: onnxruntime-node has no musl
# build, so not Node-RED's Alpine images); production dependencies only (the compiler lives in the
# build stages alone); non-root; health-checked on the port the config names; SIGTERM stops
# gracefully.
#   docker run --rm -p 127.0.0.1:8080:8080 -e LINEWATCH_API_TOKEN=... -e PLC_HOST=... linewatch
#   (config/linewatch.yaml is /config/linewatch.yaml; -v $PWD/config:/config mounts your own)
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 ... (see deploy/ARM64-JETSON.md)
# test/deploy/container-steps.e2e.test.ts replays these steps; container-files.test.ts checks
# that the files, ports and variables named here exist and agree.
ARG NODE_VERSION=20.20.2
ARG L4T_BASE=nvcr.io/nvidia/l4t-tensorrt:r10.3.0-runtime

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY scripts/prune-runtime.sh ./scripts/
# The image's npm (10, Node 20's) runs onnxruntime-node's install script, which package.json's
# allowScripts denies only from npm 11.16 on: skip its CUDA download (the CPU binaries are in the
# package) as that script reads it.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev && sh scripts/prune-runtime.sh .

# The compiler and the one type package the production tree lacks, at the lock file's versions,
# beside the app (not in its node_modules): the dev dependencies (Node-RED, the contrib nodes,
# eslint, vitest: about 160 MB) are never installed.
# One full build: no incremental build information (dist/.tsbuildinfo) in the image.
FROM deps AS build
COPY tsconfig.json ./
COPY src ./src
RUN npm install --no-save --no-package-lock --prefix .compiler typescript@5.9.3 @types/better-sqlite3@9.6.0 \
 && cp -R .compiler/node_modules/@types/better-sqlite3 node_modules/@types/ \
 && node .compiler/node_modules/typescript/bin/tsc -p tsconfig.json --incremental false

FROM deps AS node-red-build
WORKDIR /usr/src/node-red
RUN npm init -y > /dev/null \
 && npm install --omit=dev --no-audit --no-fund --save-exact \
      node-red@4.1.1 node-red-contrib-modbus@5.23.3 node-red-contrib-opcua@0.2.354 node-red-contrib-influxdb@0.7.0

# The jetson target runs on arm64 only, so its stages are pinned to linux/arm64: built on an x86
# host (with QEMU, deploy/ARM64-JETSON.md) they still hold arm64 node and native modules, not the
# host's. The production dependencies are installed on the L4T base itself (Ubuntu 22.04 on
# JetPack 6), so better-sqlite3 is built against the glibc and libstdc++ the image runs with; node
# is the official arm64 binary (needs glibc 2.28 or later).
# (The two stages pinned are named for it, as Docker's FromPlatformFlagConstDisallowed check asks.)
FROM --platform=linux/arm64 node:${NODE_VERSION}-bookworm-slim AS node-arm64
FROM --platform=linux/arm64 ${L4T_BASE} AS l4t-arm64

FROM l4t-arm64 AS jetson-build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node-arm64 /usr/local/bin/node /usr/local/bin/node
COPY --from=node-arm64 /usr/local/include/node /usr/local/include/node
COPY --from=node-arm64 /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/prune-runtime.sh ./scripts/
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev && sh scripts/prune-runtime.sh .
# The GPU build of the binding replaces the CPU-only arm64 one shipped on npm.
COPY deploy/jetson/onnxruntime-node-jetson-arm64.tgz /tmp/
RUN rm -rf node_modules/onnxruntime-node/bin/napi-v6/linux/arm64 \
 && mkdir -p node_modules/onnxruntime-node/bin/napi-v6/linux/arm64 \
 && tar -C node_modules/onnxruntime-node/bin/napi-v6/linux/arm64 -xzf /tmp/onnxruntime-node-jetson-arm64.tgz

FROM l4t-arm64 AS jetson
COPY --from=node-arm64 /usr/local/bin/node /usr/local/bin/node
# TensorRT builds an engine per model at session creation (slow on Jetson): cache them on the
# data volume (the TensorRT provider reads these when it is created without explicit options).
ENV NODE_ENV=production \
    ORT_DISABLE_TELEMETRY=1 \
    LINEWATCH_CONFIG=/config/linewatch.yaml \
    LINEWATCH_SIM_PKI_DIR=/data/sim-pki \
    ORT_TENSORRT_ENGINE_CACHE_ENABLE=1 \
    ORT_TENSORRT_CACHE_PATH=/data/tensorrt-cache \
    LD_LIBRARY_PATH=/app/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64:/usr/lib/aarch64-linux-gnu:/usr/local/cuda/lib64
WORKDIR /app
COPY --from=jetson-build /app/node_modules ./node_modules
# JavaScript only: the build stage may run on the host's platform.
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
COPY config ./config
COPY scripts/healthcheck.mjs scripts/docker-entrypoint.sh ./scripts/
COPY config/linewatch.yaml /config/linewatch.yaml
RUN groupadd --system linewatch && useradd --system --gid linewatch --home /app linewatch \
 && mkdir -p /data /config && chown linewatch:linewatch /data
USER linewatch
VOLUME ["/config", "/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["sh", "scripts/docker-entrypoint.sh"]
CMD []

FROM node:${NODE_VERSION}-bookworm-slim AS node-red
ENV NODE_ENV=production \
    ORT_DISABLE_TELEMETRY=1
COPY --from=node-red-build /usr/src/node-red /usr/src/node-red
# Node-RED also loads node packages from the node_modules folder it is installed in.
COPY --from=deps /app/node_modules /usr/src/node-red/node_modules/linewatch/node_modules
COPY --from=build /app/dist /usr/src/node-red/node_modules/linewatch/dist
COPY package.json /usr/src/node-red/node_modules/linewatch/
COPY node-red /usr/src/node-red/node_modules/linewatch/node-red
COPY models /usr/src/node-red/node_modules/linewatch/models
COPY flows /usr/src/node-red/node_modules/linewatch/flows
# Import → Examples → linewatch in the editor lists a package's examples/ folder.
COPY flows /usr/src/node-red/node_modules/linewatch/examples
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /usr/src/node-red
VOLUME ["/data"]
EXPOSE 1880
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:1880/settings').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node-RED handles SIGTERM itself: flows close (model sessions are released), then it exits.
ENTRYPOINT ["node", "node_modules/node-red/red.js", "--userDir", "/data"]

FROM node:${NODE_VERSION}-bookworm-slim AS gateway
# The entry point's `run` and the health check read the config LINEWATCH_CONFIG names.
# `simulate` keeps its OPC UA PKI on the data volume (the working directory /app is root's).
ENV NODE_ENV=production \
    ORT_DISABLE_TELEMETRY=1 \
    LINEWATCH_CONFIG=/config/linewatch.yaml \
    LINEWATCH_SIM_PKI_DIR=/data/sim-pki
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
COPY config ./config
COPY scripts/healthcheck.mjs scripts/docker-entrypoint.sh ./scripts/
COPY config/linewatch.yaml /config/linewatch.yaml
RUN mkdir -p /data /config && chown node:node /data
USER node
# /config: linewatch.yaml (the image holds config/linewatch.yaml there); /data: the disk queues,
# local store and OPC UA PKI (trust lists); models ship in /app/models, where a bare model name
# (`model: pump-hybrid`) finds them; a bind mount there replaces them.
VOLUME ["/config", "/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
# With no command: `run` on LINEWATCH_CONFIG; node is PID 1 and handles SIGTERM itself.
ENTRYPOINT ["sh", "scripts/docker-entrypoint.sh"]
CMD []
