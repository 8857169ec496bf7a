/** Configured OPC UA nodes on a server: namespace URIs and browse paths resolved, failures named by node. */
import { describe, expect, it } from 'vitest';
import { browsePathText, nodeLabel, resolveNodeId } from '../../../src/sources/opcua/node-ids.js';
import { opcuaSourceSchema } from '../../../src/config/schema.js';

const namespaces = ['http://opcfoundation.org/UA/', 'urn:server', 'urn:plant'];

describe('resolveNodeId', () => {
  it('turns a namespace URI into its index on this server, and leaves other node ids alone', () => {
    expect(resolveNodeId('nsu=urn:plant;s=Pump1.flow', namespaces)).toBe('ns=2;s=Pump1.flow');
    expect(resolveNodeId('ns=3;i=1001', namespaces)).toBe('ns=3;i=1001');
  });

  it('names the namespace and the node when the server does not have it', () => {
    expect(() => resolveNodeId('nsu=urn:other;s=x', namespaces)).toThrow(
      'namespace "urn:other" of node nsu=urn:other;s=x is not on the server (its namespace array: 0 http://opcfoundation.org/UA/, 1 urn:server, 2 urn:plant)',
    );
  });
});

describe('browsePathText', () => {
  it("puts browse_namespace's index on elements that name none, the standard folders staying in namespace 0", () => {
    expect(browsePathText('/Objects/Plant/Pump1/flow', 'urn:plant', namespaces)).toBe(
      '/Objects/2:Plant/2:Pump1/2:flow',
    );
    expect(browsePathText('/Objects/1:Plant/flow', 'urn:plant', namespaces)).toBe('/Objects/1:Plant/2:flow');
    expect(browsePathText('/Objects/2:Plant', undefined, namespaces)).toBe('/Objects/2:Plant');
  });

  it('names the browse path whose namespace the server does not have', () => {
    expect(() => browsePathText('/Objects/Plant', 'urn:other', namespaces)).toThrow(
      'namespace "urn:other" of browse path /Objects/Plant is not on the server',
    );
  });
});

describe('nodeLabel', () => {
  const { nodes } = opcuaSourceSchema.parse({
    name: 'ua',
    type: 'opcua',
    endpoint: 'opc.tcp://plc:4840',
    asset: 'a',
    nodes: [
      { channel: 'flow', node_id: 'ns=2;s=Pump1.flow' },
      { channel: 'pressure', browse_path: '/Objects/Plant/pressure', browse_namespace: 'urn:plant' },
    ],
  });

  it('names a node by its configuration path, node id or browse path, and channel', () => {
    expect(nodeLabel(nodes, 0, 'sources[2]')).toBe('sources[2].nodes[0].node_id ns=2;s=Pump1.flow (channel flow)');
    expect(nodeLabel(nodes, 1, undefined)).toBe('nodes[1].browse_path /Objects/Plant/pressure (channel pressure)');
  });
});
