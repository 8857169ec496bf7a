/** A node the server has not, in words that say what it has (unknown-nodes.ts). */
import { describe, expect, it } from 'vitest';
import {
  describeMissingNamespace,
  describeUnknownNode,
  elsewhereIds,
  isUnknownNodeStatus,
  namespaceList,
  quotedTagIdentifier,
  quotedTagIds,
  splitNodeId,
} from '../../../src/sources/opcua/unknown-nodes.js';

const namespaces = ['http://opcfoundation.org/UA/', 'urn:server', 'urn:other', 'urn:plant'];

describe('isUnknownNodeStatus', () => {
  it('is BadNodeIdUnknown and BadNodeIdInvalid only', () => {
    expect(
      ['BadNodeIdUnknown', 'BadNodeIdInvalid', 'BadAttributeIdInvalid', undefined].map(isUnknownNodeStatus),
    ).toEqual([true, true, false, false]);
  });
});

describe('namespaceList', () => {
  it('gives each namespace with its index', () => {
    expect(namespaceList(namespaces)).toBe('0 http://opcfoundation.org/UA/, 1 urn:server, 2 urn:other, 3 urn:plant');
  });

  it('lists 20 at most and cuts a URI over 200 characters: the array comes from the network', () => {
    const many = Array.from({ length: 25 }, (_, i) => (i === 1 ? `urn:${'x'.repeat(300)}` : `urn:${i}`));
    const listed = namespaceList(many);
    expect(listed.startsWith(`0 urn:0, 1 urn:${'x'.repeat(196)}…, 2 urn:2,`)).toBe(true);
    expect(listed.endsWith('19 urn:19 and 5 more')).toBe(true);
  });
});

describe('splitNodeId', () => {
  it('takes a node id apart into its namespace and identifier', () => {
    expect([splitNodeId('ns=3;s=Pump.flow'), splitNodeId('nsu=urn:plant;i=7'), splitNodeId('i=2258')]).toEqual([
      { index: 3, identifier: 's=Pump.flow' },
      { uri: 'urn:plant', identifier: 'i=7' },
      { index: 0, identifier: 'i=2258' },
    ]);
  });
});

describe('describeMissingNamespace', () => {
  it('lists the namespace array and offers the URI a typo away', () => {
    expect(describeMissingNamespace('urn:plnat', 'node nsu=urn:plnat;s=x', namespaces)).toBe(
      'namespace "urn:plnat" of node nsu=urn:plnat;s=x is not on the server (its namespace array: 0 ' +
        'http://opcfoundation.org/UA/, 1 urn:server, 2 urn:other, 3 urn:plant): did you mean "urn:plant" (namespace 3)?',
    );
  });

  it('offers none where no URI is near', () => {
    expect(describeMissingNamespace('urn:factory:line9', 'browse path /Objects/A', namespaces)).toBe(
      'namespace "urn:factory:line9" of browse path /Objects/A is not on the server (its namespace array: 0 ' +
        'http://opcfoundation.org/UA/, 1 urn:server, 2 urn:other, 3 urn:plant)',
    );
  });
});

describe('elsewhereIds', () => {
  it("is the identifier in each other namespace but OPC UA's own", () => {
    expect(elsewhereIds('ns=2;s=lamp', namespaces)).toEqual([
      { index: 1, nodeId: 'ns=1;s=lamp' },
      { index: 3, nodeId: 'ns=3;s=lamp' },
    ]);
  });
});

describe('quotedTagIdentifier, quotedTagIds', () => {
  it("quotes each name of a string identifier, as a Siemens PLC's tag node id does; nothing else", () => {
    expect(quotedTagIdentifier('s=DB_Pump.Flow')).toBe('s="DB_Pump"."Flow"');
    expect(quotedTagIdentifier('s=Motor')).toBe('s="Motor"');
    expect(quotedTagIdentifier('s="DB_Pump"."Flow"')).toBeUndefined();
    expect(quotedTagIdentifier('s=DB.Arr[0]')).toBeUndefined();
    expect(quotedTagIdentifier('s=a..b')).toBeUndefined();
    expect(quotedTagIdentifier('i=1007')).toBeUndefined();
    expect(quotedTagIds('ns=2;s=DB.Flow', namespaces)).toEqual([
      { index: 1, nodeId: 'ns=1;s="DB"."Flow"' },
      { index: 2, nodeId: 'ns=2;s="DB"."Flow"' },
      { index: 3, nodeId: 'ns=3;s="DB"."Flow"' },
    ]);
  });
});

describe('describeUnknownNode', () => {
  const unknown = { status: 'BadNodeIdUnknown', namespaces, foundIn: [] };

  it('names a namespace index the server has not, with its array', () => {
    expect(describeUnknownNode({ ...unknown, configured: 'ns=7;s=lamp', sent: 'ns=7;s=lamp' })).toBe(
      'BadNodeIdUnknown: the server has no node ns=7;s=lamp: it has no namespace 7 (its namespace array: 0 ' +
        'http://opcfoundation.org/UA/, 1 urn:server, 2 urn:other, 3 urn:plant)',
    );
  });

  it('offers the namespace that has the identifier where the index is not on the server', () => {
    expect(describeUnknownNode({ ...unknown, configured: 'ns=7;s=lamp', sent: 'ns=7;s=lamp', foundIn: [3] })).toBe(
      'BadNodeIdUnknown: the server has no node ns=7;s=lamp: it has no namespace 7 (its namespace array: 0 ' +
        'http://opcfoundation.org/UA/, 1 urn:server, 2 urn:other, 3 urn:plant); s=lamp is in namespace 3, urn:plant: ' +
        'did you mean ns=3;s=lamp?',
    );
  });

  it('offers the namespace that has the identifier, in the form configured (ns= or nsu=)', () => {
    expect(describeUnknownNode({ ...unknown, configured: 'ns=2;s=lamp', sent: 'ns=2;s=lamp', foundIn: [3] })).toBe(
      'BadNodeIdUnknown: the server has no node ns=2;s=lamp (namespace 2 is urn:other); s=lamp is in namespace 3, ' +
        'urn:plant: did you mean ns=3;s=lamp?',
    );
    const byUri = { ...unknown, configured: 'nsu=urn:other;s=lamp', sent: 'ns=2;s=lamp', foundIn: [1, 3] };
    expect(describeUnknownNode(byUri)).toBe(
      'BadNodeIdUnknown: the server has no node ns=2;s=lamp (namespace 2 is urn:other); s=lamp is in namespace 1, ' +
        'urn:server; namespace 3, urn:plant: did you mean nsu=urn:server;s=lamp or nsu=urn:plant;s=lamp?',
    );
  });

  it("offers a Siemens tag's quoted node id where the server has it", () => {
    const node = { ...unknown, configured: 'ns=3;s=DB.Flow', sent: 'ns=3;s=DB.Flow', quotedIn: [3] };
    expect(describeUnknownNode(node)).toBe(
      'BadNodeIdUnknown: the server has no node ns=3;s=DB.Flow (namespace 3 is urn:plant); s="DB"."Flow" is in ' +
        `namespace 3, urn:plant (a Siemens PLC's tag: each name in double quotes): did you mean ns=3;s="DB"."Flow"?`,
    );
  });

  it('says the status alone where the namespace array could not be read', () => {
    const { namespaces: _, ...unread } = { ...unknown, configured: 'ns=2;s=lamp', sent: 'ns=2;s=lamp' };
    expect(describeUnknownNode(unread)).toBe('BadNodeIdUnknown: the server has no node ns=2;s=lamp');
  });
});
