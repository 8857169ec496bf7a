/**
 * Model updates as an attacker on the broker or the file server would try them (issue: "model
 * updates write before they verify"): releases served by a real HTTP server, fetched and verified
 * by fetchSignedRelease (once per notice) and stored by storeRelease (per asset), the path every notice takes in
 * the gateway. Nothing may be written
 * before the signature is checked, nothing outside `<store>/<asset>/<signed version>/`, a notice
 * must announce what was signed, and downloads are bounded and not redirected.
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelUpdatesSchema } from '../../src/config/schema.js';
import { fetchSignedRelease, storeRelease } from '../../src/sync/release-download.js';
import { generateKeys, readPublicKey, ReleaseRejected, signRelease } from '../../src/sync/release.js';
import { ROOT } from '../helpers/cli.js';

let server: Server;
let served: string;
let url: string;
let keys: { privatePath: string; publicPath: string };
let publicKey: KeyObject;

/** A signed copy of the shipped pump model under `served/<name>`, its manifest edited before signing. */
async function release(
  name: string,
  edit?: (m: Record<string, any>) => void,
  after?: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = join(served, name);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  edit?.(m);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  await signRelease(dir, keys.privatePath);
  await after?.(dir);
  return `${url}/${name}/`;
}

/** Every file under `dir`, relative. */
async function listing(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

async function store(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-store-'));
  // What a restart loads, and what was rolled back: an attacker wants to overwrite these.
  await cp(join(ROOT, 'models/pump-ae'), join(dir, 'pump-1', '1.0.0'), { recursive: true });
  await writeFile(
    join(dir, 'pump-1', 'active.json'),
    JSON.stringify({ version: '1.0.0', dir: join(dir, 'pump-1', '1.0.0') }),
  );
  await writeFile(join(dir, 'pump-1', 'rolled-back.json'), JSON.stringify(['0.9.0']));
  return dir;
}

beforeAll(async () => {
  keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-keys-')));
  publicKey = await readPublicKey(keys.publicPath);
  served = await mkdtemp(join(tmpdir(), 'lw-served-'));
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/redirect/'))
      return res.writeHead(302, { location: `${url}/good${path.slice('/redirect'.length)}` }).end();
    if (path === '/huge/manifest.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 16, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 200 << 20) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Number.POSITIVE_INFINITY));
      return pump();
    }
    const file = join(served, decodeURIComponent(path));
    if (!file.startsWith(served) || !existsSync(file)) return res.writeHead(404).end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await release('good', (m) => (m.version = '1.1.0'));
});

afterAll(() => server?.close());

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: Error) => (err instanceof ReleaseRejected ? `${err.code}: ${err.message}` : `error: ${err.message}`),
  );

