/**
 * `linewatch model publish` in a child process against a real mosquitto: the notice it publishes is taken by a real
 * ModelUpdater listening on that broker (cloud.mqtt), which fetches the release from a real HTTP server; a fresh
 * subscriber finds it retained and the gateway's notice parser accepts it.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { freePort } from '../../src/core/free-port.js';
import { parseReleaseNotice } from '../../src/sync/release-notice.js';
import { generateKeys, signRelease } from '../../src/sync/release.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { runCli } from '../helpers/cli.js';
import { startOversizeBroker } from '../helpers/oversize-broker.js';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(() => broker.stop());

/** Rewrites a JSON file through `edit`. */
async function editJson(path: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeFile(path, JSON.stringify(value));
}

/**
 * `linewatch model publish` of `<releases>/<folder>` (or the folder `local`) at its URL on the release server, to
 * `broker`, with `extra` flags.
 */
function publish(
  f: UpdaterFixture,
  folder: string,
  brokerUrl = broker.url,
  env: NodeJS.ProcessEnv = {},
  { local = join(f.releases.root, folder), url = `${f.releases.url}/${folder}/`, extra = [] as string[] } = {},
) {
  return runCli(
    [
      'model',
      'publish',
      '--model',
      local,
      '--public-key',
      f.keys.publicPath,
      '--url',
      url,
      '--broker',
      brokerUrl,
      '--prefix',
      'plant7',
      ...extra,
    ],
    env,
  );
}

