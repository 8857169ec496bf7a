/**
 * An operator's command the API answered 200 survives a crash right after: `linewatch run` (a child process) restores
 * pump-1's alarm as rtn_unack from its journal, op3 acknowledges it over HTTP, and the process is killed with SIGKILL
 * the moment the answer arrives (no flush, no shutdown). The journal then holds the acknowledgement, with who and why,
 * and the alarm a restart restores is normal (the walk's finding: the row waited up to a second in memory and was lost,
 * the alarm came back as rtn_unack with its stack light on).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { journalLeftUnacknowledged, openStore } from '../helpers/journal-left.js';

const TOKEN = 'operator-token-0123456789';

/** config/demo.yaml with its store, data and models where this test wants them. */
async function demoConfig(dir: string, storePath: string): Promise<string> {
  const text = (await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'))
    .replace('data_dir: ../data', `data_dir: ${join(dir, 'data')}`)
    .replace('path: ../data/demo.db', `path: ${storePath}`)
    .replaceAll('model: ../models/', `model: ${join(ROOT, 'models')}/`);
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, text);
  return file;
}

describe('an acknowledgement answered 200', () => {
  it('is in the journal when the gateway is killed right after the answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-ack-durable-'));
    const storePath = join(dir, 'store.db');
    await journalLeftUnacknowledged(storePath);
    const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
    const child = spawn(process.execPath, [BIN, 'run', '--config', await demoConfig(dir, storePath)], {
      env: {
        ...process.env,
        LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
        LINEWATCH_HTTP_PORT: '0',
        LINEWATCH_API_TOKEN: TOKEN,
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    try {
      let url: string | undefined;
      let restored = '';
      for await (const line of createInterface({ input: child.stdout })) {
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (/alarm restored as/.test(entry.msg)) restored = entry.msg;
        url = entry.url; // the API's address, logged once it serves (after the restore)
        if (url) break;
      }
      expect(restored, stderr).toContain('pump-1: alarm restored as rtn_unack');
      const res = await fetch(`${url}/api/alarms/pump-1/anomaly/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'op3', comment: 'checked' }),
      });
      child.kill('SIGKILL');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ state: 'normal', previous: 'rtn_unack', by: 'op3' });
      expect(await exited).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
      await sim.close();
    }
    // What the next start restores, and the audit trail's row.
    const store = await openStore(storePath);
    try {
      expect(store.lastAlarmStates()).toMatchObject([{ asset: 'pump-1', alarm: 'anomaly', state: 'normal' }]);
    } finally {
      await store.close();
    }
    const db = new Database(storePath, { readonly: true });
    try {
      expect(
        db.prepare("SELECT state, command, by, comment FROM alarm_journal WHERE cause = 'operator'").all(),
      ).toEqual([{ state: 'normal', command: 'ack', by: 'op3', comment: 'checked' }]);
    } finally {
      db.close();
    }
  }, 90_000);
});
