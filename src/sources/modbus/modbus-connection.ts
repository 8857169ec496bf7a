/**
 * The one connection of a Modbus source (TCP, RTU over a serial line, or RTU over TCP), shared by its devices: it
 * opens and drops the modbus-serial client, backs off after a failed connect (each distinct failure logged once), and
 * sends requests. Over TCP the devices' requests run concurrently on the shared socket (each request names its unit);
 * on a serial line, or RTU over TCP to a serial gateway, one request is on the line at a time.
 */
import ModbusSerial from 'modbus-serial';
import { FailureStreak } from '../../core/backoff.js';
import { ConnectionSince } from '../../core/connection-since.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { MAX_TIMER_MS } from '../../core/config-primitives.js';
import { CONNECTION_DROPPED, NO_ANSWER, noAnswer, SERIAL_PORT_CLOSED } from './errors.js';
import { GivenUpTransactionIds } from './given-up-transaction-ids.js';
import { boundRtuReceive } from './rtu-receive-bound.js';
import { watchMbapFraming } from './mbap-framing.js';
import { byteCountProblem, keepLastFrame } from './answer-byte-count.js';
import type { ModbusSourceConfig } from './schema.js';

/** modbus-serial is CommonJS; its `default` export is the client class itself. */
const ModbusClient = ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusClient>;

/** The backoff of a failed connect, and of a device that stopped answering. */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

export interface ModbusConnectionDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly now: () => number;
  readonly random: () => number;
}

/**
 * When the system sends a connection attempt (a SYN) for the last time within a connect's default timeout: the first
 * at 0, again at 1 s and 3 s (the initial retransmission timeout is 1 s, RFC 6298 (2.1), and doubles with each
 * retransmission, (5.5); Linux: TCP_TIMEOUT_INIT). A connect given up at timeout_ms (1 s by default) failed wherever
 * the first SYN, or its answer, was lost, though the kernel's second would have made it.
 */
const THIRD_SYN_MS = 3000;

/**
 * How long a connect may take: connect_timeout_ms, or by default long enough for the third SYN (THIRD_SYN_MS) to be
 * answered within timeout_ms, the time a request's answer is given.
 */
export function connectTimeoutMs(config: Pick<ModbusSourceConfig, 'timeout_ms' | 'connect_timeout_ms'>): number {
  return config.connect_timeout_ms ?? Math.min(THIRD_SYN_MS + config.timeout_ms, MAX_TIMER_MS);
}

/** Where a connection goes, in messages: "10.0.0.5:502", "10.0.0.6:4001 RTU", "/dev/ttyUSB0 19200 8E1". */
export function connectionWhere(config: ModbusSourceConfig): string {
  return config.type === 'modbus_rtu'
    ? `${config.path} ${config.baud_rate} ${config.data_bits}${config.parity[0].toUpperCase()}${config.stop_bits}`
    : `${config.host}:${config.port}${config.type === 'modbus_rtu_tcp' ? ' RTU' : ''}`;
}

/**
 * What the far end of a connection should serve, in a refused connect's message ("check port, and that the device
 * serves ..."): Modbus TCP, or for RTU over TCP a serial device server's raw TCP port passing RTU frames to its line.
 */
export function connectionServes(config: ModbusSourceConfig): string {
  return config.type === 'modbus_rtu_tcp'
    ? 'RTU frames over TCP: a serial device server (a Moxa NPort, a USR-TCP232) in TCP server mode, passing them to its serial line'
    : 'Modbus TCP';
}

/** A connect that end() (a stop) overtook. */
const closedWhileConnecting = () => Object.assign(new Error('closed while connecting'), { code: 'ECONNABORTED' });

