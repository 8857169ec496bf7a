/**
 * A serial line for tests: a pair of pseudo-terminals joined by socat (Debian's socat package), bytes written to one
 * end read at the other, as two ends of an RS-485 line. `close()` ends socat: both ends vanish, as an adapter pulled.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The device's end (a simulator's RTU server opens it). */
  readonly device: string;
  /** The gateway's end. */
  readonly gateway: string;
  close(): void;
}

export async function ptyPair(): Promise<PtyPair> {
  if (!existsSync('/usr/bin/socat'))
    throw new Error(
      "/usr/bin/socat not found: the RTU test needs Debian's socat package (bash scripts/install-test-deps.sh)",
    );
  const dir = mkdtempSync(join(tmpdir(), 'lw-pty-'));
  const device = join(dir, 'sim');
  const gateway = join(dir, 'gw');
  const socat = spawn('/usr/bin/socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${gateway}`]);
  // socat creates both links once it runs: wait for them (there is no event to await).
  while (!existsSync(device) || !existsSync(gateway)) await new Promise((r) => setTimeout(r, 20));
  return { device, gateway, close: () => socat.kill() };
}
