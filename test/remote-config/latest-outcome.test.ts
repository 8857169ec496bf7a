/**
 * The latest remote configuration outcome on disk (latest-outcome.ts): a newer outcome is never marked published by the
 * acknowledgement of an older one, a restart reads back what was not published, an overlong reason is kept cut, and a
 * file that cannot be used is said, naming it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LatestOutcome, OUTCOME_FILE, readLatestOutcome } from '../../src/remote-config/latest-outcome.js';

let dir: string;
const quiet = () =>
  new LatestOutcome(
    dir,
    (why) => expect.fail(why),
    (why) => expect.fail(why),
  );

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'lw-config-outcome-')), 'remote-config');
});

describe('the latest remote configuration outcome', () => {
  it('is not marked published by the acknowledgement of the one before it, and a restart reads it back', async () => {
    const latest = quiet();
    const applied = { outcome: 'applied', sequence: 2, ts: 1 } as const;
    const rolledBack = { outcome: 'rolled_back', sequence: 2, code: 'probation_failed', reason: 'plc', ts: 2 } as const;
    void latest.keep(applied);
    void latest.keep(rolledBack);
    await latest.published(applied); // the older one's PUBACK, after the newer one came
    await latest.written();
    expect(readLatestOutcome(dir)).toEqual({ value: { outcome: rolledBack, published: false } });
    const restarted = quiet();
    expect([restarted.current, restarted.pending]).toEqual([rolledBack, true]);
    await restarted.published(restarted.current!);
    expect(readLatestOutcome(dir)).toEqual({ value: { outcome: rolledBack, published: true } });
    expect(quiet().pending).toBe(false);
  });

  it('keeps an overlong reason cut, so that a restart can read it back', async () => {
    const latest = quiet();
    await latest.keep({ outcome: 'refused', code: 'invalid_config', reason: 'x'.repeat(100_000), ts: 1 });
    expect(latest.current!.reason).toBe(`${'x'.repeat(16 * 1024)}…`);
    expect(quiet().current).toEqual(latest.current);
  });

  it('says why a file it cannot use is not read, naming it', async () => {
    const latest = quiet();
    await latest.keep({ outcome: 'applied', sequence: 2, ts: 1 });
    await writeFile(join(dir, OUTCOME_FILE), '{"outcome": {"outcome": "applied", "ts": 1}, "published": "yes"}');
    const said: string[] = [];
    const read = new LatestOutcome(
      dir,
      (why) => expect.fail(why),
      (why) => said.push(why),
    );
    expect(read.current).toBeUndefined();
    expect(said).toEqual([`${join(dir, OUTCOME_FILE)}: published: Invalid input: expected boolean, received string`]);
  });
});
