/**
 * Release notices by HTTPS polling (here plain HTTP on loopback): a notice found by the poll is
 * applied; the poll follows no redirect and reads at most max_manifest_bytes, as release
 * downloads do.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { outcomeOf, startUpdater } from '../helpers/updater-fixture.js';

/** A logger whose warnings the test awaits (URLs in them lose their path: src/core/redact.ts). */
function warnings(): { logger: ReturnType<typeof createLogger>; next: Promise<string> } {
  let warned!: (msg: string) => void;
  const next = new Promise<string>((resolve) => (warned = resolve));
  const logger = createLogger('warn', {
    write: (line: string) => warned((JSON.parse(line) as { msg: string }).msg),
  } as unknown as NodeJS.WritableStream);
  return { logger, next };
}

const noticeOf = (url: string) => JSON.stringify({ model: 'pump-ae', version: '2.0.0', url: `${url}/v2/` });

describe('model updates by polling', () => {
  it('finds the notice at poll_url, downloads, verifies and swaps the release in', async () => {
    const f = await startUpdater({
      config: (url) => ({ poll_url: `${url}/notice.json`, poll_interval_s: 3600 }),
      start: false,
    });
    try {
      await f.release('v2', '2.0.0', 1);
      await writeFile(join(f.releases.root, 'notice.json'), noticeOf(f.releases.url));
      const reported = f.nextEvent();
      await f.updater.start(); // polls at once
      await reported;
      await f.updater.idle();
      expect(f.events[0]).toMatchObject({
        asset: 'pump-1',
        outcome: 'applied',
        version: '2.0.0',
        previousVersion: '1.0.0+seed7',
      });
      expect(f.current().version).toBe('2.0.0');
    } finally {
      await f.close();
    }
    expect(f.pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  }, 60_000);

  it('does not follow a redirect from poll_url', async () => {
    const { logger, next } = warnings();
    const f = await startUpdater({
      logger,
      config: (url) => ({ poll_url: `${url}/moved.json`, poll_interval_s: 3600 }),
      routes: { '/moved.json': (res) => res.writeHead(302, { location: '/notice.json' }).end() },
    });
    try {
      expect(await next).toMatch(
        /^release notices: http:\/\/127\.0\.0\.1:\d+\/\*\*\*: GET http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered 302 \(a redirect\): refused, redirects are not followed$/,
      );
      await f.updater.idle();
      expect(f.releases.requests).toEqual(['/moved.json']);
      expect(f.events.map(outcomeOf)).toEqual([]);
    } finally {
      await f.close();
    }
  }, 60_000);

  it('reads at most max_manifest_bytes of the notice document', async () => {
    const { logger, next } = warnings();
    const f = await startUpdater({
      logger,
      config: (url) => ({ poll_url: `${url}/big.json`, poll_interval_s: 3600, max_manifest_bytes: 4096 }),
      // A valid notice, padded to 64 kB.
      routes: { '/big.json': (res) => res.end(`[${noticeOf(f.releases.url)}${' '.repeat(65_536)}]`) },
    });
    try {
      expect(await next).toMatch(
        /^release notices: http:\/\/127\.0\.0\.1:\d+\/\*\*\*: GET http:\/\/127\.0\.0\.1:\d+\/\*\*\*: the notice document of \d+ bytes is over the 4096-byte limit \(cloud\.model_updates\.max_manifest_bytes\)$/,
      );
      await f.updater.idle();
      expect(f.releases.requests).toEqual(['/big.json']);
      expect(f.events.map(outcomeOf)).toEqual([]);
    } finally {
      await f.close();
    }
  }, 60_000);
});
