/**
 * A gateway stopped while a release downloads (the walk of 2026-12-07: SIGTERM while a release server sent the model
 * file slowly): the stop waited for the whole download (up to its minute), then put the release on probation as the
 * gateway stopped ("applied" after "signal received: stopping"). Now the download is abandoned at once, nothing is
 * applied or reported; the notice is not remembered, so it is handled when it comes again (a retained one at the next
 * start).
 */
import { EventEmitter, once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/log-lines.js';
import { startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the updater stopped while a release downloads', () => {
  it('abandons the download at once, and applies and reports nothing', async () => {
    const log = logLines('info');
    const asked = new EventEmitter();
    // The model file: its headers and a first chunk, then nothing (a server sending slowly).
    const f: UpdaterFixture = await startUpdater({
      logger: log.logger,
      routes: {
        '/slow/model.int8.onnx': (res) => {
          res.writeHead(200, { 'content-length': 100_000 });
          res.write(Buffer.alloc(512));
          asked.emit('model');
        },
      },
    });
    cleanups.push(() => f.close());
    await f.release('slow', '2.0.0', 1);
    const modelAsked = once(asked, 'model');
    f.notice('2.0.0', 'slow');
    await modelAsked;
    await f.updater.stop();
    const said = await log.next(/download abandoned/);
    expect(said.msg).toBe(
      'release pump-ae 2.0.0: download abandoned, the gateway is stopping; handled again when its notice comes again ' +
        '(a retained one at the next start)',
    );
    expect(f.events).toEqual([]);
    expect(f.current().version).toBe('1.0.0+seed7');
  }, 20_000); // under the download's own minute: a stop that waited for it fails here
});
