/** Values a topic's messages leave out: said once per (topic, field) while it lasts, a bounded number followed. */
import { describe, expect, it } from 'vitest';
import { AbsentValues } from '../../../src/sources/mqtt/absent-values.js';

describe('AbsentValues', () => {
  it('says an absence when it starts, not while it lasts; it lasts until a value comes on that topic', () => {
    const absent = new AbsentValues(60_000);
    expect(absent.absent('t/a', 'field v', 0, 'null', 1_000)).toEqual({ unsaid: 0 });
    expect(absent.absent('t/a', 'field v', 0, 'missing', 2_000)).toBeUndefined();
    absent.present('t/b', 'field v');
    expect(absent.lasting()).toEqual([
      { topic: 't/a', field: 'field v', tag: 0, how: 'missing', since: 1_000, messages: 2 },
    ]);
    absent.present('t/a', 'field v');
    expect(absent.lasting()).toEqual([]);
    // Started again within the quiet time: counted, told with the next line.
    expect(absent.absent('t/a', 'field v', 0, 'null', 3_000)).toBeUndefined();
    absent.present('t/a', 'field v');
    expect(absent.absent('t/a', 'field v', 0, 'null', 61_000)).toEqual({ unsaid: 1 });
  });

  it('follows at most maxFields (topic, field) pairs: a publisher naming topics without end adds none past them', () => {
    const absent = new AbsentValues(60_000, 2);
    expect(absent.absent('t/1', 'field v', 0, 'null', 0)).toEqual({ unsaid: 0 });
    expect(absent.absent('t/2', 'field v', 0, 'null', 0)).toEqual({ unsaid: 0 });
    expect(absent.absent('t/3', 'field v', 0, 'null', 0)).toBeUndefined();
    expect(absent.lasting().map((a) => a.topic)).toEqual(['t/1', 't/2']);
  });

  it("follows each tag's first pair past maxFields: topics under a wildcard leave another tag's absence said", () => {
    const absent = new AbsentValues(60_000, 2);
    // Tag 0 reads `plant/#`: a publisher names topics without end.
    for (let i = 0; i < 5; i++) absent.absent(`plant/x${i}`, 'field v', 0, 'missing', 0);
    // Tag 1 reads plant/press-1 only.
    expect(absent.absent('plant/press-1', 'field t', 1, 'null', 0)).toEqual({ unsaid: 0 });
    expect(absent.absent('plant/press-1', 'field t', 1, 'null', 1)).toBeUndefined();
    expect(absent.absent('plant/press-2', 'field t', 1, 'null', 1)).toBeUndefined();
    expect(absent.lasting().map((a) => `${a.tag} ${a.topic} ${a.messages}`)).toEqual([
      '0 plant/x0 1',
      '0 plant/x1 1',
      '1 plant/press-1 2',
    ]);
  });
});
