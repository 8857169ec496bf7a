/**
 * node-red-contrib-opcua's node ids carry their type (`ns=3;s=Counter;datatype=Int32`): moved into a configuration as
 * they are, the schema took them as string identifiers the server does not have, and every read answered
 * BadNodeIdUnknown once connected. validate now names each, with the node id to write.
 */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

const source = (nodeId: string) => `sources:
  - name: plc
    type: opcua
    endpoint: opc.tcp://plc:4840
    asset: line-1
    nodes:
      - { channel: counter, node_id: "ns=3;s=Counter" }
      - { channel: speed, node_id: "${nodeId}" }
`;

describe("node-red-contrib-opcua's datatype suffix", () => {
  it('names a node id that ends with ;datatype=, and the id to write', async () => {
    expect(await issuesOf(`${source('ns=3;s=Line1.Speed;datatype=Double')}assets: []\n`)).toEqual([
      `sources[0].nodes[1].node_id: "ns=3;s=Line1.Speed;datatype=Double" ends with node-red-contrib-opcua's ";datatype=Double", which is no part of the node id (the server would answer BadNodeIdUnknown): write "ns=3;s=Line1.Speed"; the value's type comes from the server`,
    ]);
  });

  it("names an opcua_write action's node id too", async () => {
    const issues = await issuesOf(`${source('ns=3;i=1002')}assets:
  - name: line-1
    model: pump-hybrid
    window: { hop_samples: 5 }
    alarm:
      actions:
        - { type: opcua_write, source: plc, node_id: "ns=3;s=Lamp;datatype=Boolean" }
`);
    expect(issues).toContain(
      `assets[0].alarm.actions[0].node_id: "ns=3;s=Lamp;datatype=Boolean" ends with node-red-contrib-opcua's ";datatype=Boolean", which is no part of the node id (the server would answer BadNodeIdUnknown): write "ns=3;s=Lamp"; the value's type comes from the server`,
    );
  });

  it('takes a string identifier with a semicolon that is no datatype suffix', async () => {
    const config = await accepted(`${source('ns=3;s=Area1;Speed')}assets: []\n`);
    const [plc] = config.sources;
    expect(plc.type === 'opcua' && plc.nodes[1].node_id).toBe('ns=3;s=Area1;Speed');
  });
});
