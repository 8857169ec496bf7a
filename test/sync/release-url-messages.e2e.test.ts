/**
 * A downloaded release's refusal names its files by their URLs as they are: the walk of 2026-12-07 found
 * `model http:/127.0.0.1:18099/golden/model.int8.onnx` (path.join of a URL) in the log, the outcome and /api/status.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/inference/session-pool.js';
import { downloadRelease } from '../../src/sync/release-download.js';
import { releaseFileAt } from '../../src/sync/release-reader.js';
import { generateKeys, readPublicKey, ReleaseRejected, verifyRelease } from '../../src/sync/release.js';
import { makeRelease, startReleaseServer, type ReleaseServer } from '../helpers/model-releases.js';

let server: ReleaseServer;
let keys: { privatePath: string; publicPath: string };

beforeAll(async () => {
  server = await startReleaseServer();
  keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-')));
});
afterAll(() => server.close());

describe('a release file named in a refusal', () => {
  it('keeps the URL of a downloaded release whole: golden_mismatch names http://host/folder/model.int8.onnx', async () => {
    await makeRelease(server.root, 'golden', {
      version: '1.2.0',
      privateKeyPath: keys.privatePath,
      sequence: 2,
      edit: (m) => ((m.golden as { score: number }).score = 5),
    });
    const files = await downloadRelease(`${server.url}/golden`);
    const refusal = await verifyRelease(files, await readPublicKey(keys.publicPath), undefined, new SessionPool()).then(
      () => undefined,
      (err: ReleaseRejected) => err,
    );
    expect(refusal?.code).toBe('golden_mismatch');
    expect(refusal?.message).toMatch(
      new RegExp(
        `^release ${server.url}/golden/: model ${server.url}/golden/model\\.int8\\.onnx: golden window scored `,
      ),
    );
  });

  it('joins a local folder as a path, a URL as a URL (with or without its last slash)', () => {
    expect(releaseFileAt('/srv/releases/r1', 'model.int8.onnx')).toBe('/srv/releases/r1/model.int8.onnx');
    expect(releaseFileAt('https://cdn.example/r/1/', 'manifest.json')).toBe('https://cdn.example/r/1/manifest.json');
    expect(releaseFileAt('http://cdn.example/r/1', 'm.onnx')).toBe('http://cdn.example/r/1/m.onnx');
  });
});
