/**
 * `linewatch validate` on the starter `linewatch init` writes, with the two mistakes a newcomer's walk found passing
 * without a word (issue): a source's asset that names no configured asset (`pump-l` for `pump-1`: recorded, never
 * scored) and a Modbus address written the Modicon way (`40007` for holding register offset 6, which the PLC then
 * refuses). Both are said on stderr, exit 0: each may be meant. A starter whose only source misnames the asset is
 * refused (its model gets no channel), the refusal naming the source; a starter without assets records only, noted.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
let starter: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-validate-mistakes-'));
  const init = await runCli(['init', '--out', join(dir, 'starter.yaml')]);
  expect([init.code, init.stderr]).toEqual([0, '']);
  starter = await readFile(join(dir, 'starter.yaml'), 'utf8');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The starter with `edit` made (each replaced text must be there), written to NAME.yaml, validated. */
async function validate(name: string, edit: (text: string) => string) {
  const text = edit(starter);
  expect(text).not.toBe(starter);
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  return { file, ...(await runCli(['validate', '--config', file])) };
}

const replaced = (text: string, from: string, to: string) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

const MODICON = "looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for";

describe('linewatch validate on a starter with likely mistakes', () => {
  it("warns of a device's misnamed asset and of Modicon addresses, naming each path, and exits 0", async () => {
    const res = await validate('both', (text) => {
      const modicon = replaced(
        text,
        '{ channel: pressure,      address: 6, ',
        '{ channel: pressure,      address: 40007, ',
      );
      const flow = '      - { channel: flow,          address: 10,';
      const line = modicon.split('\n').find((l) => l.startsWith(flow))!;
      return replaced(
        modicon,
        `${line}\n`,
        `${line}\n    devices:\n      - unit_id: 2\n        asset: pump-l\n        registers:\n` +
          '          - { channel: speed, table: input, address: 30101, type: uint16 }\n',
      );
    });
    expect(res.stdout).toBe(
      `${res.file}: OK (1 source(s), 8 tag(s), 1 asset(s) with models: pump-1=pump-hybrid@1.0.0)\n`,
    );
    expect([res.code, res.stderr.split('\n')]).toEqual([
      0,
      [
        'linewatch: warning: sources[0].devices[0].asset: "pump-l" names no asset under assets: its channels are ' +
          'recorded, not scored (did you mean "pump-1"?)',
        `linewatch: warning: sources[0].registers[4] (pump-plc, channel pressure): address 40007 ${MODICON} 40007 ` +
          'is 6; if the device really maps 40007, ignore this',
        `linewatch: warning: sources[0].devices[0].registers[0] (pump-plc unit 2, channel speed): address 30101 ` +
          `${MODICON} 30101 is 100; if the device really maps 30101, ignore this`,
        '',
      ],
    ]);
  });

  it("refuses the starter whose source misnames the scored asset, naming the source's asset it likely meant", async () => {
    const res = await validate('typo', (text) => replaced(text, '    asset: pump-1 ', '    asset: pump-l '));
    expect([res.code, res.stdout]).toEqual([2, '']);
    expect(res.stderr).toContain(
      'assets[0].model: model pump-hybrid needs channel(s) vibration_1, vibration_2, motor_current, voltage, pressure, ' +
        'temperature, flow of asset pump-1, which no source provides (provided: none); did sources[0].asset "pump-l" ' +
        'mean "pump-1"?\n',
    );
  });

  it('notes that a starter without assets records only, and exits 0', async () => {
    const res = await validate('record-only', (text) => text.replace(/^assets:\n(?: .*\n)+/m, ''));
    expect(res.stdout).toBe(`${res.file}: OK (1 source(s), 7 tag(s), 0 asset(s) with models: none)\n`);
    expect([res.code, res.stderr]).toEqual([
      0,
      'linewatch: note: no assets configured: the gateway records the channels of its sources and scores none (to ' +
        'score them, add assets, each with a model: docs/models.md, "A detector for your own machine, step by step")\n',
    ]);
  });
});
