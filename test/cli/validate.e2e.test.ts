/** `linewatch validate` in a child process: exit codes and what it prints. */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

describe('linewatch validate', () => {
  it('exits 0 and summarises a good config', async () => {
    const res = await runCli(['validate', '--config', 'config/demo.yaml']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /demo\.yaml: OK \(2 source\(s\), 13 tag\(s\), 2 asset\(s\) with models: pump-1=pump-hybrid@.*, press-1=press-ae@/,
    );
  });

  // Regression: a configuration without storage validated and ran, keeping nothing, without a word.
  it('notes a configuration without storage, naming what is kept nowhere and how to add storage, and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-validate-nostore-'));
    const demo = await readFile(join(ROOT, 'config/demo.yaml'), 'utf8');
    const without = demo.replace(/^storage:\n(?:[ #].*\n|\n)*/m, '').replaceAll('../models/', `${ROOT}/models/`);
    expect(without).not.toContain('storage:');
    await writeFile(join(dir, 'gw.yaml'), without);
    const res = await runCli(['validate', '--config', join(dir, 'gw.yaml')]);
    expect([res.code, res.stderr]).toEqual([
      0,
      'linewatch: note: no storage configured: raw samples, scores, alarms and part results are kept nowhere, and alarm ' +
        'states start normal at each restart (no alarm journal). Add storage.local (a SQLite file on this box: ' +
        '"storage: { local: {} }") or storage.influxdb (docs/influxdb.md)\n',
    ]);
    expect(res.stdout).toMatch(/gw\.yaml: OK \(2 source\(s\), 13 tag\(s\), 2 asset\(s\)/);
  });

  it('exits non-zero and prints every problem with its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-validate-'));
    const bad = (await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'))
      .replace('type: uint16', 'type: uint17')
      .replace('unit_id: 1', 'unit_id: 1\n    unit_idd: 2');
    await writeFile(join(dir, 'bad.yaml'), bad);
    const res = await runCli(['validate', '--config', join(dir, 'bad.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('sources[0].registers[0].type: expected one of');
    expect(res.stderr).toContain('sources[0].unit_idd: unknown key; did you mean unit_id?');
  });

  it("takes a shipped model's bare name where no such folder is here, as a configuration does (validate and eval)", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'lw-validate-bare-'));
    const shipped = await runCli(['validate', '--model', 'pump-hybrid'], {}, 120_000, cwd);
    expect([shipped.code, shipped.stderr]).toEqual([0, '']);
    expect(shipped.stdout.startsWith(`${join(ROOT, 'models/pump-hybrid')}: OK (pump-hybrid@1.0.0:`)).toBe(true);
    const evaluated = await runCli(
      ['eval', '--model', 'pump-hybrid', '--data', join(ROOT, 'data/skab/valve1/1.csv')],
      {},
      120_000,
      cwd,
    );
    expect(evaluated.stderr).toContain(`the model ${join(ROOT, 'models/pump-hybrid')} needs channel(s) vibration_1,`);
    const shippedOnly = await runCli(['validate', '--model', 'pump-hybridd'], {}, 120_000, cwd);
    expect([shippedOnly.code, shippedOnly.stderr]).toEqual([
      2,
      'linewatch: --model pump-hybridd: no such file or folder, nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid): did you mean pump-hybrid?\n',
    ]);
    // A folder of that name here comes first; a name that is neither is refused, the hint naming the folder it means.
    await cp(join(ROOT, 'models/pump-ae'), join(cwd, 'pump-hybrid'), { recursive: true });
    const own = await runCli(['validate', '--model', 'pump-hybrid'], {}, 120_000, cwd);
    expect(own.stdout.startsWith('pump-hybrid: OK (pump-ae@')).toBe(true);
    const none = await runCli(['validate', '--model', 'pump-hybridd'], {}, 120_000, cwd);
    expect([none.code, none.stderr]).toEqual([
      2,
      `linewatch: --model pump-hybridd: no such file or folder, nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid): did you mean pump-hybrid (${join(cwd, 'pump-hybrid')})?\n`,
    ]);
  });

  // Regression: a typo in the path of one's own model folder was named with nothing to try.
  it('names the model folder beside a mistyped --model path, as it was typed', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'lw-validate-typo-'));
    await cp(join(ROOT, 'models/pump-ae'), join(cwd, 'models', 'line-3'), { recursive: true });
    const typo = await runCli(['validate', '--model', './models/lnie-3'], {}, 120_000, cwd);
    expect([typo.code, typo.stderr]).toEqual([
      2,
      'linewatch: --model ./models/lnie-3: no such file or folder; did you mean ./models/line-3?\n',
    ]);
    // Any command's --model: quantize's too.
    const quantize = await runCli(
      ['quantize', '--model', 'models/line3', '--csv', 'x.csv', '--out', 'q'],
      {},
      120_000,
      cwd,
    );
    expect([quantize.code, quantize.stderr]).toEqual([
      2,
      'linewatch: --model models/line3: no such file or folder; did you mean models/line-3?\n',
    ]);
  });

  it('checks a model folder on its own: a good one, a tampered one, and neither flag', async () => {
    const good = await runCli(['validate', '--model', 'models/pump-hybrid']);
    expect([good.code, good.stderr]).toEqual([0, '']);
    expect(good.stdout).toMatch(
      /^models\/pump-hybrid: OK \(pump-hybrid@1\.0\.0: 32 rows of vibration_1, .*, flow, every 200 ms; alarm on [\d.]+, off [\d.]+; sha256 of both graphs as recorded; golden window scored as recorded; unsigned\)\n$/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'lw-validate-model-'));
    await cp(join(ROOT, 'models/pump-hybrid'), dir, { recursive: true });
    const bytes = await readFile(join(dir, 'model.int8.onnx'));
    bytes[bytes.length - 1] ^= 1;
    await writeFile(join(dir, 'model.int8.onnx'), bytes);
    const tampered = await runCli(['validate', '--model', dir]);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(
      /model\.int8\.onnx: sha256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}/,
    );
    // The fp32 graph is checked too; a golden window that no longer scores as recorded, and a model file that is no
    // regular file (a FIFO would block the read for ever), are refused.
    const fp32 = await mkdtemp(join(tmpdir(), 'lw-validate-fp32-'));
    await cp(join(ROOT, 'models/pump-hybrid'), fp32, { recursive: true });
    await writeFile(join(fp32, 'model.fp32.onnx'), 'not a graph');
    const badFp32 = await runCli(['validate', '--model', fp32]);
    expect(badFp32.code).toBe(2);
    expect(badFp32.stderr).toMatch(
      /fp32 model file .*model\.fp32\.onnx: sha256 [0-9a-f]{64} does not match the manifest's fp32_sha256/,
    );
    const golden = await mkdtemp(join(tmpdir(), 'lw-validate-golden-'));
    await cp(join(ROOT, 'models/pump-hybrid'), golden, { recursive: true });
    const manifest = JSON.parse(await readFile(join(golden, 'manifest.json'), 'utf8'));
    manifest.golden.score *= 2;
    await writeFile(join(golden, 'manifest.json'), JSON.stringify(manifest));
    const badGolden = await runCli(['validate', '--model', golden]);
    expect(badGolden.code).toBe(2);
    expect(badGolden.stderr).toMatch(/golden/);
    const fifo = await mkdtemp(join(tmpdir(), 'lw-validate-fifo-'));
    await cp(join(ROOT, 'models/pump-hybrid/manifest.json'), join(fifo, 'manifest.json'));
    execFileSync('mkfifo', [join(fifo, 'model.int8.onnx')]);
    const blocked = await runCli(['validate', '--model', fifo], {}, 20_000);
    expect([blocked.code, blocked.stderr.trim()]).toEqual([
      2,
      `linewatch: model file ${join(fifo, 'model.int8.onnx')} (from ${join(fifo, 'manifest.json')}): not a regular file`,
    ]);
    const both = await runCli(['validate', '--model', 'models/pump-hybrid', '--config', 'config/demo.yaml']);
    expect([both.code, both.stderr.trim()]).toEqual([
      2,
      'linewatch: --config and --model: validate checks a configuration or a model folder, one at a time',
    ]);
    const neither = await runCli(['validate'], { LINEWATCH_CONFIG: '' });
    expect([neither.code, neither.stderr.trim()]).toEqual([
      2,
      'linewatch: give --config (a gateway configuration and the models it names) or --model (a model folder)',
    ]);
  });
});
