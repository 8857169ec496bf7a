/**
 * An OPC UA source: one subscription with a monitored item per node; notifications arriving
 * together (one publish response) become one batch of samples with source and server timestamps
 * and a quality from the status code (bad and uncertain samples are marked, never fed to a model
 * as good).
 *
 * Values that do not change are held. A monitored item reports a change only (its data change
 * filter): a cycle-active bit, a part counter or a setpoint that stays put is sent once and then
 * not again, while the gateway's rows take a channel whose newest sample is older than
 * `max_sample_age_ms` as stale. In OPC UA an item's last reported value is its current value for
 * as long as the subscription lives, and it lives while its publish responses (changes, or
 * keep-alives when nothing changed) keep coming. So a publish response's batch carries, besides
 * the items that changed, the last notification again of every item not sent for a keep-alive
 * period (the longest the server may stay silent; not at every publish, which would send a large
 * subscription's items several times over when the server splits a publishing cycle into several
 * responses): same value and quality, stamped at that publish (`publishTime`, the server's clock)
 * on the item's own clock (its timestamp moved on by the time the server's clock says passed
 * since the response that carried it: publishTime − that response's publishTime; not the
 * value's serverTimestamp, which servers may omit or send as MinDateTime), so that an item whose source
 * timestamps come from a device clock off the server's stays on that clock, less the item's sampling
 * interval: a change the server had not sampled yet when it cut the response happened at most that long
 * before it, and its own (later-arriving) stamp must stay newer than the held one, or a time grid drops it
 * as late. Stored with the rest: a steady item is written once a keep-alive period. Nothing is held on a
 * local timer: when publish responses stop (a server or link that died, a subscription that
 * ended), nothing more is sent and the values age out in the rows as any source's do. The
 * subscription asks for a keep-alive after every publishing interval without a change
 * (maxKeepAliveCount 1; servers may grant more, node-opcua's grant 2), so while the server is
 * there a held value is at most about two keep-alive periods old (four publishing intervals with
 * node-opcua's servers): keep `max_sample_age_ms` above that.
 *
 * Recovery does not rely on node-opcua's own reconnection: when the connection is lost, the
 * subscription is terminated, or nothing (no notification, no keep-alive) arrives for
 * `stale_after_ms`, the whole client is rebuilt: new connection and session, namespace indexes
 * resolved again (node ids may name their namespace by URI), monitored items created again.
 * Rebuilds back off exponentially with jitter; each failure is logged once per distinct message.
 * A node that cannot be subscribed or read is named by its configuration path
 * (`sources[0].nodes[4].node_id`), its node id or browse path and its channel.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FailureStreak, pause } from '../../core/backoff.js';
import type { SampleHandler, Source } from '../../core/components.js';
import type { Sample } from '../../core/types.js';
import type { OpcuaSourceConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import type { OpcuaConnection, Reading } from './client-adapter.js';
import { firstLine } from './opcua-value.js';

/** node-opcua is large and prints to stdout when loaded: load it only when an OPC UA source runs. */
async function connectOpcua(
  ...args: Parameters<typeof import('./client-adapter.js').connectOpcua>
): Promise<OpcuaConnection> {
  return (await import('./client-adapter.js')).connectOpcua(...args);
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;

const STANDARD_ELEMENTS = new Set(['Objects', 'Types', 'Views', 'Server']);

/**
 * A browse path in the text form node-opcua resolves ("/Objects/2:Plant/2:Pump1/2:flow"):
 * elements that name no namespace index take `namespaceUri`'s index on this server (the standard
 * folders stay in namespace 0).
 */
export function browsePathText(path: string, namespaceUri: string | undefined, namespaces: readonly string[]): string {
  let index: number | undefined;
  if (namespaceUri !== undefined) {
    index = namespaces.indexOf(namespaceUri);
    if (index < 0)
      throw new Error(
        `namespace "${namespaceUri}" of browse path ${path} is not on the server (it has: ${namespaces.join(', ')})`,
      );
  }
  return path
    .split('/')
    .slice(1)
    .map((element) =>
      /^\d+:/.test(element) || index === undefined || STANDARD_ELEMENTS.has(element)
        ? `/${element}`
        : `/${index}:${element}`,
    )
    .join('');
}

/** Turns `nsu=<uri>;...` into `ns=<index>;...` with the server's namespace array. */
/** A PEM file's text; a missing or unreadable file is named with its setting. */
function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${setting} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * What to do about a certificate that was not trusted: which certificate, where node-opcua put
 * it, and the command that trusts it.
 */
export function untrustedAdvice(pkiDir: string, detail: string): string {
  const rejectedDir = join(pkiDir, 'rejected');
  let newest: string | undefined;
  try {
    newest = readdirSync(rejectedDir)
      .filter((f) => /\.(pem|der)$/.test(f))
      .map((f) => ({ f, t: statSync(join(rejectedDir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)[0]?.f;
  } catch {
    newest = undefined;
  }
  if (newest) {
    const file = join(rejectedDir, newest);
    return `the server's certificate ${newest.replace(/\.(pem|der)$/, '')} is not trusted (${detail}); it was put in ${file}. To trust it: mv "${file}" "${join(pkiDir, 'trusted', 'certs')}/" and the next connect uses it.`;
  }
  return `certificate refused (${detail}): the server does not trust ours, ${join(pkiDir, 'own', 'certs', 'client_certificate.pem')}; add it to the server's trusted certificates.`;
}

export function resolveNodeId(nodeId: string, namespaces: readonly string[]): string {
  const m = /^nsu=([^;]+);(.*)$/.exec(nodeId);
  if (!m) return nodeId;
  const index = namespaces.indexOf(m[1]);
  if (index < 0)
    throw new Error(`namespace "${m[1]}" of node ${nodeId} is not on the server (it has: ${namespaces.join(', ')})`);
  return `ns=${index};${m[2]}`;
}

export class OpcuaSource implements Source {
  readonly name: string;
  private running = false;
  private connection: OpcuaConnection | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastActivity = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly failures: FailureStreak;
  private pending: Sample[] = [];
  private flushScheduled = false;
  private readonly tagErrors = new Set<string>();
  private isConnected = false;
  private onBatch: SampleHandler = () => {};
  /** Each item's last notification on this subscription, by node index: what it holds until it changes. */
  private last: (Sample | undefined)[] = [];
  /**
   * The publish time of the response that carried each item's last notification (the server's clock; its arrival
   * where the response had none): a held value is moved on by the time since then. Not the notification's
   * serverTimestamp: a server may leave that out or send it as MinDateTime (node-opcua: 1601), which put held
   * stamps on the publish's clock instead of the item's, or centuries ahead.
   */
  private lastOrigin = new Float64Array(0);
  /** Per item, the publish time of the response its last notification came with or was held at. */
  private lastSent = new Float64Array(0);
  /** How long an unchanged item goes unsent before it is held: the subscription's keep-alive period. */
  private holdAfterMs = Number.POSITIVE_INFINITY;
  /** Per item: its sampling interval (ms), by which a held stamp stays behind the publish (the module comment). */
  private samplingMs = new Float64Array(0);
  /** The publish time of the newest publish response since the last batch (its arrival, where it had none). */
  private publishTs: number | undefined;

  constructor(
    private readonly config: OpcuaSourceConfig,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      now?: () => number;
      random?: () => number;
      /** Where the source is configured (`sources[2]`): nodes are named by their path in messages. */
      where?: string;
    },
  ) {
    this.name = config.name;
    this.failures = new FailureStreak(BACKOFF_MIN_MS, BACKOFF_MAX_MS, deps.random);
  }

  private connectionCount = 0;

  /** How many times its subscription was made (Source.connections). */
  get connections(): number {
    return this.connectionCount;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private connectOptions() {
    const c = this.config;
    return {
      endpoint: c.endpoint,
      securityMode: c.security_mode,
      securityPolicy: c.security_policy ?? (c.security_mode === 'None' ? 'None' : 'Basic256Sha256'),
      username: c.username,
      password: c.password,
      ...(c.user_certificate_file && c.user_private_key_file
        ? {
            userCertificate: {
              certificatePem: readPem(c.user_certificate_file, 'user_certificate_file'),
              privateKeyPem: readPem(c.user_private_key_file, 'user_private_key_file'),
            },
          }
        : {}),
      pkiDir: c.pki_dir!,
      timeoutMs: c.timeout_ms,
    } as const;
  }

  /**
   * How configured node `index` is named in messages: its configuration path, node id or browse path, and channel
   * ("sources[0].nodes[4].node_id ns=2;s=Pump1.presure (channel pressure)").
   */
  private nodeLabel(index: number): string {
    const n = this.config.nodes[index];
    const key = n.node_id !== undefined ? 'node_id' : 'browse_path';
    const at = `${this.deps.where !== undefined ? `${this.deps.where}.` : ''}nodes[${index}].${key}`;
    return `${at} ${n.node_id ?? n.browse_path} (channel ${n.channel})`;
  }

  private describe(err: unknown): string {
    const message = (err as Error)?.message ?? String(err);
    const where = `device ${this.name} (${this.config.endpoint})`;
    const first = firstLine(message);
    if (/BadCertificate(Issuer)?TimeInvalid/.test(message))
      return `${where}: the server's certificate (or its issuer's) has expired or is not valid yet (${first}): renew it on the server, or check this gateway's clock; the log's NODE-OPCUA-W25 lines give its validity dates`;
    if (
      /certificate/i.test(message) &&
      /untrusted|not trusted|rejected|BadCertificate|BadSecurityChecksFailed/i.test(message)
    )
      return `${where}: ${untrustedAdvice(this.config.pki_dir!, first)}`;
    if (/BadUserAccessDenied|BadIdentityToken|user token policy/i.test(message)) {
      const user = this.config.user_certificate_file
        ? `the user certificate ${this.config.user_certificate_file}`
        : this.config.username
          ? `user "${this.config.username}"`
          : 'anonymous access';
      return `${where}: the server refused ${user} (${first}): check username and password, or that the server trusts the user certificate`;
    }
    return `${where}: ${first}`;
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    this.onBatch = onBatch;
    this.watchdog = setInterval(
      () => {
        if (this.isConnected && this.now() - this.lastActivity > this.config.stale_after_ms)
          this.rebuild(`no notification or keep-alive for ${this.config.stale_after_ms} ms`);
      },
      Math.min(1000, this.config.stale_after_ms / 2),
    );
    this.watchdog.unref();
    this.loop = this.run();
  }

  /** Connect, subscribe, wait until the subscription is lost, clean up, back off, again. */
  private async run(): Promise<void> {
    while (this.running) {
      let lostReason: string | undefined;
      const lost = new Promise<void>((resolve) => (this.wake = resolve));
      try {
        const connection = await connectOpcua(this.connectOptions());
        this.connection = connection;
        connection.onLost((reason) => this.rebuild(reason));
        if (!this.running) break;
        const resolved = await this.resolveNodes(connection);
        const nodes = this.config.nodes.map((n, i) => ({
          nodeId: resolved[i].nodeId ?? 'i=0',
          samplingIntervalMs: n.sampling_interval_ms ?? this.config.publishing_interval_ms,
          queueSize: n.queue_size,
          deadband: n.deadband,
        }));
        // A new subscription holds nothing of the last one's: each item's first notification comes anew.
        this.last = [];
        this.lastOrigin = new Float64Array(nodes.length);
        this.lastSent = new Float64Array(nodes.length);
        this.samplingMs = Float64Array.from(nodes, (n) => n.samplingIntervalMs);
        this.publishTs = undefined;
        // Until the server says what it granted: a keep-alive every other publishing interval, as node-opcua's grant.
        this.holdAfterMs = 2 * this.config.publishing_interval_ms;
        const { errors, keepAliveMs } = await connection.subscribe(nodes, this.config.publishing_interval_ms, {
          onChange: (index, reading) => this.onReading(index, reading),
          onPublish: (publishTs) => this.onPublish(publishTs),
          onTerminated: (reason) => this.rebuild(reason),
        });
        this.holdAfterMs = keepAliveMs;
        resolved.forEach((r, i) => {
          if (r.error) this.tagError(i, r.error);
          else if (errors[i]) this.tagError(i, `${this.nodeLabel(i)}: ${errors[i]}`);
        });
        this.lastActivity = this.now();
        this.isConnected = true;
        this.connectionCount++;
        this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
        const failures = this.failures.end();
        if (failures > 0)
          this.deps.logger.info(
            { source: this.name, after_failures: failures },
            `device ${this.name} (${this.config.endpoint}): subscription rebuilt`,
          );
        await lost;
        lostReason = this.lostReason;
      } catch (err) {
        lostReason = this.describe(err);
      }
      this.isConnected = false;
      this.deps.metrics.sourceConnected.set({ source: this.name }, 0);
      const connection = this.connection;
      this.connection = undefined;
      await connection?.close().catch(() => undefined);
      if (!this.running) break;
      this.onFailure(lostReason ?? 'connection lost');
      const backoff = pause(this.failures.delayMs());
      this.wake = backoff.wake;
      await backoff.done;
    }
  }

  private lostReason: string | undefined;

  /** Ends the current subscription so the loop builds a new one. */
  private rebuild(reason: string): void {
    if (!this.isConnected) return;
    this.lostReason = `device ${this.name} (${this.config.endpoint}): ${reason}`;
    this.isConnected = false;
    this.wake?.();
  }

  private onFailure(message: string): void {
    const fresh = this.failures.fail(message);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'connection' });
    this.deps.metrics.sourceReconnects.inc({ source: this.name });
    if (fresh)
      this.deps.logger.warn(
        { source: this.name, failures: this.failures.count },
        `${message}; rebuilding the connection`,
      );
  }

  private tagError(index: number, message: string): void {
    const key = `${index}:${message}`;
    if (this.tagErrors.has(key)) return;
    this.tagErrors.add(key);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'tag' });
    this.deps.logger.warn(
      { source: this.name, channel: this.config.nodes[index].channel },
      `device ${this.name} (${this.config.endpoint}): ${message}`,
    );
  }

  /** A publish response (changes, or a keep-alive): the subscription lives, and with it every item's last value. */
  private onPublish(publishTs: number | undefined): void {
    const now = this.now();
    this.lastActivity = now;
    this.publishTs = publishTs ?? now;
    this.scheduleFlush();
  }

  /** One notification (the hot path: up to tens of thousands a second). */
  private onReading(index: number, r: Reading): void {
    const now = this.now();
    this.lastActivity = now;
    const node = this.config.nodes[index];
    if (!node) return;
    if (r.wrongType) this.tagError(index, `${this.nodeLabel(index)}: expected a number or boolean, got ${r.wrongType}`);
    const sample: Sample = {
      source: this.name,
      asset: this.config.asset,
      channel: node.channel,
      ts: r.sourceTs ?? r.serverTs ?? now,
      received: now,
      value: r.value,
      quality: r.quality,
      unit: node.unit,
    };
    this.pending.push(sample);
    this.last[index] = sample;
    this.lastOrigin[index] = this.lastSent[index] = this.publishTs ?? now;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A publish response and its notifications arrive in one turn: deliver them as one batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (this.publishTs !== undefined) this.hold(batch, this.publishTs);
    this.publishTs = undefined;
    if (batch.length === 0 || !this.running) return;
    let good = 0;
    for (const sample of batch) if (sample.quality === 'good') good++;
    if (good > 0) this.deps.metrics.samples.inc({ source: this.name, quality: 'good' }, good);
    if (batch.length > good) this.deps.metrics.samples.inc({ source: this.name, quality: 'bad' }, batch.length - good);
    this.deps.metrics.sourcePolls.inc({ source: this.name });
    this.onBatch(batch);
  }

  /**
   * Adds to a publish response's batch the items not sent for a keep-alive period: their last notification, stamped at
   * the publish on their own clock (the module comment says why).
   */
  private hold(batch: Sample[], publishTs: number): void {
    const now = this.now();
    for (let i = 0; i < this.last.length; i++) {
      const last = this.last[i];
      if (last === undefined || publishTs - this.lastSent[i] < this.holdAfterMs) continue;
      const ts = last.ts + Math.max(0, publishTs - this.lastOrigin[i] - this.samplingMs[i]);
      batch.push({ ...last, ts, received: now });
      this.lastSent[i] = publishTs;
    }
  }

  /**
   * Reads every node once. A node that cannot be read (not resolved, a bad status such as
   * BadNodeIdUnknown, a value that is not a number) comes back bad with the reason, naming the
   * node; only a failure of the whole connection (server unreachable, refused session) rejects.
   */
  async readOnce(): Promise<Sample[]> {
    let connection: OpcuaConnection | undefined;
    try {
      connection = await connectOpcua(this.connectOptions());
      const resolved = await this.resolveNodes(connection);
      const readable = resolved.flatMap((r, i) => (r.nodeId !== undefined ? [i] : []));
      const readings = readable.length > 0 ? await connection.read(readable.map((i) => resolved[i].nodeId!)) : [];
      const byNode = new Map(readable.map((i, k) => [i, readings[k]]));
      const ts = this.now();
      return this.config.nodes.map((node, i) => {
        const r = byNode.get(i);
        const problem =
          resolved[i].error ??
          (r?.wrongType
            ? `${this.nodeLabel(i)}: expected a number or boolean, got ${r.wrongType}`
            : r?.quality === 'bad'
              ? `${this.nodeLabel(i)}: ${r.status ?? 'bad status'}`
              : undefined);
        return {
          source: this.name,
          asset: this.config.asset,
          channel: node.channel,
          ts: r?.sourceTs ?? r?.serverTs ?? ts,
          received: ts,
          value: r && !problem ? r.value : Number.NaN,
          quality: problem ? 'bad' : r!.quality,
          ...(node.unit ? { unit: node.unit } : {}),
          ...(problem ? { reason: `device ${this.name} (${this.config.endpoint}): ${problem}` } : {}),
        };
      });
    } catch (err) {
      throw new Error(this.describe(err));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }

  /** Node ids for the configured nodes on this connection (namespace URIs and browse paths resolved), or why not. */
  private async resolveNodes(connection: OpcuaConnection): Promise<{ nodeId?: string; error?: string }[]> {
    const namespaces = await connection.readNamespaceArray();
    const nodes = this.config.nodes;
    const out: { nodeId?: string; error?: string }[] = nodes.map(() => ({}));
    const paths: { index: number; text: string }[] = [];
    nodes.forEach((n, i) => {
      try {
        if (n.node_id !== undefined) out[i] = { nodeId: resolveNodeId(n.node_id, namespaces) };
        else paths.push({ index: i, text: browsePathText(n.browse_path!, n.browse_namespace, namespaces) });
      } catch (err) {
        out[i] = { error: `${this.nodeLabel(i)}: ${(err as Error).message}` };
      }
    });
    const translated = await connection.translate(paths.map((p) => p.text));
    translated.forEach((t, k) => {
      const { index, text } = paths[k];
      if ('nodeId' in t) {
        out[index] = { nodeId: t.nodeId };
        return;
      }
      const why =
        t.error === 'BadNoMatch'
          ? `: no such node at ${text}; check the element names and browse_namespace`
          : ` (at ${text})`;
      out[index] = { error: `${this.nodeLabel(index)}: ${t.error}${why}` };
    });
    return out;
  }

  /** Writes a node (alarm actions). */
  async write(nodeId: string, value: number | boolean): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.isConnected)
      throw new Error(`device ${this.name} (${this.config.endpoint}): not connected`);
    await connection.write(resolveNodeId(nodeId, await connection.readNamespaceArray()), value);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.wake?.();
    await this.loop;
    this.isConnected = false;
  }
}
