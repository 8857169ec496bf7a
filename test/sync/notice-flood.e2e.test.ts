/**
 * Release notices from whoever may publish on `<prefix>/releases/+` (the threat model's attacker on the broker), over a
 * real mosquitto, to an updater running pump-ae beside a real release server: a notice's fields are bounded before
 * anything is fetched or reported (regression: a 20,000-character version went into a rejected outcome queued for the
 * cloud, InfluxDB and the local store, and into the log); and the notices waiting to be handled are bounded
 * (regression: behind a release server that does not answer, every notice published meanwhile waited in memory).
 */
import mqtt from 'mqtt';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WAITING_NOTICES } from '../../src/sync/notice-backlog.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { createLogger, type Logger } from '../../src/telemetry/logger.js';
import { logLines, type LogLines } from '../helpers/log-lines.js';
import { startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * An updater whose notices come from a real mosquitto, and a client publishing on its releases topic; resolves once
 * the updater has handled a first notice (retained before it started: its subscription stands).
 */
async function brokeredUpdater(logger?: Logger): Promise<{
  f: UpdaterFixture;
  publish: (notice: unknown) => Promise<void>;
  log: LogLines;
}> {
  const broker = await startMosquitto();
  cleanups.push(() => broker.stop());
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  const first = { model: 'pump-ae', version: '2.0.0', url: 'http://127.0.0.1:9/v2/' }; // nothing listens: refused
  await client.publishAsync('linewatch/releases/pump-ae', JSON.stringify(first), { qos: 1, retain: true });
  const log = logLines('info');
  const f = await startUpdater({
    config: () => ({ mqtt: true }),
    mqtt: mqttSyncSchema.parse({ url: broker.url }),
    logger: logger ?? log.logger,
  });
  cleanups.push(() => f.close());
  if (f.events.length === 0) await f.nextEvent();
  const publish = async (notice: unknown) => {
    await client.publishAsync('linewatch/releases/pump-ae', JSON.stringify(notice), { qos: 1 });
  };
  return { f, publish, log };
}

describe('release notices from the broker are bounded', () => {
  it('refuses a notice whose version or model is longer than a release can name, before fetching or reporting', async () => {
    const { f, publish, log } = await brokeredUpdater();
    const long = 'v'.repeat(20_000);
    await publish({ model: 'pump-ae', version: long, url: `${f.releases.url}/long/` });
    await publish({ model: long, version: '2.0.1', url: `${f.releases.url}/long-model/` });
    await publish({ model: 'pump-ae', version: '2.0.2', url: `${f.releases.url}/${'p'.repeat(5000)}/` });
    await publish({ model: 'pump-ae', version: '2.0.3', url: `${f.releases.url}/v203/` }); // a last one, as a marker
    await f.nextEvent();
    await f.updater.idle();
    expect(f.events.map((e) => e.version)).toEqual(['2.0.0', '2.0.3']);
    expect(f.releases.requests).toEqual(['/v203/manifest.json']);
    const refused = log.at(40).filter((m) => m.startsWith('release notice from mqtt linewatch/releases/pump-ae'));
    expect(refused).toEqual([
      'release notice from mqtt linewatch/releases/pump-ae ignored: not a notice: version: at most 128 characters (a release version names a folder)',
      'release notice from mqtt linewatch/releases/pump-ae ignored: not a notice: model: at most 256 characters',
      'release notice from mqtt linewatch/releases/pump-ae ignored: not a notice: url: at most 2048 characters',
    ]);
    expect(Math.max(...log.lines.map((l) => JSON.stringify(l).length))).toBeLessThan(2000);
  }, 60_000);

  it(`lets at most ${MAX_WAITING_NOTICES} notices wait behind a release server that does not answer`, async () => {
    const held: ServerResponse[] = [];
    let asked!: () => void;
    const hanging = new Promise<void>((r) => (asked = r));
    const log = logLines('info');
    const f = await startUpdater({
      logger: log.logger,
      routes: {
        '/slow/manifest.json': (res) => {
          held.push(res);
          asked();
        },
      },
    });
    cleanups.push(() => f.close());
    cleanups.push(async () => held.forEach((res) => res.destroy())); // before the close, which waits for it
    const deliver = (version: string, folder: string) =>
      f.updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version, url: `${f.releases.url}/${folder}/` }),
        'mqtt linewatch/releases/pump-ae',
      );
    deliver('2.0.0', 'slow');
    await hanging;
    const flood = MAX_WAITING_NOTICES + 40;
    for (let i = 0; i < flood; i++) deliver(`3.0.${i}`, `v3-${i}`);
    const warned = log.at(40).filter((m) => m.startsWith('release notices:'));
    expect(warned).toEqual([
      `release notices: ${MAX_WAITING_NOTICES} are waiting to be handled (a release server slow to answer, or a ` +
        `flood of notices): the notice for pump-ae 3.0.${MAX_WAITING_NOTICES - 1} from mqtt ` +
        'linewatch/releases/pump-ae is passed over, and so is each one more until fewer wait; one delivered again ' +
        'later is handled',
    ]);
    held[0].writeHead(404).end();
    await f.updater.idle();
    // The one held, then the notices that waited behind it: none of the others was fetched.
    expect(f.releases.requests.length).toBe(MAX_WAITING_NOTICES);
    expect(f.releases.requests.at(-1)).toBe(`/v3-${MAX_WAITING_NOTICES - 2}/manifest.json`);
    expect(log.at(30).filter((m) => m.startsWith('release notices:'))).toEqual([
      `release notices: ${flood - MAX_WAITING_NOTICES + 1} passed over while ${MAX_WAITING_NOTICES} waited; none waits now`,
    ]);
    // Not remembered: delivered again, it is handled.
    deliver(`3.0.${flood - 1}`, `v3-${flood - 1}`);
    await f.updater.idle();
    expect(f.releases.requests.at(-1)).toBe(`/v3-${flood - 1}/manifest.json`);
  }, 60_000);

  it("writes a notice's control characters to a terminal as text, never as an escape sequence it obeys", async () => {
    const lines: string[] = [];
    const terminal = { isTTY: true, write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
    const { f, publish } = await brokeredUpdater(createLogger('info', terminal, { env: { NO_COLOR: '1' } }));
    // OSC 52 writes the terminal's clipboard (what the operator pastes next), CSI 2J clears the screen, C1 CSI too.
    const model = 'x\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J\u009b2J\r\nFAKE';
    await publish({ model, version: '2.0.0', url: `${f.releases.url}/x/` });
    await publish({ model: 'pump-ae', version: '2.0.1', url: `${f.releases.url}/v201/` }); // a marker
    await f.nextEvent();
    // On pump-ae's topic, refused as on another model's topic (wrong_topic), naming the model the notice gives.
    const said = lines.find((l) => l.includes('refused: wrong_topic'));
    expect(said).toContain(
      String.raw`release notice for x\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J\u009b2J\r\nFAKE 2.0.0 refused`,
    );
    // Nothing a terminal obeys: no control character but each line's own end.
    expect(lines.filter((l) => [...l.slice(0, -1)].some((c) => c < ' ' || (c >= '\u007f' && c <= '\u009f')))).toEqual(
      [],
    );
  }, 60_000);
});