/** The retained message a new subscriber to `topic` on `url` gets first, and whether it came flagged retained. */
async function retained(
  topic: string,
  url = broker.url,
  login: mqtt.IClientOptions = {},
): Promise<{ text: string; retain: boolean }> {
  const client = await mqtt.connectAsync(url, login);
  try {
    const message = new Promise<{ text: string; retain: boolean }>((resolve) =>
      client.once('message', (_topic, payload, packet) =>
        resolve({ text: payload.toString('utf8'), retain: packet.retain }),
      ),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return await message;
  } finally {
    await client.endAsync();
  }
}

describe('linewatch model publish', () => {
  it('publishes a verified release retained where a gateway listens; republished once signed again, it is taken', async () => {
    const f = await startUpdater({
      config: () => ({ mqtt: true }),
      mqtt: mqttSyncSchema.parse({ url: broker.url, topic_prefix: 'plant7' }),
    });
    try {
      await f.release('v3', '3.0.0', 3);
      const applied = f.nextEvent();
      const first = await publish(f, 'v3');
      const notice = { model: 'pump-ae', version: '3.0.0', url: `${f.releases.url}/v3/` };
      expect([first.code, first.stderr, first.stdout]).toEqual([
        0,
        '',
        `published: ${JSON.stringify(notice)} retained on plant7/releases/pump-ae at ${broker.url} ` +
          '(pump-ae 3.0.0, release_sequence 3)\n',
      ]);
      expect(outcomeOf(await applied)).toBe('3.0.0:applied');
      const found = await retained('plant7/releases/pump-ae');
      expect(found.retain).toBe(true);
      expect(parseReleaseNotice(found.text)).toEqual({ notice });

      // Signed below what the gateway took: refused; signed again at the same URL and published again: taken.
      await f.release('v15', '1.5.0', 1);
      const refused = f.nextEvent();
      expect((await publish(f, 'v15')).code).toBe(0);
      expect(outcomeOf(await refused)).toBe('1.5.0:rejected:not_newer');
      const dir = join(f.releases.root, 'v15');
      expect(
        (await runCli(['model', 'sign', '--model', dir, '--key', f.keys.privatePath, '--sequence', '4'])).code,
      ).toBe(0);
      f.clock.now += 60_000;
      const taken = f.nextEvent();
      expect((await publish(f, 'v15')).code).toBe(0);
      expect(outcomeOf(await taken)).toBe('1.5.0:applied');
    } finally {
      await f.close();
    }
  }, 120_000);

  it('refuses an unsigned, a tampered or an unsequenced release with the reason, before it connects; names a broker down', async () => {
    const f = await startUpdater({ start: false });
    const closed = `mqtt://127.0.0.1:${await freePort()}`; // nothing listens: a connection would fail
    try {
      await f.release('unsigned', '2.0.0', 2);
      await rm(join(f.releases.root, 'unsigned', 'manifest.sig'));
      const unsigned = await publish(f, 'unsigned', closed);
      const dir = join(f.releases.root, 'unsigned');
      expect([unsigned.code, unsigned.stdout, unsigned.stderr]).toEqual([
        1,
        '',
        `linewatch: ${dir}: unsigned (no manifest.sig); sign it with linewatch model sign --model ${dir} --key KEY --sequence N\n`,
      ]);
      await f.release('tampered', '2.0.0', 2);
      const model = join(f.releases.root, 'tampered', 'model.int8.onnx');
      await writeFile(model, Buffer.concat([await readFile(model), Buffer.from([0])]));
      const tampered = await publish(f, 'tampered', closed);
      expect([tampered.code, tampered.stdout]).toEqual([1, '']);
      expect(tampered.stderr).toMatch(
        /^linewatch: release .*\/tampered: model\.int8\.onnx has sha256 [0-9a-f]{64}, the signed/,
      );
      // Signed with another key: the refusal names the key given, where it came from (not a configured one).
      await f.release('foreign', '2.0.0', 2);
      const other = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-other-keys-')));
      await signRelease(join(f.releases.root, 'foreign'), other.privatePath);
      const foreign = await publish(f, 'foreign', closed);
      expect([foreign.code, foreign.stdout, foreign.stderr]).toEqual([
        1,
        '',
        `linewatch: release ${join(f.releases.root, 'foreign')}: the signature does not verify against the public key ` +
          `--public-key ${f.keys.publicPath}: the manifest changed since it was signed, or another key signed it\n`,
      ]);
      await f.release('unsequenced', '2.0.0', 2);
      await editJson(join(f.releases.root, 'unsequenced', 'manifest.json'), (m) => delete m.release_sequence);
      await signRelease(join(f.releases.root, 'unsequenced'), f.keys.privatePath); // as signed before sequences
      const unsequenced = await publish(f, 'unsequenced', closed);
      expect([unsequenced.code, unsequenced.stdout]).toEqual([1, '']);
      expect(unsequenced.stderr).toMatch(
        /: the signed manifest has no release_sequence, so every gateway refuses it; sign it/,
      );
      // Signed above the ceiling 2^52 (model sign took up to 2^53 - 1 before): every gateway refuses it.
      await f.release('top', '2.0.0', Number.MAX_SAFE_INTEGER);
      const top = await publish(f, 'top', closed);
      expect([top.code, top.stdout, top.stderr]).toEqual([
        1,
        '',
        `linewatch: ${join(f.releases.root, 'top')}: release_sequence 9007199254740991, above the ceiling ` +
          '4503599627370496 (2^52: a gateway takes only a higher sequence next, so the ceiling leaves room above it), ' +
          'so every gateway refuses it (bad_manifest); sign it again with --sequence N, N from 1 to 4503599627370496 ' +
          'above every release of this model signed before\n',
      ]);
      // Signed, but its version cannot name a release folder: every gateway refuses the notice unread.
      await f.release('long', `2.0.0-${'x'.repeat(130)}`, 2);
      const long = await publish(f, 'long', closed);
      expect([long.code, long.stdout, long.stderr]).toEqual([
        1,
        '',
        'linewatch: the notice would be refused by every gateway: version: at most 128 characters (a release ' +
          'version names a folder)\n',
      ]);
      await f.release('good', '2.0.0', 2);
      const down = await publish(f, 'good', closed);
      expect([down.code, down.stdout]).toEqual([1, '']);
      expect(down.stderr).toMatch(
        new RegExp(`^linewatch: --broker ${closed}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\n$`),
      );
    } finally {
      await f.close();
    }
  }, 120_000);

  it('refuses a release URL that is not http(s), and a broker URL that is not mqtt(s), as usage errors', async () => {
    const f = await startUpdater({ start: false });
    try {
      await f.release('good', '2.0.0', 2);
      const args = (url: string, brokerUrl: string) => [
        'model',
        'publish',
        '--model',
        join(f.releases.root, 'good'),
        '--public-key',
        f.keys.publicPath,
        '--url',
        url,
        '--broker',
        brokerUrl,
      ];
      // The user's own URL: its path shown, so they see which part is wrong; a login and a token's value are not.
      const ftp = await runCli(args('ftp://ops:s3cret@files.example/releases/good/?token=abc123', broker.url));
      expect([ftp.code, ftp.stderr]).toEqual([
        2,
        'linewatch: --url ftp://***@files.example/releases/good/?token=***: expected the http(s) URL of the folder ' +
          'the release is uploaded to\n',
      ]);
      const http = await runCli(args(`${f.releases.url}/good/`, 'http://127.0.0.1:1883'));
      expect([http.code, http.stderr]).toEqual([
        2,
        'linewatch: --broker http://127.0.0.1:1883: expected mqtt://host:port or mqtts://host:port\n',
      ]);
    } finally {
      await f.close();
    }
  }, 120_000);

  it('fails naming a packet over its bound the broker sends, having closed the connection at its first bytes', async () => {
    const junk = await startOversizeBroker({ topic: 'plant7/junk', after: 'connack' });
    const f = await startUpdater({ start: false });
    try {
      await f.release('v2', '2.0.0', 2);
      const result = await publish(f, 'v2', junk.url);
      expect([result.code, result.stdout, result.stderr]).toEqual([
        1,
        '',
        `linewatch: --broker ${junk.url}: the broker sent a publish on plant7/junk of ${1 + 4 + 200 * 1024 * 1024} bytes, over the 4096 bytes the publishing connection takes: closed unread\n`,
      ]);
      // Its bound and what loopback sockets buffer (a few MB); before, it read on to the broker's 32 MB cutoff.
      expect(await junk.firstClosed).toBeLessThan(4096 + 8 * 1024 * 1024);
    } finally {
      await f.close();
      await junk.close();
    }
  }, 120_000);

  it('logs in to the broker with LINEWATCH_MQTT_USERNAME and LINEWATCH_MQTT_PASSWORD', async () => {
    const user = { name: 'release-bot', password: 'pa ss"word' };
    const guarded = await startMosquitto({ user });
    const f = await startUpdater({ start: false });
    try {
      await f.release('v2', '2.0.0', 2);
      const anonymous = await publish(f, 'v2', guarded.url);
      expect([anonymous.code, anonymous.stdout]).toEqual([1, '']);
      expect(anonymous.stderr).toBe(`linewatch: --broker ${guarded.url}: Connection refused: Not authorized\n`);
      const login = { LINEWATCH_MQTT_USERNAME: user.name, LINEWATCH_MQTT_PASSWORD: user.password };
      expect((await publish(f, 'v2', guarded.url, login)).code).toBe(0);
      const found = await retained('plant7/releases/pump-ae', guarded.url, {
        username: user.name,
        password: user.password,
      });
      expect(parseReleaseNotice(found.text)).toEqual({
        notice: { model: 'pump-ae', version: '2.0.0', url: `${f.releases.url}/v2/` },
      });
    } finally {
      await f.close();
      await guarded.stop();
    }
  }, 120_000);

  it('refuses to announce a release its URL does not serve, or serves as another upload, unless --no-url-check', async () => {
    const f = await startUpdater({ start: false });
    const closed = `mqtt://127.0.0.1:${await freePort()}`; // a check that passed would connect and fail here
    const work = await mkdtemp(join(tmpdir(), 'lw-publish-'));
    try {
      await f.release('v2', '2.0.0', 2);
      // Not uploaded: the folder is signed here, the URL serves nothing.
      const local = join(work, 'v2');
      await cp(join(f.releases.root, 'v2'), local, { recursive: true });
      const url = `${f.releases.url}/v2-not-uploaded/`;
      const missing = await publish(f, 'v2', closed, {}, { local, url });
      expect([missing.code, missing.stdout]).toEqual([1, '']);
      expect(missing.stderr).toBe(
        // The path is kept, as the user gave it: it says which folder is not there.
        `linewatch: --url ${url}: GET ${url}manifest.json answered 404; upload the release folder there ` +
          '(or --no-url-check where this machine cannot reach the URL the gateways use)\n',
      );
      // Signed again here after the upload: the URL serves the older signature and manifest.
      expect(
        (await runCli(['model', 'sign', '--model', local, '--key', f.keys.privatePath, '--sequence', '3'])).code,
      ).toBe(0);
      const stale = await publish(f, 'v2', closed, {}, { local });
      expect([stale.code, stale.stdout]).toEqual([1, '']);
      expect(stale.stderr).toBe(
        `linewatch: --url ${f.releases.url}/v2/: the release there is not the one in ${local}: manifest.json, ` +
          'manifest.sig differ (an older upload, or the folder signed again since?); upload the folder again ' +
          '(or --no-url-check where this machine cannot reach the URL the gateways use)\n',
      );
      // Without the check it goes on to the broker (down here: named).
      const unchecked = await publish(f, 'v2', closed, {}, { local, extra: ['--no-url-check'] });
      expect([unchecked.code, unchecked.stderr]).toEqual([
        1,
        expect.stringMatching(new RegExp(`^linewatch: --broker ${closed}: connect ECONNREFUSED`)),
      ]);
    } finally {
      await f.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);
});
