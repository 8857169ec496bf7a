/**
 * Regression: sign_sequence_read_as_a_javascript_number. `config sign --sequence` and `model sign --sequence` were read
 * with Number(): `0x10` signed sequence 16, `1e3` 1000, ` 12` 12, so a typo or a shell variable holding something else
 * became a sequence no one wrote; and model sign wrote `1e300` into a release it signed, which every gateway refuses
 * (bad_manifest: over Number.MAX_SAFE_INTEGER), though it promises not to sign such a release. Only decimal digits up
 * to that bound are taken now, each refusal naming the flag and what it holds.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../src/sync/release.js';
import { runCli } from '../helpers/cli.js';
import { PUMP_MODEL, pumpYaml } from '../helpers/remote-config-files.js';

let dir: string;
let privateKey: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-sign-seq-'));
  privateKey = (await generateKeys(join(dir, 'keys'))).privatePath;
  await writeFile(join(dir, 'remote.yaml'), pumpYaml({ port: 5020 }));
  await cp(PUMP_MODEL, join(dir, 'model'), { recursive: true });
});

const configSign = (sequence: string) =>
  runCli([
    'config',
    'sign',
    '--config',
    join(dir, 'remote.yaml'),
    '--key',
    privateKey,
    '--sequence',
    sequence,
    '--target',
    'press-3',
    '--out',
    join(dir, 'remote.msg'),
  ]);
const modelSign = (sequence: string) =>
  runCli(['model', 'sign', '--model', join(dir, 'model'), '--key', privateKey, '--sequence', sequence]);

/** The ceiling of config sign and model sign, 2^52 (MAX_SIGNED_SEQUENCE), and why. */
const CEILING =
  '4503599627370496 (2^52: a gateway takes only a higher sequence next, so the ceiling leaves room above it)';
const refusal = (sequence: string, above: string) =>
  `linewatch: --sequence ${sequence}: expected a whole number from 1 to ${CEILING} in decimal digits, above ${above}\n`;

describe('--sequence of config sign and model sign', () => {
  it('config sign refuses what is not decimal digits, naming the flag and the value', async () => {
    // 9007199254740991 (2^53 - 1) and 4503599627370497: above the ceiling, no higher sequence could follow them.
    for (const sequence of ['0x10', '1e3', ' 12', '9007199254740993', '9007199254740991', '4503599627370497']) {
      const { code, stdout, stderr } = await configSign(sequence);
      expect({ code, stdout, stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: refusal(
          sequence,
          'every configuration signed for these gateways before (a gateway takes only a higher one)',
        ),
      });
    }
  }, 60_000);

  it('config sign signs a decimal sequence as written', async () => {
    const { code, stdout } = await configSign('2026120701');
    expect({ code, stdout }).toEqual({
      code: 0,
      stdout: `signed: ${join(dir, 'remote.msg')} (sequence 2026120701, target press-3)\n`,
    });
  }, 60_000);

  // Regression (s34's open defect): model sign took up to 2^53 - 1, where config sign stops at 2^52: a release signed
  // at 2^53 - 1 left no higher sequence for the next release.
  it('model sign refuses 1e300, 0x10 and sequences above 2^52, leaving the manifest as it was', async () => {
    const before = await readFile(join(dir, 'model', 'manifest.json'), 'utf8');
    for (const sequence of ['1e300', '0x10', '9007199254740991', '4503599627370497']) {
      const { code, stderr } = await modelSign(sequence);
      expect({ code, stderr }).toEqual({
        code: 2,
        stderr: refusal(sequence, 'every release of this model signed before'),
      });
    }
    expect(await readFile(join(dir, 'model', 'manifest.json'), 'utf8')).toBe(before);
  }, 60_000);
});
