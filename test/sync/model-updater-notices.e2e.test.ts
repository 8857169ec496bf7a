/**
 * Which release notices the updater remembers (a redelivered one is not handled again): one that
 * was applied or refused for good, never one whose download failed in a way that may pass (a
 * file of the release not there yet), nor one for a model no asset runs, and at most
 * MAX_REMEMBERED_NOTICES of them. Real signed releases over a real HTTP server.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UpdateHost } from '../../src/sync/update-host.js';
import { MAX_WAITING_NOTICES } from '../../src/sync/notice-backlog.js';
import { MAX_REMEMBERED_NOTICES } from '../../src/sync/notice-memory.js';
import { logLines } from '../helpers/log-lines.js';
import { outcomeOf, startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

/** `host`, recording in `asked` each model name the updater asks about (it asks for every notice it handles). */
function recordingAsks(host: UpdateHost, asked: string[]): UpdateHost {
  return {
    ...host,
    assetsRunning: (name) => {
      asked.push(name);
      return host.assetsRunning(name);
    },
  };
}

/** A signed release of pump-ae `version` in `<releases>/<folder>/`, its manifest changed after signing. */
async function tamperedRelease(f: UpdaterFixture, folder: string, version: string): Promise<void> {
  await f.release(folder, version, 2);
  const manifest = join(f.releases.root, folder, 'manifest.json');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(`"${version}"`, `"${version}" `));
}

