/**
 * The slips an OPC UA user makes writing a node (a PLC engineer's walk from a Siemens S7-1500: its tags' node ids are
 * `ns=3;s="DB_Pump"."Flow"`): validate names what is missing and the node id meant, and a deadband given as a number
 * with the two ways to write it, where each was answered "expected a node id such as …" or "expected object,
 * received number" alone.
 */
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../helpers/config-issues.js';

/** One OPC UA source with one node of these fields. */
const opcua = (node: string) =>
  `sources: [{ name: plc, type: opcua, endpoint: "opc.tcp://plc:4840", asset: line-1, nodes: [{ channel: flow, ${node} }] }]\nassets: []\n`;
const example = 'sources[0].nodes[0].node_id: expected a node id such as "ns=2;s=Pump1.flow" or "nsu=urn:plant;i=1001"';

describe('OPC UA node slips', () => {
  it('a tag name after its namespace without s=: the node id meant', async () => {
    expect(await issuesOf(opcua(`node_id: 'ns=3;"DB_Pump"."Flow"'`))).toEqual([
      `${example}: its identifier "\\"DB_Pump\\".\\"Flow\\"" has no type (s= a string, i= a number, g= a GUID, b= base64); a tag name is a string: did you mean "ns=3;s=\\"DB_Pump\\".\\"Flow\\""?`,
    ]);
  });

  it('a comma for the semicolon', async () => {
    expect(await issuesOf(opcua(`node_id: 'nsu=urn:plant,i=1007'`))).toEqual([
      `${example}: the namespace and the identifier are separated by ";": did you mean "nsu=urn:plant;i=1007"?`,
    ]);
  });

  it('a bare tag name: its namespace and type are missing', async () => {
    expect(await issuesOf(opcua(`node_id: DB_Pump.Flow`))).toEqual([
      `${example}: "DB_Pump.Flow" names no namespace nor identifier type: a PLC's tag is a string in the PLC's namespace, "ns=<its index>;s=DB_Pump.Flow" (or nsu=<its URI>;s=…)`,
    ]);
  });

  it('a deadband given as a number: the two ways to write it', async () => {
    expect(await issuesOf(opcua(`node_id: "ns=2;s=Line.Tag1", deadband: 0.5`))).toEqual([
      `sources[0].nodes[0].deadband: a deadband is a type and a value: write { type: absolute, value: 0.5 } (in the value's own units) or { type: percent, value: 0.5 } (of the node's EURange)`,
    ]);
  });
});