export class ModbusConnection {
  readonly where: string;
  /** What its far end should serve, in a refused connect's message (connectionServes). */
  readonly serves: string;
  /** The connection in messages: "device plc (10.0.0.5:502, unit 1)" or "(..., units 1, 2)". */
  readonly label: string;
  private readonly name: string;
  private readonly oneAtATime: boolean;
  private client: ModbusClient | undefined;
  /** The last frame the client's port delivered: what a read past an answer's end says of it (answer-byte-count.ts). */
  private lastFrame: () => Buffer | undefined = () => undefined;
  private connecting: Promise<void> | undefined;
  private readonly failures: FailureStreak;
  private nextConnectAt = 0;
  private line: Promise<unknown> = Promise.resolve();
  private connectionCount = 0;
  private connectAttempts = 0;
  /** How many times end() was called: a connect that sees it change on its way drops what it opened. */
  private ends = 0;
  /** When it connected, or was dropped or first failed to connect (ms); why, while it is down. */
  private readonly since: ConnectionSince;
  /**
   * How to fail each request sent and not yet answered: a drop fails them, since modbus-serial's destroy() cancels
   * their timeouts and never calls them back (regression: over TCP, another unit's read in flight when a drop came
   * waited for good, and its device was never polled again).
   */
  private readonly inFlight = new Set<(err: Error) => void>();
  /** Settles once every request sent so far has: where the next request's timeout starts (request()). */
  private ahead: Promise<void> = Promise.resolve();
  /** Why the last connection ended (the source dropped it, or the far end closed it): said at the reconnect. */
  private dropped: string | undefined;
  /**
   * A reconnect after a drop was said and no request was answered since: a device that is dropped again at once (one
   * that never answers) is not said at every reconnect.
   */
  private dropSaid = false;
  /** Over TCP, the transaction ids of requests given up on this connection, kept out of use a while. */
  private readonly givenUpIds = new GivenUpTransactionIds();

