/** The queue size asked where queue_size is left out: no sample dropped between publishes, bounded. */
import { describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { queueShortfall } from '../../../src/sources/opcua/item-parameters.js';
import { MAX_DERIVED_QUEUE_SIZE, derivedQueueSize } from '../../../src/sources/opcua/queue-size.js';

describe('derivedQueueSize', () => {
  it('is twice the samples taken in a publishing interval, at least 2', () => {
    expect(derivedQueueSize(100, 20)).toBe(10);
    expect(derivedQueueSize(100, 30)).toBe(8);
    expect(derivedQueueSize(50, 50)).toBe(2);
    expect(derivedQueueSize(50, 1000)).toBe(2);
  });

  it('is bounded, and a sampling interval of 0 (as fast as the server can) asks the bound', () => {
    expect(derivedQueueSize(60_000, 10)).toBe(MAX_DERIVED_QUEUE_SIZE);
    expect(derivedQueueSize(1000, 0)).toBe(MAX_DERIVED_QUEUE_SIZE);
  });

  it('applies only where queue_size is left out: an explicit one stays', () => {
    const parsed = opcuaSourceSchema.parse({
      name: 'ua',
      type: 'opcua',
      endpoint: 'opc.tcp://plc:4840',
      asset: 'a',
      nodes: [
        { channel: 'x', node_id: 'ns=2;s=x' },
        { channel: 'y', node_id: 'ns=2;s=y', queue_size: 1 },
      ],
    });
    expect(parsed.nodes.map((n) => n.queue_size)).toEqual([undefined, 1]);
  });
});

describe('queueShortfall', () => {
  it('says what the server granted when it granted less than asked, nothing otherwise', () => {
    expect(queueShortfall(10, 1)).toBe(
      'the server granted a queue of 1 of the 10 asked (queue_size): samples it takes beyond 1 between two publishes are dropped (publish more often, or sample less often)',
    );
    expect(queueShortfall(10, 10)).toBeUndefined();
    expect(queueShortfall(10, 20)).toBeUndefined();
  });
});
