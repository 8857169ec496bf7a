/**
 * Where a gateway fetches releases from: with cloud.model_updates.release_url_prefixes, a notice
 * naming any other address (another host, a folder beside the allowed one, a `..` that climbs out
 * of it, a scheme other than http/https) is refused before a single request is made, so a notice
 * cannot make the gateway probe its network. Real signed releases over a real HTTP server.
 */
import { describe, expect, it } from 'vitest';
import { modelUpdatesSchema } from '../../src/config/schema.js';
import { outcomeOf, startUpdater } from '../helpers/updater-fixture.js';

describe('release_url_prefixes', () => {
  it('refuses a notice whose release lies outside the prefixes, asking the server nothing; applies one inside', async () => {
    const f = await startUpdater({ config: (url) => ({ release_url_prefixes: [`${url}/approved/`] }) });
    try {
      await f.release('beside', '2.0.0', 2);
      await f.release('approved/v3', '3.0.0', 3);
      const deliver = (version: string, url: string) =>
        f.updater.onNoticeText(JSON.stringify({ model: 'pump-ae', version, url }), 'mqtt linewatch/releases/pump-ae');
      deliver('2.0.0', `${f.releases.url}/beside/`);
      deliver('2.0.1', `${f.releases.url}/approved/../beside/`);
      deliver('2.0.2', 'http://169.254.169.254/latest/meta-data/');
      deliver('2.0.3', 'file:///etc/');
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual([
        '2.0.0:rejected:url_not_allowed',
        '2.0.1:rejected:url_not_allowed',
        '2.0.2:rejected:url_not_allowed',
        '2.0.3:rejected:url_not_allowed',
      ]);
      expect(f.events[1].reason).toBe(
        `url_not_allowed: release ${f.releases.url}/beside/: not under cloud.model_updates.release_url_prefixes (${f.releases.url}/approved/)`,
      );
      expect(f.events[3].reason).toBe('url_not_allowed: release file:///etc/: only http and https URLs are fetched');
      expect(f.releases.requests).toEqual([]);
      expect(f.current().version).toBe('1.0.0+seed7');

      deliver('3.0.0', `${f.releases.url}/approved/v3/`);
      await f.updater.idle();
      expect(f.events.map(outcomeOf).at(-1)).toBe('3.0.0:applied');
      expect(f.current().version).toBe('3.0.0');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('refuses a release URL that climbs out of its prefix through an encoded slash, which a file server decodes', async () => {
    const f = await startUpdater({ config: (url) => ({ release_url_prefixes: [`${url}/approved/`] }) });
    try {
      // Signed with the gateway's key, but not where the prefixes allow (the release server, like nginx, decodes the
      // path before it resolves `..`).
      await f.release('beside', '2.0.0', 2);
      const deliver = (version: string, url: string) =>
        f.updater.onNoticeText(JSON.stringify({ model: 'pump-ae', version, url }), 'mqtt linewatch/releases/pump-ae');
      deliver('2.0.0', `${f.releases.url}/approved/..%2Fbeside/`);
      deliver('2.0.0', `${f.releases.url}/approved/..%5cbeside/`);
      await f.updater.idle();
      expect(f.events.map(outcomeOf)).toEqual(['2.0.0:rejected:url_not_allowed', '2.0.0:rejected:url_not_allowed']);
      expect(f.events[0].reason).toBe(
        `url_not_allowed: release ${f.releases.url}/approved/..%2Fbeside/: its path holds an encoded slash or ` +
          'backslash (%2F, %5C), which a server may decode into another folder',
      );
      expect(f.releases.requests).toEqual([]);
      expect(f.current().version).toBe('1.0.0+seed7');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('takes only http(s) prefixes that end with a slash', () => {
    const issues = (prefixes: unknown) =>
      modelUpdatesSchema
        .safeParse({ public_key_file: 'k.pem', release_url_prefixes: prefixes })
        .error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues(['https://releases.example.com/linewatch'])).toEqual([
      ['release_url_prefixes.0', 'end the prefix with / (https://host/linewatch would also allow /linewatch-evil)'],
    ]);
    expect(issues(['ftp://releases.example.com/linewatch/'])?.[0][0]).toBe('release_url_prefixes.0');
    expect(issues([])?.[0][0]).toBe('release_url_prefixes');
    expect(issues(['https://releases.example.com/linewatch/'])).toBeUndefined();
  });
});
