/**
 * docs/node-red.md's Modbus walk-through: the register lines it shows decode as the window node reads them and are the
 * example flow's own, so a user who copies them reads the simulator's pump as the shipped flow does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegisterFields } from '../../src/node-red/message-samples.js';
import { ROOT } from '../helpers/cli.js';

const doc = readFileSync(join(ROOT, 'docs', 'node-red.md'), 'utf8');
const section = doc.split('## A Modbus read into the nodes')[1]?.split('\n## ')[0] ?? '';
const docLines = section
  .split('\n')
  .filter((l) => /^ {8}\S/.test(l))
  .map((l) => l.trim().split(/\s+/).join(' '));
const flow = JSON.parse(readFileSync(join(ROOT, 'flows', 'modbus-stack-light.json'), 'utf8')) as Record<
  string,
  string
>[];
const window = flow.find((n) => n.type === 'linewatch-window')!;
const flowLines = window.registers.split('\n').map((l) => l.trim().split(/\s+/).join(' '));

describe('docs/node-red.md, a Modbus read into the nodes', () => {
  it("shows register lines the window node parses, each one the example flow's", () => {
    expect(docLines.length).toBeGreaterThan(1);
    expect(parseRegisterFields(docLines.join('\n')).map((f) => f.channel)).toEqual(
      docLines.map((l) => l.split(' ')[0]),
    );
    for (const line of docLines) expect(flowLines).toContain(line);
  });

  it("gives the example flow's read: address 0, quantity 16, every 200 ms", () => {
    const read = flow.find((n) => n.type === 'modbus-read')!;
    expect({ adr: read.adr, quantity: read.quantity, rate: read.rate }).toEqual({
      adr: '0',
      quantity: '16',
      rate: '200',
    });
    expect(section).toContain('address 0, quantity 16');
    expect(section).toContain('200 ms');
  });
});
