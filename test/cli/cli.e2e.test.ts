/** The commands a user types: the demo end to end, and the daemon's graceful stop on SIGTERM. */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

describe('linewatch demo', () => {
  it('detects the injected fault with the shipped int8 hybrid model and prints a JSON summary last', async () => {
    // The pump's first 32-row window (6.4 s at 200 ms) is scored at about 6.3 s: a few normal ones before the fault.
    const res = await runCli(
      ['demo', '--duration-s', '30', '--fault-at-s', '10', '--fault', 'valve_closure', '--http-port', '0'],
      {},
      90_000,
    );
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary.alarms_raised).toBeGreaterThanOrEqual(1);
    expect(summary.first_alarm_s).toBeGreaterThan(10);
    expect(summary.first_alarm_s).toBeLessThan(24);
    expect(summary.windows_scored).toBeGreaterThan(15);
    expect(summary.max_score['pump-1']).toBeGreaterThan(summary.threshold['pump-1']);
    // The summary's figures as the score lines print them: three decimals.
    expect(res.stdout).toContain(` / ${summary.threshold['pump-1'].toFixed(3)} `);
    expect(summary.threshold['pump-1']).toBe(Number(summary.threshold['pump-1'].toFixed(3)));
    expect(summary.top_channels).toContain('flow');
    // Before the fault, every window was normal.
    const beforeFault = lines.filter((l) => /^\s+[0-9]\.\ds pump-1 score/.test(l));
    expect(beforeFault.length).toBeGreaterThan(0);
    expect(beforeFault.every((l) => l.includes('normal'))).toBe(true);
    expect(res.stdout).toMatch(
      /ALARM RAISED \(high\)  pump-1: anomaly score [\d.]+ above threshold [\d.]+ for 1000 ms; top contributors: /,
    );
    // Printed once, on the console: the log (stderr) does not repeat it.
    expect(res.stderr).not.toContain('above threshold');
  }, 90_000);
});

describe('linewatch run', () => {
  it('stops on SIGTERM with exit code 0, having flushed what it scored to the local store', async () => {
    const sim = await runSimulator({ modbusPort: 0, seed: 11 });
    const dir = await mkdtemp(join(tmpdir(), 'lw-run-'));
    const text = (await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'))
      .replaceAll('model: ../models/', `model: ${join(ROOT, 'models')}/`)
      .replace('path: ../data/demo.db', 'path: store.db')
      .replace('level: info', 'level: debug');
    await writeFile(join(dir, 'gw.yaml'), text);
    const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'gw.yaml')], {
      env: { ...process.env, LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort), LINEWATCH_HTTP_PORT: '0' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const messages: string[] = [];
    let scored = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = JSON.parse(line) as { msg: string; windows?: number };
      messages.push(entry.msg);
      if (entry.msg === 'windows scored') scored += entry.windows ?? 0;
      if (scored >= 2) break;
    }
    child.kill('SIGTERM');
    const code = await exited;
    await sim.close();
    expect(code).toBe(0);
    expect(messages).toContain('gateway running');
    const db = new Database(join(dir, 'store.db'), { readonly: true });
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM scores').get() as { n: number };
    db.close();
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('demo: a Ctrl-C (SIGINT) ends it at once with its summary, not when --duration-s would have', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--duration-s', '600', '--http-port', '0']);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (/ pump-1 score /.test(line)) break;
    }
    const rest: string[] = [];
    child.stdout.on('data', (d: Buffer) => rest.push(d.toString()));
    child.kill('SIGINT');
    // Before the fix the process lived on until the 600 s timer fired; the test's own timeout (60 s) fails it then.
    expect(await exited).toBe(0);
    // Its third line says how long it runs, how to stop it, and what to do after it.
    expect(lines[2]).toBe(
      'runs 600 s (Ctrl-C stops it sooner), then prints a one-line JSON summary; your own PLC next: linewatch init (docs/config-guide.md)',
    );
    const summary = JSON.parse(rest.join('').trim().split('\n').at(-1)!);
    expect(summary.windows_scored).toBeGreaterThan(0);
    expect(summary.duration_s).toBeLessThan(600);
  }, 60_000);

  it('refuses to start on a bad config: non-zero exit, the problem named, nothing started', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-bad-'));
    await writeFile(join(dir, 'gw.yaml'), 'sources: []\nassets: 3\n');
    const res = await runCli(['run', '--config', join(dir, 'gw.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('sources: Too small: expected array to have >=1 items');
    expect(res.stderr).toContain('assets: Invalid input: expected array, received number');
  });
});
