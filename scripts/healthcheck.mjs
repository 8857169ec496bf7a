#!/usr/bin/env node
// The image's HEALTHCHECK: reads the gateway's config as `run` does (the file LINEWATCH_CONFIG
// names, default /config/linewatch.yaml, `${VAR}` from this environment) and asks /healthz on the
// host and port that config listens on (0.0.0.0 and :: are asked on 127.0.0.1). Exit 0: healthy;
// 1: not, with the reason on stderr. Replayed by test/deploy/container-steps.e2e.test.ts.
/* global fetch, AbortSignal */
import { loadConfigFile } from '../dist/config/load.js';

const file = process.env.LINEWATCH_CONFIG || '/config/linewatch.yaml';
try {
  const { http } = (await loadConfigFile(file)).config;
  if (!http.enabled) throw new Error(`${file} sets http.enabled: false, so there is no /healthz to ask`);
  const host = ['0.0.0.0', '::'].includes(http.host)
    ? '127.0.0.1'
    : http.host.includes(':')
      ? `[${http.host}]`
      : http.host;
  const url = `http://${host}:${http.port}/healthz`;
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) }).catch((err) => {
    throw new Error(`${url}: ${err.cause?.code ?? err.message}`);
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
} catch (err) {
  process.stderr.write(`unhealthy: ${err.message}\n`);
  process.exit(1);
}
