/**
 * The messages a newcomer meets first: a model folder that is not one, a key of the wrong kind, a port another
 * program holds, a model quantize cannot re-quantize. Each names the flag or file and what to do, with no stack and no
 * OpenSSL or errno code.
 */
import { createServer, type Server } from 'node:net';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
let keys: string;
let release: string;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-messages-'));
  keys = join(dir, 'keys');
  expect((await runCli(['model', 'keygen', '--out', keys])).code).toBe(0);
  release = join(dir, 'release');
  await cp(join(ROOT, 'models/press-ae'), release, { recursive: true });
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('what a command says about a wrong input', () => {
  it('sign with the public key: names it and the key to use; a file that is no key: what was expected', async () => {
    const pub = join(keys, 'release-signing.pub.pem');
    const wrong = await runCli(['model', 'sign', '--model', release, '--key', pub]);
    expect([wrong.code, wrong.stderr.trim()]).toEqual([
      1,
      `linewatch: private key ${pub}: this is a public key; sign with the private key "linewatch model keygen" wrote beside it (release-signing.key.pem)`,
    ]);
    const config = join(ROOT, 'config/demo.yaml');
    const notKey = await runCli(['model', 'verify', '--model', release, '--public-key', config]);
    expect(notKey.stderr.trim()).toBe(
      `linewatch: public key ${config}: not a PEM public key; expected the file "linewatch model keygen" wrote, starting with "-----BEGIN PUBLIC KEY-----"`,
    );
    // The manifest was not touched by the refused signing.
    expect(await readFile(join(release, 'manifest.json'), 'utf8')).toBe(
      await readFile(join(ROOT, 'models/press-ae/manifest.json'), 'utf8'),
    );
  });

  it('eval --model with a folder that holds no model; train --csv with a folder', async () => {
    const evalRes = await runCli(['eval', '--model', keys, '--data', join(ROOT, 'data/skab/valve1/1.csv')]);
    expect([evalRes.code, evalRes.stderr.trim()]).toEqual([
      2,
      `linewatch: model ${keys}: no manifest.json there; a model folder holds the manifest.json and ONNX files that linewatch train writes`,
    ]);
    const trainRes = await runCli(['train', '--csv', keys, '--out', join(dir, 'never')]);
    expect([trainRes.code, trainRes.stderr.trim()]).toEqual([2, `linewatch: --csv ${keys}: a folder, not a file`]);
  });

  it('quantize with a hybrid model: says why not and what to do instead', async () => {
    const res = await runCli([
      'quantize',
      '--model',
      join(ROOT, 'models/pump-hybrid'),
      '--csv',
      join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv'),
      '--out',
      join(dir, 'q'),
    ]);
    expect([res.code, res.stderr.trim()]).toEqual([
      1,
      `linewatch: model ${join(ROOT, 'models/pump-hybrid/manifest.json')}: a hybrid model; quantize re-quantizes a dense or conv1d autoencoder on new data, while a hybrid model's int8 graph is built with its fit: train it again on the new data (linewatch train --csv)`,
    ]);
  });

  it('demo and simulate on a port another program holds: the flag that picks another', async () => {
    const demo = await runCli(['demo', '--http-port', String(busyPort), '--duration-s', '5']);
    expect([demo.code, demo.stderr.trim().split('\n').pop()]).toEqual([
      2,
      `linewatch: --http-port ${busyPort}: another program listens on port ${busyPort} already; pick another with --http-port (0: any free port)`,
    ]);
    const sim = await runCli(['simulate', '--modbus-port', String(busyPort), '--http-port', '0']);
    expect([sim.code, sim.stderr.trim().split('\n').pop()]).toEqual([
      2,
      `linewatch: --modbus-port ${busyPort}: another program listens on port ${busyPort} already; pick another with --modbus-port (0: any free port)`,
    ]);
  }, 60_000);

  it('run with http.port another program holds: refused before the gateway starts, naming the setting', async () => {
    const config = join(ROOT, 'config/demo.yaml');
    const res = await runCli(['run', '--config', config], { LINEWATCH_HTTP_PORT: String(busyPort) });
    expect([res.code, res.stdout, res.stderr.trim()]).toEqual([
      2,
      '',
      `linewatch: http.port ${busyPort} (${config}): another program listens on 127.0.0.1:${busyPort} already; set another http.port there (0: any free port), or stop that program`,
    ]);
  });

  it("help for a subcommand's subcommand prints that one's options", async () => {
    const res = await runCli(['help', 'model', 'verify']);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('Usage: linewatch model verify [options]');
    expect(res.stdout).toContain('--public-key');
  });
});
