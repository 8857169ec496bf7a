/**
 * A server slower than timeout_ms at connect (an OPC UA walk, w3: 3 s a request, timeout_ms 2000) read as "cannot
 * connect (security_mode None, security_policy None): Secure Channel Closed", which names neither the cause nor the
 * setting. Since timeout_ms bounds each request (node-opcua's transaction timeout), the connect's first request that
 * goes unanswered is named with timeout_ms and what to do. A real node-opcua server answers every request 3 s late.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { initializedServer } from '../../helpers/blob-opcua-server.js';
import { boundOpcuaSource } from '../../helpers/bound-opcua-source.js';

describe('an OPC UA server slower than timeout_ms at connect', () => {
  it('is said as no answer within timeout_ms, naming the request and the setting', async () => {
    const port = await freePort();
    const server = await initializedServer(port, '/UA/slow');
    // Every request answered 3 s late (this server only: its own on_request, not the prototype's).
    const answer = server.on_request.bind(server);
    const late: NodeJS.Timeout[] = [];
    server.on_request = (message, channel) => void late.push(setTimeout(() => answer(message, channel), 3000));
    await server.start();
    const { source, log } = boundOpcuaSource(`opc.tcp://127.0.0.1:${port}/UA/slow`, ['flow'], undefined, {
      name: 'slow',
      timeout_ms: 1000,
    });
    try {
      await source.start(() => undefined);
      const line = await log.next(/device slow \(/);
      expect(line.msg).toMatch(
        new RegExp(
          `^device slow \\(opc\\.tcp://127\\.0\\.0\\.1:${port}/UA/slow\\): no answer to a \\w+ request within 1000 ms ` +
            '\\(timeout_ms\\): the server is slow or stopped answering; raise timeout_ms where it is only slow; rebuilding the connection$',
        ),
      );
    } finally {
      await source.stop();
      for (const t of late) clearTimeout(t);
      await server.shutdown(0);
    }
  }, 60_000);
});
