#!/bin/sh
# The gateway image's entry point. With no arguments: the gateway on the config LINEWATCH_CONFIG
# names (default /config/linewatch.yaml); with arguments: that linewatch command
# (`docker run linewatch validate --config /config/linewatch.yaml`). `exec` makes node PID 1, so
# it receives SIGTERM itself: sources stop, buffers flush, then it exits.
set -eu
[ "$#" -gt 0 ] || set -- run --config "${LINEWATCH_CONFIG:-/config/linewatch.yaml}"
exec node bin/linewatch.js "$@"
