/**
 * (Benchmark child process.) The counter server (counter-opcua-server.ts): N Double variables whose value is a tick
 * counter, all set every `periodMs`. The server's per-publish notification limit (1,000 by default) is raised so it
 * does not throttle delivery.
 * argv: port count periodMs. IPC: sends {ready, namespace}; {ticks: true} → {ticks}.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subscription } from 'node-opcua';
import { startCounterServer } from './counter-opcua-server.js';

const [port, count, periodMs] = process.argv.slice(2).map(Number);
Subscription.maxNotificationPerPublishHighLimit = 100_000;

const server = await startCounterServer({
  port,
  count,
  periodMs,
  pkiDir: mkdtempSync(join(tmpdir(), 'lw-ua-bench-pki-')),
});
process.send?.({ ready: true, namespace: server.namespace });
process.on('message', (m: { ticks?: boolean }) => {
  if (m.ticks) process.send?.({ ticks: server.ticks });
});
process.on('disconnect', () => process.exit(0));
