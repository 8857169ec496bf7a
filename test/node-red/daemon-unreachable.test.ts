/**
 * The gateway events node pointed at a gateway that is not there (walk w1): its warning and a command's error say why
 * (nothing listens; no events API at that URL), where they said "fetch failed".
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { helper, nextError, nodes } from './helper.js';

let server: Server | undefined;
afterEach(async () => {
  await helper.unload();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const flow = (url: string) => [
  { id: 'g', type: 'linewatch-gateway', url },
  { id: 'd', type: 'linewatch-daemon', gateway: 'g', events: 'alarm', wires: [[]] },
];

/** Resolves with the first warning the node logs. */
const nextWarning = (id: string) =>
  new Promise<string>((resolve) =>
    helper.getNode(id)!.once('call:warn', (call: { args: unknown[] }) => resolve(String(call.args[0]))),
  );

describe('linewatch-daemon, its gateway unreachable', () => {
  it('says nothing listens at the port, in the warning and in a refused command', async () => {
    const port = await freePort(); // free: nothing listens there
    await helper.load([nodes.gateway, nodes.daemon], flow(`http://127.0.0.1:${port}`));
    const warning = nextWarning('d');
    expect(await warning).toBe(
      `linewatch daemon http://127.0.0.1:${port}/: gateway 127.0.0.1:${port} unreachable: ECONNREFUSED: connection ` +
        'refused, nothing listens at that address and port: check port, and that the device serves the linewatch HTTP ' +
        "API (the gateway's http.listen); reconnecting (received 0 events so far)",
    );
    const d = helper.getNode('d')!;
    const error = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'op' });
    expect(await error).toMatch(
      new RegExp(
        `^ack on pump-1/anomaly: gateway 127\\.0\\.0\\.1:${port} unreachable: ECONNREFUSED: connection refused`,
      ),
    );
  });

  it('says a URL without the events API is no gateway', async () => {
    server = createServer((_req, res) => res.writeHead(404).end('not found'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await helper.load([nodes.gateway, nodes.daemon], flow(`http://127.0.0.1:${port}`));
    expect(await nextWarning('d')).toBe(
      `linewatch daemon http://127.0.0.1:${port}/: http://127.0.0.1:${port}/api/events?types=alarm answered 404: no ` +
        "events API there, check the gateway URL (a linewatch gateway's http.listen); reconnecting (received 0 events so far)",
    );
  });
});
