/**
 * (Used by the test suite and the benchmarks.) Starts Debian's mosquitto on 127.0.0.1 on a free
 * port, anonymous, persistent sessions in a temp folder (so a consumer's queued QoS 1 messages
 * survive a broker restart, as on a production broker; no cap on a session's queue, as an
 * ingest broker behind a fleet would be set up). Fails loudly when it is not installed: run
 * scripts/install-test-deps.sh. `pause`/`resume` stop and restart it on the same port.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../runtime/free-port.js';
import { serverProcess } from './server-process.js';

const BINARY = process.env.MOSQUITTO_BIN ?? ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? '/usr/sbin/mosquitto';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startMosquitto(): Promise<Mosquitto> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: the MQTT tests need Debian's mosquitto package (bash scripts/install-test-deps.sh)`);
  const dir = await mkdtemp(join(tmpdir(), 'linewatch-mosquitto-'));
  const port = await freePort();
  await writeFile(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nautosave_interval 1\nmax_queued_messages 0\nlog_dest stderr\nlog_type error\n`);
  const server = serverProcess('mosquitto', BINARY, ['-c', join(dir, 'mosquitto.conf')], () => listening(port), 10_000);
  const launch = () => server.start();
  const halt = () => server.stop();
  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
