/**
 * The OPC UA source against the simulator's OPC UA server running as a separate process: data
 * flows with qualities and timestamps; after the server is killed and started again, the
 * source rebuilds session and subscription and data flows again within 10 s.
 * Flaky before under load: the server was started again after the kill, and the seconds a new
 * process takes to start on a loaded machine grew the source's backoff (up to 8 s after five
 * refusals), which the 10 s then counted. Now the new process is started beforehand, on another
 * port behind the proxy the source connects through: the old one is killed, the source is refused
 * once (the proxy still sends it to the dead port), and only then does the proxy send it to the
 * new one: one refusal, whatever the machine's load, and 10 s from there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { BIN } from '../../helpers/cli.js';
import { logLines } from '../../helpers/log-lines.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';

const serverPki = mkdtempSync(join(tmpdir(), 'lw-opcua-server-pki-'));
const servers = new Set<ChildProcess>();

/** Starts `linewatch simulate` with its OPC UA server on `port`; resolves when it listens. */
async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [
    BIN,
    'simulate',
    '--modbus-port',
    '0',
    '--http-port',
    '0',
    '--opcua-port',
    String(port),
    '--pki-dir',
    serverPki,
  ]);
  servers.add(child);
  for await (const line of createInterface({ input: child.stdout! })) if (line.includes('OPC UA')) break;
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  servers.delete(child);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

afterAll(async () => {
  await Promise.all([...servers].map(kill));
});

