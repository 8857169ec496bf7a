/** linewatch-gateway: the daemon URL and token the daemon nodes use, and every way they can be wrong. */
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayUrl, type GatewayConfigNode } from '../../src/node-red/gateway-config-node.js';
import { daemonEndpoint } from '../../src/node-red/daemon-node.js';
import { helper, nextError, nodes } from './helper.js';

const config = (fields: Record<string, unknown>) => ({ id: 'n', type: 'linewatch-daemon', ...fields });

afterEach(() => helper.unload());

describe('gatewayUrl', () => {
  it('takes an http(s) URL', () => {
    expect(gatewayUrl(config({ url: ' https://gw.plant:8443 ' })).href).toBe('https://gw.plant:8443/');
  });

  it('refuses what is not a URL, and other schemes, naming the value', () => {
    expect(() => gatewayUrl(config({ url: 'http://gw plant:80' }))).toThrow(
      'gateway URL "http://gw plant:80" is not a URL (e.g. http://127.0.0.1:8080)',
    );
    expect(() => gatewayUrl(config({ url: 'ftp://gw' }))).toThrow('gateway URL "ftp://gw": use http:// or https://');
  });
});

describe('daemonEndpoint', () => {
  const gateway = (endpoint: GatewayConfigNode['endpoint'], token?: string) =>
    ({ endpoint, token: () => token }) as unknown as GatewayConfigNode;

  it("uses the gateway configuration's URL and token", () => {
    const e = daemonEndpoint(config({ gateway: 'g' }), gateway({ url: new URL('http://10.0.0.5:8080') }, 't0k'), 'own');
    expect({ url: e.url.href, token: e.token() }).toEqual({ url: 'http://10.0.0.5:8080/', token: 't0k' });
  });

  it('names a gateway configuration that does not exist', () => {
    expect(() => daemonEndpoint(config({ gateway: 'g9' }), undefined, undefined)).toThrow(
      'gateway g9: no such linewatch-gateway configuration (add one in the editor)',
    );
  });

  it("passes on the gateway configuration's own error", () => {
    expect(() =>
      daemonEndpoint(config({ gateway: 'g' }), gateway({ error: new Error('gateway URL "x": bad') }), undefined),
    ).toThrow('gateway URL "x": bad');
  });

  it('asks for a gateway when there is neither a gateway nor an old url property', () => {
    expect(() => daemonEndpoint(config({}), undefined, undefined)).toThrow(
      'no gateway: choose a linewatch-gateway configuration (the daemon URL and API token)',
    );
  });

  it("keeps flows made before the gateway node working: their url and the node's own token", () => {
    const e = daemonEndpoint(config({ url: 'http://127.0.0.1:9000' }), undefined, 'legacy');
    expect({ url: e.url.href, token: e.token() }).toEqual({ url: 'http://127.0.0.1:9000/', token: 'legacy' });
  });
});

describe('linewatch-gateway in Node-RED', () => {
  it('holds the token as a credential for the daemon node', async () => {
    await helper.load(
      [nodes.gateway, nodes.daemon],
      [
        { id: 'g', type: 'linewatch-gateway', url: 'http://127.0.0.1:9' },
        { id: 'd', type: 'linewatch-daemon', gateway: 'g', events: 'alarm', wires: [[]] },
      ],
      { g: { token: 'secret-1' } },
    );
    const g = helper.getNode('g') as unknown as GatewayConfigNode;
    expect(g.token()).toBe('secret-1');
    expect(g.endpoint).toEqual({ url: new URL('http://127.0.0.1:9') });
  });

  it("makes the daemon node refuse messages with the gateway's URL problem", async () => {
    await helper.load(
      [nodes.gateway, nodes.daemon],
      [
        { id: 'g', type: 'linewatch-gateway', url: 'ftp://gw' },
        { id: 'd', type: 'linewatch-daemon', gateway: 'g', events: 'alarm', wires: [[]] },
      ],
    );
    const d = helper.getNode('d')!;
    const error = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'op' });
    expect(await error).toBe('gateway URL "ftp://gw": use http:// or https://');
  });

  // Regression: a URL with a user and password was taken; fetch refuses such a URL, and its error, which quotes the URL
  // whole, went to the debug sidebar and Node-RED's log with the password (at each connect and each command).
  it('refuses a URL with a user or password, without quoting them', async () => {
    await helper.load(
      [nodes.gateway, nodes.daemon],
      [
        { id: 'g', type: 'linewatch-gateway', url: 'http://op:s3cret-pw@127.0.0.1:9/' },
        { id: 'd', type: 'linewatch-daemon', gateway: 'g', events: 'alarm', wires: [[]] },
      ],
    );
    const d = helper.getNode('d')!;
    const error = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'op' });
    expect(await error).toBe(
      "gateway URL http://127.0.0.1:9/: a user or password in the URL is not used (not quoted here); the gateway's " +
        'API token goes in the token field',
    );
  });
});
