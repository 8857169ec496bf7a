import { describe, expect, it } from 'vitest';
import { planReads, type PlannedTag } from '../src/sources/modbus/request-plan.js';

const tag = (address: number, type: PlannedTag['type'] = 'uint16', table: PlannedTag['table'] = 'holding'): PlannedTag => ({ address, type, table });

describe('Modbus request planning', () => {
  it.each([
    { name: 'contiguous tags merge into one read', tags: [tag(0), tag(1), tag(2, 'float32')], gap: 0, expected: [[0, 4]] },
    { name: 'a hole splits reads without gap bridging', tags: [tag(0), tag(5)], gap: 0, expected: [[0, 1], [5, 1]] },
    { name: 'gap bridging reads across a small hole', tags: [tag(0), tag(5)], gap: 4, expected: [[0, 6]] },
    { name: 'a hole larger than the bridge still splits', tags: [tag(0), tag(6)], gap: 4, expected: [[0, 1], [6, 1]] },
    { name: 'order of the map does not matter', tags: [tag(10, 'float64'), tag(0), tag(2, 'int32')], gap: 8, expected: [[0, 14]] },
    { name: 'the 125-register limit splits a long block', tags: [tag(0), tag(124), tag(125)], gap: 200, expected: [[0, 125], [125, 1]] },
    { name: 'holding and input tables never share a read', tags: [tag(0), tag(1, 'uint16', 'input')], gap: 10, expected: [[0, 1], [1, 1]] },
  ])('$name', ({ tags, gap, expected }) => {
    const plan = planReads(tags, gap);
    expect(plan.map((r) => [r.address, r.count])).toEqual(expected);
    // Every tag is served exactly once, at the right offset.
    const served = plan.flatMap((r) => r.tags.map((t) => [t.tag, r.address + t.offset]));
    expect(served).toHaveLength(tags.length);
    for (const [t, addr] of served) expect((t as PlannedTag).address).toBe(addr);
  });

  it('plans the demo pump map (8 tags, 16 registers) as a single read', () => {
    const tags = [tag(0), tag(1, 'int16'), tag(2, 'float32'), tag(4, 'float32'), tag(6, 'float32'), tag(8, 'int16'), tag(10, 'uint32'), tag(12, 'float64')];
    expect(planReads(tags, 4)).toHaveLength(1);
  });
});