/** The batches a source sent; `next(match)` resolves with the first batch from now on that `match` holds for. */
function batchLog() {
  const batches: Sample[][] = [];
  const waiters = new Set<{ match: (b: Sample[]) => boolean; resolve: (b: Sample[]) => void }>();
  return {
    batches,
    onBatch(batch: readonly Sample[]) {
      const b = [...batch];
      batches.push(b);
      for (const w of waiters)
        if (w.match(b)) {
          waiters.delete(w);
          w.resolve(b);
        }
    },
    next(match: (b: Sample[]) => boolean = () => true): Promise<Sample[]> {
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
  };
}

describe('OPC UA source', () => {
  it('subscribes, and after the server is killed and restarted gets data again within 10 s', async () => {
    const port = await freePort();
    const server = await startServer(port);
    const proxy = await startTcpProxy(port);
    const log = logLines('info');
    const config = opcuaSourceSchema.parse({
      name: 'pump-ua',
      type: 'opcua',
      endpoint: `opc.tcp://127.0.0.1:${proxy.port}/UA/linewatch-sim`,
      asset: 'pump-1',
      publishing_interval_ms: 200,
      stale_after_ms: 3000,
      pki_dir: mkdtempSync(join(tmpdir(), 'lw-opcua-client-pki-')),
      nodes: [
        { channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow', unit: 'l/min' },
        {
          channel: 'force',
          node_id: 'nsu=urn:linewatch:sim;s=Press1.force',
          deadband: { type: 'absolute', value: 0.5 },
        },
        { channel: 'missing', node_id: 'nsu=urn:linewatch:sim;s=Pump1.nope' },
        { channel: 'pressure', browse_path: '/Objects/Plant/Pump1/pressure', browse_namespace: 'urn:linewatch:sim' },
        { channel: 'lost', browse_path: '/Objects/Plant/Pump9/pressure', browse_namespace: 'urn:linewatch:sim' },
      ],
    });
    const metrics = new GatewayMetrics();
    const source = new OpcuaSource(config, { logger: log.logger, metrics, where: 'sources[3]' });
    const sent = batchLog();
    const firstBatch = sent.next();
    await source.start((b) => sent.onBatch(b));
    const first = await firstBatch;
    const flow = first.find((s) => s.channel === 'flow')!;
    expect(flow.quality).toBe('good');
    expect(flow.value).toBeGreaterThan(20);
    expect(Math.abs(flow.ts - Date.now())).toBeLessThan(5000);
    // The unknown node's warning comes from the subscription set-up, which may finish after the first batch: named by
    // its configuration path, node id and channel.
    const device = `device pump-ua (${config.endpoint})`;
    const unknown = await log.next(/nodes\[2\]/);
    expect([unknown.level, unknown.channel, unknown.msg]).toEqual([
      40,
      'missing',
      `${device}: sources[3].nodes[2].node_id nsu=urn:linewatch:sim;s=Pump1.nope (channel missing): BadNodeIdUnknown: ` +
        'the server has no node ns=2;s=Pump1.nope (namespace 2 is urn:linewatch:sim)',
    ]);
    // A browse path resolves on the server (namespace by URI); a wrong one is named, the rest runs.
    const pressure = (await sent.next()) && sent.batches.flat().find((s) => s.channel === 'pressure');
    expect(pressure?.quality).toBe('good');
    const lost = await log.next(/nodes\[4\]/);
    // The namespace's index is the server's: any, the same in each element of the path.
    // Where it breaks: the Plant folder has no Pump9, and Pump1 is a typo away.
    expect([lost.level, lost.channel, lost.msg.replace(/([/ ])(\d+):/g, '$1<ns>:')]).toEqual([
      40,
      'lost',
      `${device}: sources[3].nodes[4].browse_path /Objects/Plant/Pump9/pressure (channel lost): BadNoMatch: ` +
        'no such node at /Objects/<ns>:Plant/<ns>:Pump9/<ns>:pressure (/Objects/<ns>:Plant has no <ns>:Pump9: did ' +
        'you mean <ns>:Pump1?); check the element names and browse_namespace',
    ]);
    expect(new Set(lost.msg.match(/[/ ]\d+:/g)?.map((m) => m.slice(1))).size).toBe(1);
    // The first subscription is said once (before, only failures and a rebuilt one were).
    const subscribed = await log.next(/: connected, subscribed$/);
    expect([subscribed.level, subscribed.source, subscribed.msg]).toEqual([
      30,
      'pump-ua',
      `${device}: connected, subscribed`,
    ]);

    // The server started again: a new process (it knows nothing of the session), listening before the old one dies.
    const again = await freePort();
    await startServer(again);
    const tries = proxy.opened.length;
    await kill(server);
    // The source saw the server gone and tried again, sent by the proxy to the dead port: refused.
    await proxy.accepted(tries + 1);
    proxy.retarget(again);
    const restartedAt = Date.now();
    const seen = sent.batches.length;
    // A batch produced by the new server process.
    await sent.next((b) => b.some((s) => s.channel === 'flow' && s.ts >= restartedAt));
    const recoveredS = (Date.now() - restartedAt) / 1000;
    process.stdout.write(
      `opcua recovery: data again ${recoveredS.toFixed(1)} s after the server restarted (${sent.batches.length - seen} batches since)\n`,
    );
    expect(recoveredS).toBeLessThan(10);
    expect(source.connected).toBe(true);
    expect(log.lines.filter((l) => l.msg === `${device}: connected, subscribed`)).toHaveLength(1); // not again
    expect(log.lines.filter((l) => l.msg === `${device}: subscription rebuilt`)).toHaveLength(1);
    // The connection lost, and the try refused.
    expect(await metrics.registry.getSingleMetricAsString('linewatch_source_reconnects_total')).toMatch(
      /source="pump-ua"\} [2-9]/,
    );
    await source.stop();
    await proxy.close();
  }, 60_000);

  it('--once style read names the device when nothing listens', async () => {
    const port = await freePort();
    const source = new OpcuaSource(
      opcuaSourceSchema.parse({
        name: 'dead',
        type: 'opcua',
        endpoint: `opc.tcp://127.0.0.1:${port}`,
        asset: 'a',
        pki_dir: mkdtempSync(join(tmpdir(), 'lw-pki-')),
        nodes: [{ channel: 'x', node_id: 'ns=1;s=x' }],
      }),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    await expect(source.readOnce()).rejects.toThrow(new RegExp(`^device dead \\(opc.tcp://127.0.0.1:${port}\\): `));
  });
});
