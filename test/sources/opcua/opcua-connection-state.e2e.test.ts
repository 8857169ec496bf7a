/**
 * An OPC UA source says since when it is subscribed or not and, while not, why (Source.connectionState, for
 * /api/status): it said `connected` alone. The sim's OPC UA server behind a TCP proxy that is cut and restored.
 */
import { describe, expect, it } from 'vitest';
import { logLines } from '../../helpers/log-lines.js';
import { sourceVia, withProxiedServer } from '../../helpers/proxied-sim-opcua.js';

const FLOW = { channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' };
const poll = { timeout: 20_000, interval: 20 };
const REBUILDING = '; rebuilding the connection';

describe('OPC UA source connection state', () => {
  it('since when it is subscribed or not, and while not the failure the log said', async () => {
    await withProxiedServer(async (server, proxy) => {
      const log = logLines('info');
      const source = await sourceVia(server, proxy, { nodes: [FLOW], timeout_ms: 1000 }, log.logger);
      expect(source.connectionState()).toEqual({});
      const started = Date.now();
      await source.start(() => undefined);
      try {
        await expect.poll(() => source.connected, poll).toBe(true);
        const up = source.connectionState();
        expect(up).toEqual({ since: expect.any(Number) });
        expect(up.since).toBeGreaterThanOrEqual(started);

        const cut = Date.now();
        proxy.setUp(false);
        await log.next(/; rebuilding the connection$/);
        const down = source.connectionState();
        expect(source.connected).toBe(false);
        const warned = log.at(40).map((m) => m.slice(0, -REBUILDING.length));
        expect(warned).toContain(down.lastError);
        expect(down.lastError!.startsWith(`device ua (opc.tcp://`)).toBe(true);
        expect(down.since).toBeGreaterThanOrEqual(cut);
        expect(down.since).toBeLessThanOrEqual(Date.now());

        const restored = Date.now();
        proxy.setUp(true);
        await log.next(/: subscription rebuilt$/);
        const again = source.connectionState();
        expect(again).toEqual({ since: expect.any(Number) });
        expect(again.since).toBeGreaterThanOrEqual(restored);
      } finally {
        await source.stop();
      }
    });
  }, 60_000);
});
