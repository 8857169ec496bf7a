import { describe, expect, it } from 'vitest';
import {
  constantChannels,
  constantText,
  leftOutText,
  refuseConstantChannels,
  withoutConstantChannels,
} from '../../src/training/constant-channels.js';
import { DEFAULT_TARGET, fitDetector } from '../../src/training/fit-detector.js';

/** Rows of three channels: a varies, b is always 5, c is 2.5 until row `cChangesAt`. */
function rows(n: number, cChangesAt = n) {
  const data = new Float64Array(n * 3);
  for (let t = 0; t < n; t++) data.set([Math.sin(t / 3), 5, t < cChangesAt ? 2.5 : 3], t * 3);
  return { name: 'm', source: 'plant.csv', channels: ['a', 'b', 'c'], periodMs: 1000, rows: data, rowCount: n };
}

describe('constantChannels', () => {
  it('names every channel that never changes, with its value', () => {
    expect(constantChannels(rows(50))).toEqual([
      { name: 'b', value: 5 },
      { name: 'c', value: 2.5 },
    ]);
  });
  it('looks only at the training rows when told how many', () => {
    expect(constantChannels(rows(50, 45), 40).map((k) => k.name)).toEqual(['b', 'c']);
    expect(constantChannels(rows(50, 45)).map((k) => k.name)).toEqual(['b']);
  });
});

describe('refuseConstantChannels', () => {
  it('names the file, the channels and the columns to keep', () => {
    expect(() => refuseConstantChannels(rows(50), 40)).toThrow(
      'plant.csv: channel(s) b (always 5), c (always 2.5) do not vary in the 40 training rows, so a model cannot learn their spread; leave them out with --channels a',
    );
  });
  it('asks for another recording when no channel varies', () => {
    const flat = { ...rows(20), channels: ['b'], rows: new Float64Array(20).fill(7) };
    expect(() => refuseConstantChannels(flat, 20)).toThrow(
      'plant.csv: channel(s) b (always 7) do not vary in the 20 training rows, so a model cannot learn their spread; train on a recording in which the channels vary',
    );
  });
  it('names a channel with no reading at all as such, not as always NaN', () => {
    const blank = { ...rows(20), channels: ['b'], rows: new Float64Array(20).fill(NaN) };
    expect(constantChannels(blank, 20).map(constantText)).toEqual(['b with no reading']);
    expect(() => refuseConstantChannels(blank, 20)).toThrow('plant.csv: channel(s) b (with no reading) do not vary');
  });
  it('names the first 20 constant channels and counts the rest (a file of thousands: no line of megabytes)', () => {
    const channels = ['a', ...Array.from({ length: 5000 }, (_, i) => `k${i}`)];
    const data = new Float64Array(10 * channels.length);
    for (let t = 0; t < 10; t++) data[t * channels.length] = t;
    const wide = { ...rows(10), channels, rows: data, rowCount: 10 };
    const first = Array.from({ length: 20 }, (_, i) => `k${i} (always 0)`).join(', ');
    expect(() => refuseConstantChannels(wide, 10)).toThrow(
      `plant.csv: channel(s) ${first} and 4980 more (5000 in all) do not vary in the 10 training rows, so a model cannot learn their spread; leave them out with --channels a`,
    );
  });
  it('lets data through where every channel varies', () => {
    const varying = { ...rows(20), channels: ['a'], rows: Float64Array.from({ length: 20 }, (_, t) => t % 3) };
    expect(refuseConstantChannels(varying, 20)).toBeUndefined();
  });
});

describe('withoutConstantChannels', () => {
  it('leaves out the channels constant in the rows learnt from, keeping the others row by row', () => {
    const { data, constant } = withoutConstantChannels(rows(50, 45), 40);
    expect(constant).toEqual([
      { name: 'b', value: 5 },
      { name: 'c', value: 2.5 },
    ]);
    expect(data.channels).toEqual(['a']);
    expect([...data.rows]).toEqual(Array.from({ length: 50 }, (_, t) => Math.sin(t / 3)));
    expect(data.source).toBe('plant.csv');
  });
  it('keeps every channel where all are constant (the fit refuses them, naming them)', () => {
    const flat = { ...rows(20), channels: ['b'], rows: new Float64Array(20).fill(7) };
    expect(withoutConstantChannels(flat, 20)).toEqual({ data: flat, constant: [] });
  });
});

describe('leftOutText', () => {
  it("says what train and eval left out, in the same words, with each channel's value", () => {
    expect(leftOutText([{ name: 'Agitator', value: 100 }])).toBe(
      'left out of the model, constant in the rows it learns from: Agitator (always 100); the model does not see it change',
    );
    expect(
      leftOutText([
        { name: 'b', value: 5 },
        { name: 'Flow', value: Number.NaN },
      ]),
    ).toBe(
      'left out of the model, constant in the rows it learns from: b (always 5), Flow (with no reading); the model does not see them change',
    );
  });
});

describe('fitDetector on constant data', () => {
  for (const arch of ['hybrid', 'stats', 'dense', 'conv1d'] as const)
    it(`${arch}: refuses before training, naming the constant channel`, async () => {
      await expect(
        fitDetector(rows(400), {
          arch,
          seed: 1,
          epochs: 1,
          validationFraction: 0.25,
          target: DEFAULT_TARGET,
          command: 'test',
          log: () => undefined,
        }),
      ).rejects.toThrow(
        // hybrid and stats learn a channel's spread from every row, dense and conv1d before the held-out share.
        `plant.csv: channel(s) b (always 5), c (always 2.5) do not vary in the ${arch === 'dense' || arch === 'conv1d' ? 300 : 400} training rows`,
      );
    });
});
