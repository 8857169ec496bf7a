/**
 * docs/node-red.md's recording of normal data in a flow: the function node it shows, fed the window node's windows
 * (Hop = Length), writes files that `linewatch train --csv` reads (the same reader, csv-table.ts) with every row once,
 * at its time, its readings as the window held them, and one header per file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import type { WindowPayload } from '../../src/node-red/window-node.js';
import { ROOT } from '../helpers/cli.js';

const doc = readFileSync(join(ROOT, 'docs', 'node-red.md'), 'utf8');
const section = doc.split('## A model of your own machine, recorded in the flow')[1]?.split('\n## ')[0] ?? '';
const code = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

interface Written {
  readonly filename: string;
  readonly payload: string;
}

/** The function node as Node-RED runs it: one context for as long as the node runs. */
function functionNode(): (msg: { payload: WindowPayload }) => Written {
  const store = new Map<string, unknown>();
  const context = { get: (k: string) => store.get(k), set: (k: string, v: unknown) => void store.set(k, v) };
  const body = new Function('msg', 'context', code) as (msg: unknown, ctx: typeof context) => Written;
  return (msg) => body({ ...msg }, context);
}

const CHANNELS = ['vibration_1', 'motor_current', 'flow'];
const T0 = Date.parse('2026-12-07T16:09:13.854Z');
/** Row i: read every 200 ms, with values a float32 holds approximately (as the window node's Float32Array does). */
const rowTime = (i: number) => T0 + 200 * i;
const rowValues = (i: number) => [0.0289 + i * 0.0001, 1.6 + i / 7, 31.7 + i / 3].map((v) => Math.fround(v));

function windowOf(first: number, length: number): WindowPayload {
  const rows = Array.from({ length }, (_, k) => first + k);
  return {
    asset: 'pump-1',
    channels: CHANNELS,
    length,
    start: rowTime(first),
    end: rowTime(first + length - 1),
    data: rows.flatMap(rowValues),
  };
}

/** What the write file node appends: each message's payload and a newline. */
const fileText = (written: Written[]) => written.map((w) => `${w.payload}\n`).join('');

describe('docs/node-red.md: a model of your own machine, recorded in the flow', () => {
  it('writes the windows of a 32-sample hop as one CSV train reads, each row once at its time', () => {
    expect(code).toContain('msg.filename');
    const node = functionNode();
    const written = [0, 32, 64].map((first) => node({ payload: windowOf(first, 32) }));
    expect(new Set(written.map((w) => w.filename))).toEqual(new Set([written[0]!.filename]));
    expect(written[0]!.filename).toBe('/home/pi/recordings/normal-2026-12-07T16-09-13-854Z.csv');

    const table = parseSkabCsv(fileText(written), written[0]!.filename);
    expect(table.header).toEqual(['timestamp', ...CHANNELS]);
    expect(Array.from(table.times)).toEqual(Array.from({ length: 96 }, (_, i) => rowTime(i)));
    CHANNELS.forEach((channel, c) => {
      const read = Array.from(table.columns.get(channel)!);
      // Seven significant digits: the float32 each window holds, written without its binary tail.
      read.forEach((v, i) =>
        expect(Math.abs(v - rowValues(i)[c]!)).toBeLessThanOrEqual(Math.abs(rowValues(i)[c]!) * 1e-6),
      );
    });
  });

  it('starts a new file with its header when the node starts afresh, so no file holds a second header', () => {
    const before = functionNode()({ payload: windowOf(0, 32) });
    const after = functionNode()({ payload: windowOf(100, 32) });
    expect(after.filename).not.toBe(before.filename);
    expect(after.payload.split('\n')[0]).toBe(['timestamp', ...CHANNELS].join(','));
    expect(parseSkabCsv(fileText([after]), after.filename).times[0]).toBe(rowTime(100));
  });
});
