/**
 * (Used by the test suite and the benchmarks.) Starts Debian's mosquitto on 127.0.0.1 on a free
 * port, anonymous (or with one user: `user`), persistent sessions in a temp folder (so a consumer's queued QoS 1
 * messages survive a broker restart, as on a production broker; no cap on a session's queue, as an
 * ingest broker behind a fleet would be set up). Fails loudly when it is not installed: run
 * scripts/install-test-deps.sh. `pause`/`resume` stop and restart it on the same port.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../core/free-port.js';
import { serverProcess } from './server-process.js';

const BINARY =
  process.env.MOSQUITTO_BIN ??
  ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ??
  '/usr/sbin/mosquitto';

/** mosquitto_passwd, which writes the password file of a broker with a user. */
const PASSWD_BINARY =
  ['/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd'].find((p) => existsSync(p)) ?? 'mosquitto_passwd';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  /** The broker's process id (for CPU measurements). */
  readonly pid: number | undefined;
  /** With `tls`: mqtts:// URL of the TLS listener (client certificate required) and the PEM files. */
  readonly tls?: {
    readonly url: string;
    readonly caFile: string;
    readonly clientCert: string;
    readonly clientKey: string;
  };
  /**
   * With `connectionLog`: the MQTT protocol level each client connected with (4: 3.1.1, 5: MQTT 5), by client id, in
   * order, as the broker logged it (written before its CONNACK, so complete for every client it accepted).
   */
  connectedLevels(): Promise<{ readonly clientId: string; readonly level: number }[]>;
  /** With `user`: adds a login to its password file and has it reload (SIGHUP), as an operator adds a user. */
  addUser(name: string, password: string): void;
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

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

/**
 * A self-signed test CA made with openssl (the v3_ca extensions of openssl's configuration, or `extensions` of
 * `config`: CA, key identifiers): `<dir>/<name>.pem` and its key `<dir>/<name>.key`. Also the wrong CA of a test: one
 * that did not sign the broker's certificate. A process that loaded node-opcua needs `config`: node-opcua-pki sets
 * process.env.OPENSSL_CONF (in the tests to the file name `undefined`).
 */
export function makeTestCa(
  dir: string,
  name = 'ca',
  options: { subject?: string; days?: number; config?: { file: string; extensions: string } } = {},
): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const subject = options.subject ?? `/CN=linewatch test ${name}`;
  const config = options.config ? ['-config', options.config.file, '-extensions', options.config.extensions] : [];
  openssl([
    'req',
    '-x509',
    ...config,
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    String(options.days ?? 2),
    '-subj',
    subject,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCertificates(dir: string): {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
} {
  const f = (n: string) => join(dir, n);
  makeTestCa(dir);
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'gateway-test'],
  ]) {
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
    ]);
    writeFileSync(
      f(`${name}.ext`),
      name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n',
    );
    openssl([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`),
      '-out',
      f(`${name}.pem`),
    ]);
  }
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}

export async function startMosquitto(
  options: {
    tls?: boolean;
    /** A login every client must give (no anonymous clients), made with mosquitto_passwd. */
    user?: { readonly name: string; readonly password: string };
    /** Log each client's connection to a file, for connectedLevels. */
    connectionLog?: boolean;
    /** mosquitto's max_packet_size: a client that sends a larger packet is disconnected (after its CONNACK). */
    maxPacketBytes?: number;
    /** An acl_file's text (`user` and `topic read|write|readwrite` lines): what each login may publish and read. */
    acl?: string;
  } = {},
): Promise<Mosquitto> {
  if (!existsSync(BINARY))
    throw new Error(
      `${BINARY} not found: the MQTT tests need Debian's mosquitto package (bash scripts/install-test-deps.sh)`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'linewatch-mosquitto-'));
  const port = await freePort();
  // Started as root, mosquitto drops to its own user, which cannot read our temp folder (and then
  // silently keeps no persistent sessions): stay root for these test brokers.
  let conf = `${process.getuid?.() === 0 ? 'user root\n' : ''}per_listener_settings false\nallow_anonymous ${!options.user}\npersistence true\npersistence_location ${dir}/\nautosave_interval 1\nmax_queued_messages 0\nlog_dest stderr\nlog_type error\nlistener ${port} 127.0.0.1\n`;
  const log = join(dir, 'connections.log');
  if (options.connectionLog) conf += `log_dest file ${log}\nlog_type notice\n`;
  if (options.maxPacketBytes !== undefined) conf += `max_packet_size ${options.maxPacketBytes}\n`;
  if (options.acl !== undefined) {
    await writeFile(join(dir, 'acl'), options.acl);
    conf += `acl_file ${join(dir, 'acl')}\n`;
  }
  if (options.user) {
    const file = join(dir, 'passwd');
    execFileSync(PASSWD_BINARY, ['-c', '-b', file, options.user.name, options.user.password]);
    conf += `password_file ${file}\n`;
  }
  let tls: Mosquitto['tls'];
  if (options.tls) {
    const certs = makeCertificates(dir);
    const tlsPort = await freePort();
    conf += `listener ${tlsPort} 127.0.0.1\ncafile ${certs.ca}\ncertfile ${certs.serverCert}\nkeyfile ${certs.serverKey}\nrequire_certificate true\n`;
    tls = {
      url: `mqtts://127.0.0.1:${tlsPort}`,
      caFile: certs.ca,
      clientCert: certs.clientCert,
      clientKey: certs.clientKey,
    };
  }
  await writeFile(join(dir, 'mosquitto.conf'), conf);
  const server = serverProcess('mosquitto', BINARY, ['-c', join(dir, 'mosquitto.conf')], () => listening(port), 10_000);
  const launch = () => server.start();
  const halt = () => server.stop();
  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get pid() {
      return server.pid;
    },
    ...(tls ? { tls } : {}),
    async connectedLevels() {
      if (!options.connectionLog)
        throw new Error('mosquitto: connectedLevels needs a broker started with connectionLog');
      // mosquitto's words: "New client connected from 127.0.0.1:5 as id (p5, c1, k60)."; p2 is 3.1.1, level 4.
      const lines = (await readFile(log, 'utf8')).matchAll(/ New client connected from \S+ as (\S+) \(p(\d+),/g);
      return [...lines].map(([, clientId, p]) => ({ clientId: clientId!, level: p === '2' ? 4 : Number(p) }));
    },
    addUser(name, password) {
      if (!options.user) throw new Error('mosquitto: addUser needs a broker started with a user (a password file)');
      execFileSync(PASSWD_BINARY, ['-b', join(dir, 'passwd'), name, password]);
      process.kill(server.pid!, 'SIGHUP');
    },
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
