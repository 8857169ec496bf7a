/**
 * TLS files named in a broker's settings (ca_file, cert_file, key_file) and an OPC UA source's certificate files are
 * read as hostile (regular-file.ts): a FIFO blocked the gateway's start and validate for ever; a link to /dev/zero read
 * until memory ran out (1.4 GB RSS after 20 s, adversarial review r1, s32). Each in a child process, since a blocked
 * read blocks its event loop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRefused, readRegularFileSync, regularFileErrorText } from '../../src/core/regular-file.js';
import { ROOT } from '../helpers/cli.js';

/** mqttClientOptions with `file` as ca_file, in a child process (a blocked read blocks its event loop): its output. */
function caFile(file: string): { status: number | null; out: string } {
  const script =
    `import('${join(ROOT, 'dist/core/mqtt-connection.js')}').then(({ mqttClientOptions }) => { try { ` +
    `mqttClientOptions({ url: 'mqtts://127.0.0.1:8883', ca_file: ${JSON.stringify(file)} }, { role: 'cloud sync', clientId: 'x' }); ` +
    `console.log('read'); } catch (e) { console.log(e.message); } })`;
  const r = spawnSync(process.execPath, ['-e', script], { timeout: 5_000, encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim() };
}

describe('an MQTT TLS file that is not a regular file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-mqtt-tls-'));
  it('a FIFO as ca_file is refused at once, naming it', () => {
    const fifo = join(dir, 'ca.pem');
    execFileSync('mkfifo', [fifo]);
    expect(caFile(fifo)).toEqual({ status: 0, out: `cloud sync: ca_file ${fifo} cannot be read (not a regular file)` });
  });
  it('a link to /dev/zero as ca_file is refused at once, naming it', () => {
    const zero = join(dir, 'zero.pem');
    symlinkSync('/dev/zero', zero);
    expect(caFile(zero)).toEqual({ status: 0, out: `cloud sync: ca_file ${zero} cannot be read (not a regular file)` });
  });
});

describe('readRegularFileSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-regular-file-'));

  it('reads a file up to its bound and refuses one byte more by its size, unread', () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'x'.repeat(64));
    expect(readRegularFileSync(file, 64).toString()).toBe('x'.repeat(64));
    expect(() => readRegularFileSync(file, 63)).toThrow(new FileRefused('too_large', '64 bytes, over 63'));
  });

  it('says a missing file in words', () => {
    const missing = join(dir, 'none.pem');
    let said = '';
    try {
      readRegularFileSync(missing, 10);
    } catch (err) {
      said = regularFileErrorText(err);
    }
    expect(said).toBe('no such file');
  });
});
