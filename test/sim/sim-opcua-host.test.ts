/**
 * The simulator's OPC UA server listens on its host only (regression: it listened on every interface, `*:4840`,
 * while `simulate --host` defaulted to 127.0.0.1; it has writable nodes and security None). On Linux every 127.x
 * address reaches the loopback interface, so a server bound to 127.0.0.1 refuses a connection to 127.0.0.2 and one
 * bound to every interface accepts it.
 */
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineSimulator } from '../../src/sim/line-simulator.js';
import { endpointHost, startSimOpcuaServer } from '../../src/sim/opcua-server.js';

/** 'connected', or the error code a TCP connection to host:port ended with. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function serve(host: string | undefined) {
  const pkiDir = await mkdtemp(join(tmpdir(), 'lw-sim-pki-'));
  return startSimOpcuaServer(new LineSimulator({ seed: 3 }), { port: 0, pkiDir, ...(host ? { host } : {}) });
}

describe('simulator OPC UA server: the address it listens on', () => {
  it.each([
    { name: 'by default listens on 127.0.0.1 only', host: undefined, listens: '127.0.0.1', refuses: '127.0.0.2' },
    { name: 'listens on the host it is given', host: '127.0.0.2', listens: '127.0.0.2', refuses: '127.0.0.1' },
  ])('$name: names it in its endpoint URL, refuses a connection to $refuses', async ({ host, listens, refuses }) => {
    const server = await serve(host);
    try {
      expect(server.endpointUrl).toBe(`opc.tcp://${listens}:${server.port}/UA/linewatch-sim`);
      expect(await tryConnect(listens, server.port)).toBe('connected');
      expect(await tryConnect(refuses, server.port)).toBe('ECONNREFUSED');
    } finally {
      await server.close();
    }
  });

  it('an endpoint URL a client can use: 127.0.0.1 for every interface, an IPv6 address in brackets', () => {
    expect(endpointHost('0.0.0.0')).toBe('127.0.0.1');
    expect(endpointHost('::')).toBe('127.0.0.1');
    expect(endpointHost('::1')).toBe('[::1]');
    expect(endpointHost('10.0.0.5')).toBe('10.0.0.5');
  });
});
