import { describe, expect, it } from 'vitest';
import { planReads, type PlannedTag } from '../../../src/sources/modbus/request-plan.js';

const tag = (
  address: number,
  type: PlannedTag['type'] = 'uint16',
  table: PlannedTag['table'] = 'holding',
  length?: number,
): PlannedTag => ({ address, type, table, length });

describe('Modbus request planning', () => {
  it.each([
    {
      name: 'contiguous tags merge into one read',
      tags: [tag(0), tag(1), tag(2, 'float32')],
      gap: 0,
      expected: [[0, 4]],
    },
    {
      name: 'a hole splits reads without gap bridging',
      tags: [tag(0), tag(5)],
      gap: 0,
      expected: [
        [0, 1],
        [5, 1],
      ],
    },
    { name: 'gap bridging reads across a small hole', tags: [tag(0), tag(5)], gap: 4, expected: [[0, 6]] },
    {
      name: 'a hole larger than the bridge still splits',
      tags: [tag(0), tag(6)],
      gap: 4,
      expected: [
        [0, 1],
        [6, 1],
      ],
    },
    {
      name: 'order of the map does not matter',
      tags: [tag(10, 'float64'), tag(0), tag(2, 'int32')],
      gap: 8,
      expected: [[0, 14]],
    },
    {
      name: 'the 125-register limit splits a long block',
      tags: [tag(0), tag(124), tag(125)],
      gap: 200,
      expected: [
        [0, 125],
        [125, 1],
      ],
    },
    {
      name: 'holding and input tables never share a read',
      tags: [tag(0), tag(1, 'uint16', 'input')],
      gap: 10,
      expected: [
        [0, 1],
        [1, 1],
      ],
    },
    {
      name: 'a string tag spans its length',
      tags: [tag(0), tag(1, 'string', 'holding', 6), tag(7)],
      gap: 0,
      expected: [[0, 8]],
    },
    {
      name: 'a string tag counts against the 125-register limit',
      tags: [tag(0, 'string', 'holding', 122), tag(122, 'float64')],
      gap: 0,
      expected: [
        [0, 122],
        [122, 4],
      ],
    },
    {
      name: 'coils read up to 2000 at a time',
      tags: [tag(0, 'bit', 'coil'), tag(1999, 'bit', 'coil'), tag(2000, 'bit', 'coil')],
      gap: 3000,
      expected: [
        [0, 2000],
        [2000, 1],
      ],
    },
    {
      name: 'coils and discrete inputs are separate reads, one bit each',
      tags: [tag(3, 'bit', 'discrete'), tag(4, 'bit', 'discrete'), tag(4, 'bit', 'coil')],
      gap: 0,
      expected: [
        [4, 1],
        [3, 2],
      ],
    },
  ])('$name', ({ tags, gap, expected }) => {
    const plan = planReads(tags, gap);
    expect(plan.map((r) => [r.address, r.count])).toEqual(expected);
    // Every tag is served exactly once, at the right offset.
    const served = plan.flatMap((r) => r.tags.map((t) => [t.tag, r.address + t.offset]));
    expect(served).toHaveLength(tags.length);
    for (const [t, addr] of served) expect((t as PlannedTag).address).toBe(addr);
  });

  it('plans the demo pump map (8 tags, 16 registers) as a single read', () => {
    const tags = [
      tag(0),
      tag(1, 'int16'),
      tag(2, 'float32'),
      tag(4, 'float32'),
      tag(6, 'float32'),
      tag(8, 'int16'),
      tag(10, 'uint32'),
      tag(12, 'float64'),
    ];
    expect(planReads(tags, 4)).toHaveLength(1);
  });
});

describe('request planning is minimal', () => {
  /** The fewest reads covering `tags` (sorted), by dynamic programming over every split. */
  function minimumReads(tags: PlannedTag[], maxGap: number, maxCount: number): number {
    const sorted = [...tags].sort((a, b) => a.address - b.address);
    const end = (t: PlannedTag) =>
      t.address +
      (t.type === 'string'
        ? t.length!
        : t.type === 'float32' || t.type === 'uint32'
          ? 2
          : t.type === 'float64'
            ? 4
            : 1);
    const best = new Array<number>(sorted.length + 1).fill(Number.POSITIVE_INFINITY);
    best[0] = 0;
    for (let j = 1; j <= sorted.length; j++) {
      // The last read covers sorted[i..j-1]: allowed if its span fits and no hole exceeds maxGap.
      for (let i = j - 1; i >= 0; i--) {
        let ok = true;
        let reach = end(sorted[i]);
        for (let k = i + 1; k < j && ok; k++) {
          if (sorted[k].address - reach > maxGap) ok = false;
          reach = Math.max(reach, end(sorted[k]));
        }
        if (ok && reach - sorted[i].address <= maxCount) best[j] = Math.min(best[j], best[i] + 1);
      }
    }
    return best[sorted.length];
  }

  it('uses exactly the minimum number of reads on 500 random register maps', () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const types: PlannedTag['type'][] = ['uint16', 'int16', 'float32', 'uint32', 'float64', 'string'];
    for (let round = 0; round < 500; round++) {
      const maxGap = Math.floor(rnd() * 6);
      const maxCount = 4 + Math.floor(rnd() * 20);
      const tags: PlannedTag[] = [];
      let address = 0;
      for (let n = 0; n < 1 + Math.floor(rnd() * 12); n++) {
        address += Math.floor(rnd() * 8);
        const t = types[Math.floor(rnd() * types.length)];
        const length = t === 'string' ? 1 + Math.floor(rnd() * 4) : undefined;
        tags.push(tag(address, t, 'holding', length));
        address += t === 'string' ? length! : t === 'float64' ? 4 : t === 'float32' || t === 'uint32' ? 2 : 1;
      }
      expect(planReads(tags, maxGap, maxCount)).toHaveLength(minimumReads(tags, maxGap, maxCount));
    }
  });
});