describe('fetching a model release', () => {
  it('stores a good release as <store>/<asset>/<signed version>/ and nothing else', async () => {
    const dir = await store();
    const before = await listing(dir);
    const signed = await fetchSignedRelease({ model: 'pump-ae', version: '1.1.0', url: `${url}/good/` }, publicKey);
    const stored = await storeRelease(dir, 'pump-1', signed.files, signed.loaded.manifest);
    expect(stored).toBe(join(dir, 'pump-1', '1.1.0'));
    expect(await listing(dir)).toEqual(
      [
        ...before,
        'pump-1/1.1.0',
        'pump-1/1.1.0/manifest.json',
        'pump-1/1.1.0/manifest.sig',
        'pump-1/1.1.0/model.int8.onnx',
      ].sort(),
    );
  });

  it('regression: a notice {version: "."} whose unsigned manifest names active.json writes nothing, and active.json is intact', async () => {
    const dir = await store();
    const before = await listing(dir);
    const active = await readFile(join(dir, 'pump-1', 'active.json'), 'utf8');
    const evil = await release(
      'evil-dot',
      (m) => (m.file = 'active.json'),
      async (d) => {
        await writeFile(join(d, 'active.json'), JSON.stringify({ version: 'evil', dir: '/tmp/evil' }));
        await writeFile(join(d, 'manifest.sig'), 'AAAA'); // not signed by the gateway's key
      },
    );
    const outcome = await refusal(fetchSignedRelease({ model: 'pump-ae', version: '.', url: evil }, publicKey));
    expect(outcome).toMatch(
      /^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/evil-dot\/: the signature does not verify/,
    );
    expect(await listing(dir)).toEqual(before);
    expect(await readFile(join(dir, 'pump-1', 'active.json'), 'utf8')).toBe(active);
    expect(await readFile(join(dir, 'pump-1', 'rolled-back.json'), 'utf8')).toBe('["0.9.0"]');
  });

  it('refuses a signed release announced under another version or model name, writing nothing', async () => {
    const dir = await store();
    const before = await listing(dir);
    const replayed = await refusal(
      fetchSignedRelease({ model: 'pump-ae', version: '9.9.9', url: `${url}/good/` }, publicKey),
    );
    expect(replayed).toMatch(
      /^notice_mismatch: .*the notice announces pump-ae 9\.9\.9, the signed manifest is pump-ae 1\.1\.0$/,
    );
    const other = await refusal(
      fetchSignedRelease({ model: 'press-ae', version: '1.1.0', url: `${url}/good/` }, publicKey),
    );
    expect(other).toMatch(
      /^notice_mismatch: .*the notice announces press-ae 1\.1\.0, the signed manifest is pump-ae 1\.1\.0$/,
    );
    expect(await listing(dir)).toEqual(before);
  });

  it('refuses a signed version or file name that could name a path', async () => {
    const dir = await store();
    const before = await listing(dir);
    const dots = await release('dots', (m) => (m.version = '..'));
    expect(await refusal(fetchSignedRelease({ model: 'pump-ae', version: '..', url: dots }, publicKey))).toMatch(
      /^bad_manifest: .*version "\.\." cannot name a folder/,
    );
    const slash = await release('slash', (m) => (m.version = 'a/../../b'));
    expect(
      await refusal(fetchSignedRelease({ model: 'pump-ae', version: 'a/../../b', url: slash }, publicKey)),
    ).toMatch(/^bad_manifest: .*version "a\/\.\.\/\.\.\/b" cannot name a folder/);
    expect(await listing(dir)).toEqual(before);
  });

  it("refuses a signed version that is the name of one of the store's own files, writing nothing", async () => {
    const dir = await store();
    const before = await listing(dir);
    for (const version of [
      'active.json',
      'rolled-back.json',
      'active.json.tmp',
      'probation.json',
      'rolled-back.json.tmp',
    ]) {
      const url = await release(`store-${version}`, (m) => (m.version = version));
      expect(await refusal(fetchSignedRelease({ model: 'pump-ae', version, url }, publicKey))).toBe(
        `bad_manifest: release ${url}: version "${version}" is the name of a file the model store keeps beside the release folders (active.json, active.json.tmp, rolled-back.json, rolled-back.json.tmp, probation.json, probation.json.tmp)`,
      );
    }
    expect(await listing(dir)).toEqual(before);
    expect(await readFile(join(dir, 'pump-1', 'rolled-back.json'), 'utf8')).toBe('["0.9.0"]');
  });

  it('refuses a signed manifest whose model file is manifest.json or manifest.sig', async () => {
    for (const file of ['manifest.json', 'manifest.sig']) {
      const url = await release(`file-${file}`, (m) => (m.file = file));
      expect(await refusal(fetchSignedRelease({ model: 'pump-ae', version: '1.0.0+seed7', url }, publicKey))).toBe(
        `bad_manifest: release ${url}: manifest.json: file "${file}" names a file of the release itself (manifest.json, manifest.sig), not its model file`,
      );
    }
  });

  it('bounds downloads: a 200 MiB manifest is cut at the limit and nothing is written', async () => {
    const dir = await store();
    const before = await listing(dir);
    const rss = process.memoryUsage().rss;
    const outcome = await refusal(
      fetchSignedRelease({ model: 'pump-ae', version: '1.2.0', url: `${url}/huge/` }, publicKey),
    );
    expect(outcome).toMatch(
      /^error: GET http:\/\/127\.0\.0\.1:\d+\/huge\/manifest\.json: manifest\.json is over the 1048576-byte limit \(cloud\.model_updates\.max_manifest_bytes\)$/,
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 << 20);
    expect(await listing(dir)).toEqual(before);
  });

  it('takes its caps from the model_updates config (max_manifest_bytes, max_signature_bytes, max_model_bytes)', async () => {
    const c = modelUpdatesSchema.parse({ public_key_file: 'release.pub.pem', max_model_bytes: 1000 });
    expect([c.max_manifest_bytes, c.max_signature_bytes, c.max_model_bytes]).toEqual([1 << 20, 4096, 1000]);
    const limits = { manifestBytes: c.max_manifest_bytes, signatureBytes: c.max_signature_bytes, modelBytes: 1000 };
    const outcome = await refusal(
      fetchSignedRelease({ model: 'pump-ae', version: '1.1.0', url: `${url}/good/` }, publicKey, limits),
    );
    expect(outcome).toMatch(
      /^error: GET http:\/\/127\.0\.0\.1:\d+\/good\/model\.int8\.onnx: model\.int8\.onnx is over the 1000-byte limit \(cloud\.model_updates\.max_model_bytes\)$/,
    );
    expect(
      modelUpdatesSchema.safeParse({ public_key_file: 'k.pem', max_model_bytes: 0 }).error?.issues[0].path,
    ).toEqual(['max_model_bytes']);
  });

  it("does not follow a redirect off the notice's folder", async () => {
    const outcome = await refusal(
      fetchSignedRelease({ model: 'pump-ae', version: '1.1.0', url: `${url}/redirect/` }, publicKey),
    );
    expect(outcome).toMatch(
      /^error: GET http:\/\/127\.0\.0\.1:\d+\/redirect\/manifest\.json answered 302 \(a redirect\): refused/,
    );
  });
});
