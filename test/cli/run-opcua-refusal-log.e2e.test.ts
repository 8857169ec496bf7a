/**
 * Regression: where the client refused an OPC UA server's message as over max_message_bytes, node-opcua printed its
 * own line for it on stderr at every refusal ("node-opcua: Error   client0 max message size exceeded: 65536 : total
 * message size 131072"), outside the gateway's JSON log, which said the same (once) in its own line. Now the refusal's
 * raw line is dropped, node-opcua's other lines go into the JSON log (`component: "node-opcua"`), and the source's own
 * line still names the cause. A real node-opcua server that ignores the bound (the client's HEL rewritten to
 * announce none) sends a 1 MiB value to `linewatch run`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { blobTankConfig, startBoundIgnoringBlobServer } from '../helpers/blob-opcua-server.js';
import { BIN } from '../helpers/cli.js';

interface Entry {
  level_name: string;
  msg: string;
  [field: string]: unknown;
}

describe('linewatch run: an OPC UA message refused at max_message_bytes', () => {
  it('is said in its JSON log, by the source, and nothing raw reaches stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-run-refusal-log-'));
    const server = await startBoundIgnoringBlobServer(1024 * 1024);
    const file = join(dir, 'gw.yaml');
    await writeFile(file, blobTankConfig(dir, server.endpoint));
    const child = spawn(process.execPath, [BIN, 'run', '--config', file], {
      env: { ...process.env, LINEWATCH_HTTP_PORT: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    const entries: Entry[] = [];
    try {
      // The subscription's response refused, then the blob's read alone (on a connection of its own), then the
      // subscription rebuilt without it: two refusals at least.
      for await (const line of createInterface({ input: child.stdout })) {
        entries.push(JSON.parse(line) as Entry);
        if (entries.some((e) => /: subscription rebuilt$/.test(e.msg))) break;
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
      await server.close();
    }
    // actual: "node-opcua: Error   client0 max message size exceeded: 65536 : total message size 131072", a line
    // per refusal.
    expect(stderr).toBe('');
    const refused = entries.filter((e) => e.msg.includes('max message size exceeded'));
    expect(refused.map((e) => [e.level_name, e.source, e.component])).toEqual([
      ['warn', 'tank', undefined],
      ['warn', 'tank', undefined],
    ]);
    expect(refused[0].msg).toMatch(
      /^device tank \(opc\.tcp:.*\): a message from the server over max_message_bytes \(65536 bytes\) was refused \(max message size exceeded: 65536 : total message size \d+\)/,
    );
    expect(refused[1].msg).toMatch(/\(channel blob\): its value is over max_message_bytes \(65536 bytes/);
  }, 60_000);
});