describe('release notices the updater remembers', () => {
  it('tries a notice again when it comes again after its download failed (404: not uploaded yet)', async () => {
    const f = await startUpdater();
    try {
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download']);
      expect(f.events[0].reason).toMatch(/^download: GET http:\/\/127\.0\.0\.1:\d+\/v2\/manifest\.json answered 404$/);
      await f.release('v2', '2.0.0', 1);
      f.notice('2.0.0', 'v2'); // the retained notice, redelivered at a reconnect
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download', '2.0.0:applied']);
      expect(f.current().version).toBe('2.0.0');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('tries a notice again when it comes again after its model file failed to download (uploaded last)', async () => {
    const f = await startUpdater();
    try {
      await f.release('v2', '2.0.0', 1);
      const model = join(f.releases.root, 'v2', 'model.int8.onnx');
      await rename(model, `${model}.uploading`);
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download']);
      expect(f.events[0].reason).toMatch(
        /^download: release http:\/\/127\.0\.0\.1:\d+\/v2\/ is incomplete: model\.int8\.onnx: GET http:\/\/127\.0\.0\.1:\d+\/v2\/model\.int8\.onnx answered 404$/,
      );
      await rename(`${model}.uploading`, model);
      f.notice('2.0.0', 'v2');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download', '2.0.0:applied']);
    } finally {
      await f.close();
    }
  }, 60_000);

  it("reports a refusal without a release URL's credentials or query values, keeping its path", async () => {
    const f = await startUpdater();
    try {
      const url = f.releases.url.replace('http://', 'http://fleet:hunter2@');
      f.updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version: '2.0.0', url: `${url}/v2/?sig=tok3n` }),
        'mqtt lw/releases/pump-ae',
      );
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download']);
      const reason = f.events[0].reason!;
      expect(reason).not.toContain('hunter2');
      expect(reason).not.toContain('tok3n');
      expect(reason).toContain(`http://***@${f.releases.url.slice('http://'.length)}/v2/`);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('logs a refusal naming the release URL as its outcome does: its path kept, query values out', async () => {
    const log = logLines('info');
    const f = await startUpdater({ logger: log.logger });
    try {
      await tamperedRelease(f, 'bad', '2.0.0');
      f.updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version: '2.0.0', url: `${f.releases.url}/bad/?sig=tok3n` }),
        'mqtt lw/releases/pump-ae',
      );
      await f.updater.idle();
      const reason = f.events[0].reason!;
      expect(reason).toMatch(/^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/bad\/\?sig=\*\*\*/);
      const line = log.lines.find((l) => l.outcome === 'rejected')!;
      expect(line.msg).toBe(`asset pump-1: model pump-ae 2.0.0 rejected: ${reason}`);
      expect(line.reason).toBe(reason);
      expect(JSON.stringify(log.lines)).not.toContain('tok3n');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('names what a notice lacks by its key (not the JSON dump of a schema error)', async () => {
    const log = logLines('info');
    const f = await startUpdater({ logger: log.logger });
    try {
      f.updater.onNoticeText('{"model":"pump-ae","url":"https://releases.example/v2/"}', 'mqtt lw/releases/pump-ae');
      await f.updater.idle();
      expect(log.at(40)).toEqual([
        'release notice from mqtt lw/releases/pump-ae ignored: not a notice: version: Invalid input: expected string, received undefined',
      ]);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('names an unsigned release (no manifest.sig) by the file it lacks', async () => {
    const f = await startUpdater();
    try {
      await f.release('unsigned', '2.0.0', 1);
      await rm(join(f.releases.root, 'unsigned', 'manifest.sig'));
      f.notice('2.0.0', 'unsigned');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:download']);
      expect(f.events[0].reason).toMatch(
        /is incomplete: manifest\.sig: GET http:\/\/127\.0\.0\.1:\d+\/unsigned\/manifest\.sig answered 404 \(an unsigned release\? sign it with linewatch model sign --sequence N\)$/,
      );
    } finally {
      await f.close();
    }
  }, 60_000);

  it('does not download again a notice refused for good (a bad signature, a release not newer)', async () => {
    const f = await startUpdater();
    try {
      await tamperedRelease(f, 'bad', '2.0.0');
      await f.release('v3', '3.0.0', 3);
      await f.release('v1', '1.5.0', 1);
      for (const [version, folder] of [
        ['2.0.0', 'bad'],
        ['3.0.0', 'v3'],
        ['1.5.0', 'v1'],
      ])
        for (let i = 0; i < 3; i++) {
          f.notice(version, folder);
          await f.updater.idle();
        }
      expect(f.events.map(outcomeOf)).toEqual([
        '2.0.0:rejected:bad_signature',
        '3.0.0:applied',
        '1.5.0:rejected:not_newer',
      ]);
      const manifests = f.releases.requests.filter((p) => p.endsWith('/manifest.json'));
      expect(manifests).toEqual(['/bad/manifest.json', '/v3/manifest.json', '/v1/manifest.json']);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('looks again at a refused notice published anew a minute later (re-signed at the same URL), says why not before', async () => {
    const log = logLines('info');
    const f = await startUpdater({ logger: log.logger });
    const published = (version: string, folder: string) =>
      f.updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version, url: `${f.releases.url}/${folder}/` }),
        'mqtt linewatch/releases/pump-ae',
        true,
      );
    try {
      await f.release('v3', '3.0.0', 3);
      await f.release('v15', '1.5.0', 1);
      published('3.0.0', 'v3');
      published('1.5.0', 'v15');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['3.0.0:applied', '1.5.0:rejected:not_newer']);
      const refusedAt = f.clock.now;
      await f.release('v15', '1.5.0', 4); // signed again, same URL; the same notice published again at once
      for (let i = 0; i < 3; i++) published('1.5.0', 'v15');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['3.0.0:applied', '1.5.0:rejected:not_newer']);
      const iso = (ms: number) => new Date(refusedAt + ms).toISOString();
      expect(log.at(30).filter((m) => m.includes('already handled'))).toEqual([
        `release notice for pump-ae 1.5.0 already handled: rejected (not_newer) at ${iso(0)}; looked at again when ` +
          `published anew after ${iso(60_000)}, or delivered again (a reconnect, a poll) after ${iso(900_000)}; ` +
          'publish it under a new URL or version to retry now',
      ]);
      f.clock.now += 60_000;
      f.notice('1.5.0', 'v15'); // a retained notice at a reconnect: not yet
      await f.updater.idle();
      expect(f.events).toHaveLength(2);
      published('1.5.0', 'v15');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['3.0.0:applied', '1.5.0:rejected:not_newer', '1.5.0:applied']);
      expect(f.current().version).toBe('1.5.0');
      expect(f.releases.requests.filter((p) => p === '/v15/manifest.json')).toHaveLength(2);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('looks again at a refused notice delivered again (a retained one, a poll) 15 minutes later, no sooner', async () => {
    const f = await startUpdater();
    try {
      await tamperedRelease(f, 'bad', '2.0.0');
      f.notice('2.0.0', 'bad');
      await f.updater.idle();
      f.clock.now += 15 * 60_000 - 1;
      f.notice('2.0.0', 'bad');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:bad_signature']);
      f.clock.now += 1;
      f.notice('2.0.0', 'bad');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:bad_signature', '2.0.0:rejected:bad_signature']);
      expect(f.releases.requests.filter((p) => p.endsWith('/manifest.json'))).toEqual([
        '/bad/manifest.json',
        '/bad/manifest.json',
      ]);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('remembers nothing of a notice for a model no asset runs, and says once why it passed it over', async () => {
    const asked: string[] = [];
    const log = logLines('info');
    const f = await startUpdater({ host: (host) => recordingAsks(host, asked), logger: log.logger });
    try {
      const notice = JSON.stringify({ model: 'press-ae', version: '2.0.0', url: `${f.releases.url}/press/` });
      for (let i = 0; i < 3; i++) {
        f.updater.onNoticeText(notice, 'mqtt linewatch/releases/press-ae');
        await f.updater.idle();
      }
      expect(asked).toEqual(['press-ae', 'press-ae', 'press-ae']);
      expect(f.releases.requests).toEqual([]);
      // The version pump-1 runs already: passed over too, said once.
      const same = JSON.stringify({ model: 'pump-ae', version: '1.0.0+seed7', url: `${f.releases.url}/same/` });
      for (let i = 0; i < 2; i++) f.updater.onNoticeText(same, 'mqtt linewatch/releases/pump-ae');
      await f.updater.idle();
      expect(log.at(30).filter((m) => m.includes('passed over'))).toEqual([
        "release notice for press-ae 2.0.0 passed over: no asset here runs a model named press-ae (a release carries, in its manifest's name, the name of the model it replaces)",
        'asset pump-1: release notice for pump-ae 1.0.0+seed7 passed over: the asset runs that version already (a release that replaces it carries another version in its manifest)',
      ]);
    } finally {
      await f.close();
    }
  }, 60_000);

  it(`remembers the ${MAX_REMEMBERED_NOTICES} notices delivered last, no more`, async () => {
    const asked: string[] = [];
    const f = await startUpdater({ host: (host) => recordingAsks(host, asked) });
    // Notices of the version pump-1 runs already, each at its own URL: settled without a download.
    const notice = (i: number) =>
      f.updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version: '1.0.0+seed7', url: `${f.releases.url}/n${i}/` }),
        'mqtt linewatch/releases/pump-ae',
      );
    try {
      // In turns, each of fewer than may wait at once (notice-backlog.ts).
      for (let i = 0; i <= MAX_REMEMBERED_NOTICES; i++) {
        notice(i);
        if (i % (MAX_WAITING_NOTICES / 2) === 0) await f.updater.idle();
      }
      await f.updater.idle();
      expect(asked.length).toBe(MAX_REMEMBERED_NOTICES + 1);
      notice(MAX_REMEMBERED_NOTICES); // the last delivered: remembered
      await f.updater.idle();
      expect(asked.length).toBe(MAX_REMEMBERED_NOTICES + 1);
      notice(0); // the first: pushed out by the others, handled again
      await f.updater.idle();
      expect(asked.length).toBe(MAX_REMEMBERED_NOTICES + 2);
      expect(f.releases.requests).toEqual([]);
    } finally {
      await f.close();
    }
  }, 60_000);
});