  /** @param units the unit ids of its devices, the first one the client's default */
  constructor(
    private readonly config: ModbusSourceConfig,
    private readonly units: readonly number[],
    private readonly deps: ModbusConnectionDeps,
  ) {
    this.name = config.name;
    this.where = connectionWhere(config);
    this.serves = connectionServes(config);
    this.label = `device ${config.name} (${this.where}, unit${units.length > 1 ? 's' : ''} ${units.join(', ')})`;
    this.oneAtATime = config.type !== 'modbus_tcp';
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, deps.random);
    this.since = new ConnectionSince(() => this.deps.now());
  }

  /** How many times the connection was made. */
  get connections(): number {
    return this.connectionCount;
  }

  get connected(): boolean {
    return this.client?.isOpen ?? false;
  }

  /** Since when it is connected or not, and why not (Source.connectionState). */
  state(): { since?: number; lastError?: string } {
    return this.since.state(this.connected);
  }

  /** Whether a connect failed and its backoff has not run out at `ts`. */
  backingOff(ts: number): boolean {
    return ts < this.nextConnectAt;
  }

  /**
   * Connects (again): one connect for every poll, write or read that asks while it runs. Rejects when it fails, or
   * when end() was called on its way (a stop): what it opened is then closed, not kept (regression: a stop during
   * the first connect left the PLC's socket open for good).
   */
  connect(): Promise<void> {
    return (this.connecting ??= this.open().finally(() => (this.connecting = undefined)));
  }

  private async open(): Promise<void> {
    // Noted before the old connection is dropped: an end() while it is dropped is one on this connect's way too.
    const ends = this.ends;
    // A connection that closed without the source closing it: the far end (or something between) closed it.
    if (this.client && !this.client.isOpen) this.droppedFor('the device, or something between, closed it');
    await this.close();
    if (this.ends !== ends) throw closedWhileConnecting();
    const client = new ModbusClient();
    // The first attempt is a connect; every later one (after a refused or dropped connection) a reconnect.
    if (this.connectAttempts++ > 0) this.deps.metrics.sourceReconnects.inc({ source: this.name });
    const c = this.config;
    const opening =
      c.type === 'modbus_tcp'
        ? client.connectTCP(c.host, { port: c.port })
        : c.type === 'modbus_rtu_tcp'
          ? client.connectTelnet(c.host, { port: c.port })
          : client.connectRTUBuffered(c.path, {
              baudRate: c.baud_rate,
              parity: c.parity,
              dataBits: c.data_bits,
              stopBits: c.stop_bits,
            });
    await this.within(connectTimeoutMs(c), opening, client);
    if (this.ends !== ends) {
      await this.drop(client);
      throw closedWhileConnecting();
    }
    client.setID(this.units[0]);
    // RTU: bytes that are no answer are not kept without end (rtu-receive-bound.ts).
    if (c.type !== 'modbus_tcp') boundRtuReceive((client as { _port?: unknown })._port);
    // TCP: a header that cannot be an answer's drops the connection (mbap-framing.ts).
    else
      watchMbapFraming((client as { _port?: unknown })._port, (why) => {
        if (this.client === client) void this.close(why);
      });
    // A serial port's error after it opened (a write or read failing as the adapter is pulled out: EIO) is emitted
    // by the client: without a listener it was thrown, uncaught, and ended the gateway. It drops the connection.
    client.on('error', (err: unknown) => {
      if (this.client === client)
        void this.close(`serial port error: ${(err as Error | undefined)?.message ?? String(err)}`);
    });
    this.lastFrame = keepLastFrame((client as { _port?: unknown })._port);
    this.givenUpIds.clear();
    this.client = client;
    this.since.connected();
    this.connectionCount++;
    this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
    const failures = this.failures.end();
    const dropped = this.dropped;
    this.dropped = undefined;
    if (failures > 0)
      this.deps.logger.info({ source: this.name, after_failures: failures }, `${this.label}: connected again`);
    else if (dropped !== undefined) {
      // One line per reconnect after a drop (regression: counted in linewatch_source_reconnects_total, never logged).
      this.dropSaid = true;
      this.deps.logger.info({ source: this.name }, `${this.label}: connected again, after a drop: ${dropped}`);
    } else if (this.connectionCount === 1) this.deps.logger.info({ source: this.name }, `${this.label}: connected`);
  }

  /** The connection ended for `reason`: said at the reconnect, unless one was said and nothing answered since. */
  private droppedFor(reason: string): void {
    if (!this.dropSaid) this.dropped = reason;
  }

  /**
   * Waits for `opening` at most `timeoutMs` (connectTimeoutMs): a device whose network drops the connection attempt
   * unanswered (a firewall, a route to nowhere) is otherwise waited on for the system's TCP timeout, about two
   * minutes, with every device of the connection (and `run --once`) waiting on it. Rejects as that timeout would,
   * sooner, and drops the attempt.
   */
  private async within(timeoutMs: number, opening: Promise<unknown>, client: ModbusClient): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The attempt is given up: its outcome, if it ever comes, is nobody's.
        opening.catch(() => undefined);
        client.destroy(() => undefined);
        reject(Object.assign(new Error(`connect ETIMEDOUT ${this.where}`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
    });
    try {
      await Promise.race([opening, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts a failed connect, logs it once per distinct message, and backs off. */
  onConnectFailure(message: string): void {
    const fresh = this.failures.fail(message);
    this.since.down(message);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'connect' });
    if (fresh) this.deps.logger.warn({ source: this.name, failures: this.failures.count }, message);
    this.nextConnectAt = this.deps.now() + this.failures.delayMs();
  }

  /**
   * Drops the connection, for `reason` where an error made it (said in /api/status while it is down). destroy(), not
   * close(): a close waits for the device to end its side, and a device that has stopped answering never does
   * (regression: a silent PLC hung the poll loop for good).
   */
  async close(reason?: string): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) this.since.down(reason);
    if (client && reason !== undefined) this.droppedFor(`the source dropped it (${reason})`);
    this.deps.metrics.sourceConnected.set({ source: this.name }, 0);
    const cut = [...this.inFlight];
    this.inFlight.clear();
    const dropped = Object.assign(
      new Error(`the connection was dropped before the answer came${reason ? ` (${reason})` : ''}`),
      { code: CONNECTION_DROPPED },
    );
    for (const fail of cut) fail(dropped);
    if (client) await this.drop(client);
  }

  /** Closes the connection, and one on its way as soon as it is made (the source stops). */
  end(): Promise<void> {
    this.ends++;
    return this.close();
  }

  private async drop(client: ModbusClient): Promise<void> {
    if (!client.isOpen) return;
    // A serial port is closed (which releases its lock); a socket is destroyed.
    if (this.config.type === 'modbus_rtu') await new Promise<void>((resolve) => client.close(() => resolve()));
    else await new Promise<void>((resolve) => client.destroy(() => resolve()));
  }

  /** A request's error where the connection closed under it: a serial port in serial words, a socket as reset. */
  private notOpen(): Error {
    const c = this.config;
    return c.type === 'modbus_rtu'
      ? Object.assign(new Error(`serial port ${c.path} closed: the adapter unplugged, or the port gone`), {
          code: SERIAL_PORT_CLOSED,
        })
      : Object.assign(new Error('Port Not Open'), { code: 'ECONNRESET' });
  }

  /**
   * One request on the line (one at a time on serial lines), failed after the device's `timeoutMs` without its
   * answer, counted from when the requests sent before it on the connection have settled. Over TCP several units'
   * requests are on the socket at once, and a gateway to an RS-485 line answers them one after another: a read sent
   * behind a slow unit's waits that unit's time out at the gateway before its own answer can come (regression: a
   * unit slower than timeout_ms made every unit on the gateway time out, and the connection was dropped each time).
   * A server that answers each at once is unaffected; one that answers nothing is found out after the timeouts of
   * the requests ahead, at most one per device.
   */
  request<T>(timeoutMs: number, send: (client: ModbusClient, cb: (err: unknown, res: T) => void) => void): Promise<T> {
    const run = () => {
      const ahead = this.ahead;
      const answered = new Promise<T>((resolve, reject) => {
        const client = this.client;
        if (!client?.isOpen) return reject(this.notOpen());
        let timer: NodeJS.Timeout | undefined;
        let settled = false;
        const id = this.oneAtATime ? undefined : this.takeTransactionId(client);
        const settle = (err: unknown, res?: T) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.inFlight.delete(settle);
          if (id !== undefined && (err as { code?: unknown })?.code === NO_ANSWER)
            this.givenUpIds.giveUp(id, this.deps.now());
          if (err) reject(err);
          else {
            this.dropSaid = false;
            resolve(res as T);
          }
        };
        this.inFlight.add(settle);
        void ahead.then(() => {
          if (!settled) timer = setTimeout(() => settle(noAnswer(timeoutMs, this.oneAtATime)), timeoutMs);
        });
        // The timeout is this one's, above: modbus-serial's own would count from the send.
        client.setTimeout(0);
        // A read past an answer's end (its byte count larger than its data) says so, with the counts.
        send(client, (err, res) => settle(byteCountProblem(err, this.lastFrame()) ?? err, res));
      });
      this.ahead = Promise.all([ahead, answered.catch(() => undefined)]).then(() => undefined);
      return answered;
    };
    if (!this.oneAtATime) return run();
    const done = this.line.then(run, run);
    this.line = done.then(
      () => undefined,
      (err: unknown) => ((err as { code?: unknown })?.code === NO_ANSWER ? this.quiet(timeoutMs) : undefined),
    );
    return done;
  }

  /**
   * Over TCP, sets the transaction id the next request takes to one not given up lately (GivenUpTransactionIds), and
   * returns it; undefined where modbus-serial's port does not count ids as expected (its `_transactionIdWrite`).
   */
  private takeTransactionId(client: ModbusClient): number | undefined {
    const port = (client as { _port?: { _transactionIdWrite?: unknown } })._port;
    if (!port || typeof port._transactionIdWrite !== 'number') return undefined;
    const id = this.givenUpIds.usable(port._transactionIdWrite, this.deps.now());
    port._transactionIdWrite = id;
    return id;
  }

  /**
   * Holds a serial line `timeoutMs` after a request went without its answer, then drops what the port holds of a frame
   * not yet whole. RTU frames carry no transaction id: modbus-serial takes any answer of the pending request's unit,
   * function and length as its answer, so a unit's late answer to the request given up was taken as the next one's,
   * its values delivered under another read's registers (regression). Arriving while the line is held, it finds the
   * given-up request's (settled) callback and is discarded. libmodbus's link error recovery does the same after a
   * timeout (sleep the response timeout, flush). An answer later than twice timeout_ms still cannot be told from the
   * next one's.
   */
  private async quiet(timeoutMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, timeoutMs));
    const port = (this.client as { _port?: { _buffer?: unknown } } | undefined)?._port;
    if (port && Buffer.isBuffer(port._buffer)) port._buffer = Buffer.alloc(0);
  }
}
