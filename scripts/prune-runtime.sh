#!/usr/bin/env sh
# Removes from a production node_modules what a Linux gateway never loads: onnxruntime-node's
# binaries for other operating systems and CPU architectures (about 220 MB of its 288 MB).
# Used by the Dockerfile and replayed by test/deploy/container-steps.e2e.test.ts.
set -eu
dir="${1:-.}/node_modules/onnxruntime-node/bin"
arch="$(node -p process.arch)"
for napi in "$dir"/napi-v*; do
  [ -d "$napi" ] || continue
  find "$napi" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
  [ -d "$napi/linux" ] && find "$napi/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +
done
