/**
 * An OPC UA source: one subscription with a monitored item per node; notifications arriving together (one publish
 * response) become one batch of samples with source and server timestamps and a quality from the status code (bad and
 * uncertain samples are marked, never fed to a model as good). Values that do not change are held (held-items.ts,
 * publish-batches.ts): a steady item is sent again once a keep-alive period while the subscription lives.
 *
 * Recovery does not rely on node-opcua's own reconnection: when the connection is lost (while the subscription is
 * made too: setup-loss.ts), the subscription is terminated, or nothing (no notification, no keep-alive) arrives for
 * `stale_after_ms` (silence-watch.ts), the whole client is rebuilt: new connection and session, namespace indexes
 * resolved again (node ids may name their namespace by URI), monitored items created again. Rebuilds back off
 * exponentially with jitter; each failure is logged once per distinct message. A node that cannot be subscribed or
 * read is named by its configuration path (`sources[0].nodes[4].node_id`), its node id or browse path and its channel.
 * A node whose value alone is over max_message_bytes, on a server that sends it anyway, is left out of the
 * subscription, and nodes over it only together are spread over publish responses (over-bound-nodes.ts). What a
 * notification becomes, its sample and any issue with its value: notification-samples.ts.
 */
import { pause } from '../../core/backoff.js';
import { ConnectionSince } from '../../core/connection-since.js';
import type { SampleHandler, Source } from '../../core/components.js';
import type { Sample } from '../../core/types.js';
import type { OpcuaSourceConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import type { OpcuaConnection, Reading } from './client-adapter.js';
import { nodeLabel, resolveNodeId, resolveNodes, type ResolvedNode } from './node-ids.js';
import { describeNamespacesOverBound, describePathOverBound, isOversize } from './message-bound.js';
import { onceSamples } from './once-samples.js';
import { readNodes, type NodeReads } from './read-nodes.js';
import type { PartsTiming } from './read-in-parts.js';
import { OverBoundNodes } from './over-bound-nodes.js';
import { PublishBatches } from './publish-batches.js';
import { connectOpcua, connectOptions, describeConnectError } from './opcua-connect.js';
import { ConnectionLost, SetupLoss } from './setup-loss.js';
import { RebuildStreak } from './rebuild-streak.js';
import { SilenceWatch } from './silence-watch.js';
import { derivedQueueSize } from './queue-size.js';
import { leftOutSample, notificationIssue, notificationSample, type SampleOrigin } from './notification-samples.js';
import { MissingNodes } from './missing-nodes.js';
import { missingNodes, unknownReads } from './unknown-node-probe.js';
import { describeGoneNode } from './unknown-nodes.js';

export class OpcuaSource implements Source {
  readonly name: string;
  private running = false;
  private connection: OpcuaConnection | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Where each configured node's samples come from, by index (notification-samples.ts). */
  private readonly origins: SampleOrigin[];
  /** No notification or keep-alive for stale_after_ms: the subscription is built again (silence-watch.ts). */
  private readonly silence: SilenceWatch;
  /** Failed subscriptions: counted, logged, backed off (rebuild-streak.ts). */
  private readonly streak: RebuildStreak;
  private readonly tagErrors = new Set<string>();
  private isConnected = false;
  /** Since when it is subscribed or not, and why not (Source.connectionState). */
  private readonly since: ConnectionSince;
  private onBatch: SampleHandler = () => {};
  /** The subscription's samples, one batch per publish response with the values held (publish-batches.ts). */
  private readonly batches: PublishBatches;
  /** Nodes left out of the subscription, each one's value alone over max_message_bytes (over-bound-nodes.ts). */
  private readonly overBound: OverBoundNodes;
  /** The nodes left out are yet to be sent as bad samples on this subscription (with its first publish response). */
  private leftOutUnsent = false;
  /** The subscription ends to take in nodes that were left out: not a failure, no backoff. */
  private resubscribing = false;
  /** Nodes the server has not, or refused to monitor: no value comes from them (missing-nodes.ts). */
  private readonly missing = new MissingNodes();
  /** The connection was lost while asking what the server has instead of an unknown node: not asked again. */
  private probeClosed = false;

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
    this.origins = config.nodes.map(({ channel, unit }) => ({ source: this.name, asset: config.asset, channel, unit }));
    this.since = new ConnectionSince(() => this.now());
    this.silence = new SilenceWatch({
      staleAfterMs: config.stale_after_ms,
      now: () => this.now(),
      watching: () => this.isConnected,
      onSilent: (reason) => this.rebuild(reason),
    });
    this.streak = new RebuildStreak({
      source: this.name,
      device: `device ${this.name} (${config.endpoint})`,
      logger: deps.logger,
      metrics: deps.metrics,
      random: deps.random,
    });
    this.batches = new PublishBatches({
      source: this.name,
      metrics: deps.metrics,
      now: () => this.now(),
      running: () => this.running,
      deliver: (batch) => this.onBatch(batch),
    });
    this.overBound = new OverBoundNodes({
      source: this.name,
      device: `device ${this.name} (${config.endpoint})`,
      logger: deps.logger,
      metrics: deps.metrics,
      read: async (only) => (await this.readNodes(only)).readings,
      bound: config.max_message_bytes,
      setting: this.boundSetting(),
      label: (i) => this.nodeLabel(i),
      channel: (i) => config.nodes[i].channel,
      random: deps.random,
    });
  }

  /**
   * The configured nodes in `only` (all where none is given) read once on connections of their own (read-nodes.ts),
   * in parts until timeout_ms × (⌈log2 n⌉ + 1) (read-in-parts.ts).
   */
  private readNodes(only?: ReadonlySet<number>): Promise<NodeReads> {
    return readNodes(
      () => connectOpcua(connectOptions(this.config), this.deps.logger),
      (live, some) => this.resolveNodes(live, some),
      only,
      this.timing,
    );
  }

  /** timeout_ms and the clock: work in parts (reads, translations) stops at its deadline (read-in-parts.ts). */
  private get timing(): PartsTiming {
    return { timeoutMs: this.config.timeout_ms, now: () => this.now() };
  }

  /** Where max_message_bytes is set (`sources[0].max_message_bytes`). */
  private boundSetting(): string {
    return `${this.deps.where !== undefined ? `${this.deps.where}.` : ''}max_message_bytes`;
  }

  /**
   * The nodes it cannot deliver now and why: those left out of the subscription, over max_message_bytes, and those
   * the server has not or refused to monitor (missingTags), in the words the log used.
   */
  tagIssues(): string[] {
    return [
      ...this.overBound.entries().map(([, why]) => why),
      ...this.missing.entries().map(([, why]) => this.onDevice(why)),
    ];
  }

  /** The channels of the nodes the server has not (unknown, in no namespace of its) or refused to monitor. */
  missingTags(): string[] {
    return this.missing.entries().map(([index]) => this.config.nodes[index].channel);
  }

  /** A message about the device: `device plc (opc.tcp://…): ` before it. */
  private onDevice(message: string): string {
    return `device ${this.name} (${this.config.endpoint}): ${message}`;
  }

  private connectionCount = 0;

  /** How many times its subscription was made (Source.connections). */
  get connections(): number {
    return this.connectionCount;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  connectionState(): { since?: number; lastError?: string } {
    return this.since.state(this.isConnected);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** How configured node `index` is named in messages (node-ids.ts). */
  private nodeLabel(index: number): string {
    return nodeLabel(this.config.nodes, index, this.deps.where);
  }

  async start(onBatch: SampleHandler): Promise<void> {
    this.running = true;
    this.onBatch = onBatch;
    this.silence.start();
    this.loop = this.run();
  }

  /** Connect, subscribe, wait until the subscription is lost, clean up, back off, again. */
  private async run(): Promise<void> {
    while (this.running) {
      let lostReason: string | undefined;
      const lost = new Promise<void>((resolve) => (this.wake = resolve));
      this.resubscribing = false;
      try {
        // After a message refused at the bound: the nodes whose value alone is over it are left out this time.
        if (this.streak.lastLossTooLarge) await this.overBound.find(this.subscribed().map((n) => n.index));
        const connection = await connectOpcua(connectOptions(this.config), this.deps.logger);
        this.connection = connection;
        // Lost while the subscription is made: that fails at once (setup-loss.ts); once made, it is rebuilt.
        const loss = new SetupLoss();
        connection.onLost((reason) => loss.heard(reason));
        // Stopped while connecting: closed below as any connection (a `break` here left it open, its session alive).
        if (!this.running) throw new Error('stopped while connecting');
        // The nodes left out are not resolved either: a browse path's translation may be what was over the bound.
        const subscribed = this.subscribed();
        const resolved = await loss.until(
          this.resolveNodes(async () => connection, new Set(subscribed.map((n) => n.index))),
        );
        // Stopped while resolving or subscribing: not counted as connected, closed below.
        if (!this.running) throw new Error('stopped while resolving nodes');
        const nodes = subscribed.map(({ index, node: n }) => ({
          nodeId: resolved[index].nodeId ?? 'i=0',
          samplingIntervalMs: n.sampling_interval_ms ?? this.config.publishing_interval_ms,
          queueSize:
            n.queue_size ??
            derivedQueueSize(
              this.config.publishing_interval_ms,
              n.sampling_interval_ms ?? this.config.publishing_interval_ms,
            ),
          deadband: n.deadband,
        }));
        // A new subscription holds nothing of the last one's. Until the server says what it granted: a keep-alive
        // every other publishing interval, as node-opcua's grant.
        this.batches.reset(
          this.config.nodes.map((n) => n.sampling_interval_ms ?? this.config.publishing_interval_ms),
          2 * this.config.publishing_interval_ms,
        );
        this.leftOutUnsent = subscribed.length < this.config.nodes.length;
        const { errors, refused, keepAliveMs } = await loss.until(
          connection.subscribe(
            nodes,
            this.config.publishing_interval_ms,
            {
              onChange: (k, reading) => this.onReading(subscribed[k].index, reading),
              onPublish: (publishTs) => this.onPublish(publishTs),
              onTerminated: (reason) => this.rebuild(reason),
            },
            this.overBound.notificationsPerPublish(),
          ),
        );
        if (!this.running) throw new Error('stopped while subscribing');
        this.batches.keepAlive(keepAliveMs);
        const probed = this.probeClosed ? undefined : connection;
        const missing = missingNodes(probed, { resolved, subscribed, refused }, (i) => this.nodeLabel(i));
        this.missing.subscribed(
          await loss.until(missing).catch((err: unknown) => {
            // Lost while asking what the server has instead, its answer over the bound: not asked again, and no node
            // is over the bound for it (over-bound-nodes.ts would look for one, and limit the publish responses).
            if (!(err instanceof ConnectionLost) || !isOversize(err.message)) throw err;
            this.probeClosed = true;
            throw new Error(
              `the server's namespace array, read to say what it has instead of the nodes it has not, was over ` +
                `max_message_bytes (${this.config.max_message_bytes} bytes) and closed the connection: not read for that again`,
            );
          }),
        );
        if (!this.running) throw new Error('stopped while subscribing');
        resolved.forEach((r, i) => r.error && this.tagError(i, r.error));
        for (const [index, why] of this.missing.entries()) this.tagError(index, why);
        subscribed.forEach(
          ({ index }, k) => errors[k] && this.tagError(index, `${this.nodeLabel(index)}: ${errors[k]}`),
        );
        this.overBound.retryLater(() => this.resubscribe());
        this.silence.heard(this.now());
        loss.connected((reason) => this.rebuild(reason));
        this.isConnected = true;
        this.since.connected();
        // Nodes that came back while it was being made (a retry that ended meanwhile): taken in at once.
        if (this.subscribed().length > subscribed.length) this.resubscribe();
        this.connectionCount++;
        this.deps.metrics.sourceConnected.set({ source: this.name }, 1);
        // After a message over max_message_bytes, the streak (its backoff, its one log line) ends only once a publish
        // response came through (rebuild-streak.ts).
        this.streak.subscribed(this.connectionCount);
        await lost;
        lostReason = this.lostReason;
      } catch (err) {
        lostReason =
          err instanceof ConnectionLost
            ? `device ${this.name} (${this.config.endpoint}): ${err.message}`
            : describeConnectError(this.config, err);
      }
      this.isConnected = false;
      this.deps.metrics.sourceConnected.set({ source: this.name }, 0);
      const connection = this.connection;
      this.connection = undefined;
      await connection?.close().catch(() => undefined);
      if (!this.running) break;
      if (this.resubscribing) continue;
      const reason = lostReason ?? 'connection lost';
      this.since.down(reason);
      const backoff = pause(this.streak.failed(reason));
      this.wake = backoff.wake;
      await backoff.done;
    }
  }

  private lostReason: string | undefined;
  /** The configured nodes it subscribes, by index: all but those left out (over-bound-nodes.ts). */
  private subscribed(): { index: number; node: OpcuaSourceConfig['nodes'][number] }[] {
    return this.config.nodes.flatMap((node, index) => (this.overBound.has(index) ? [] : [{ index, node }]));
  }

  /** Nodes that were left out read again: the subscription is built again with them, at once (not a failure). */
  private resubscribe(): void {
    if (!this.isConnected) return; // the loop is building one, which takes them in
    this.resubscribing = true;
    this.isConnected = false;
    this.wake?.();
  }

  /** Ends the current subscription so the loop builds a new one. */
  private rebuild(reason: string): void {
    if (!this.isConnected) return;
    this.lostReason = `device ${this.name} (${this.config.endpoint}): ${reason}`;
    this.isConnected = false;
    this.wake?.();
  }

  private tagError(index: number, message: string): void {
    const key = `${index}:${message}`;
    if (this.tagErrors.has(key)) return;
    this.tagErrors.add(key);
    this.deps.metrics.sourceErrors.inc({ source: this.name, kind: 'tag' });
    this.deps.logger.warn({ source: this.name, channel: this.config.nodes[index].channel }, this.onDevice(message));
  }

  /** A publish response (changes, or a keep-alive): the subscription lives, and with it every item's last value. */
  private onPublish(publishTs: number | undefined): void {
    const now = this.batches.published(publishTs);
    this.silence.heard(now);
    this.streak.published(this.connectionCount);
    if (this.leftOutUnsent) this.sendLeftOut(now);
  }

  /**
   * The nodes left out, each as a bad sample saying why, with the subscription's first publish response; held with
   * the others' values from then on (held-items.ts), as a server that sends BadResponseTooLarge has its item's.
   */
  private sendLeftOut(now: number): void {
    this.leftOutUnsent = false;
    for (const [index, reason] of this.overBound.entries())
      this.batches.add(index, leftOutSample(this.origins[index], reason, now), now);
  }

  /** One notification (the hot path: up to tens of thousands a second). */
  private onReading(index: number, r: Reading): void {
    const now = this.now();
    this.silence.heard(now);
    const origin = this.origins[index];
    if (!origin) return;
    const issue = notificationIssue(() => this.nodeLabel(index), r, this.config.max_message_bytes);
    if (issue) this.tagError(index, issue);
    const gone = this.missing.heard(index, r.status, r.quality === 'bad', () =>
      describeGoneNode(this.nodeLabel(index), r.status!),
    );
    if (gone) this.tagError(index, gone);
    this.batches.add(index, notificationSample(origin, r, now), now, r.serverTs);
  }

  /**
   * Reads every node once. A node that cannot be read (not resolved, a bad status such as
   * BadNodeIdUnknown, a value that is not a number, a value over max_message_bytes) comes back bad with the reason,
   * naming the node; only a failure of the whole connection (server unreachable, refused session) rejects. A response
   * over the bound is read again in parts (read-in-parts.ts), on a new connection where the refusal closed it.
   */
  async readOnce(): Promise<Sample[]> {
    try {
      const reads = await this.readNodes();
      const open = () => connectOpcua(connectOptions(this.config), this.deps.logger);
      const unknown = await unknownReads(open, reads, this.config.nodes);
      return onceSamples(this.config, reads, {
        label: (i) => this.nodeLabel(i),
        setting: this.boundSetting(),
        now: this.now(),
        unknown,
      });
    } catch (err) {
      throw new Error(describeConnectError(this.config, err));
    }
  }

  /** Node ids for the configured nodes on this connection, or why not (node-ids.ts). */
  private resolveNodes(live: () => Promise<OpcuaConnection>, only?: ReadonlySet<number>): Promise<ResolvedNode[]> {
    return resolveNodes(
      live,
      this.config.nodes,
      {
        label: (i) => this.nodeLabel(i),
        overBound: (detail) => describePathOverBound(this.config.max_message_bytes, this.boundSetting(), detail),
        namespacesOverBound: (detail) =>
          describeNamespacesOverBound(this.config.max_message_bytes, this.boundSetting(), detail),
      },
      only,
      this.timing,
    );
  }

  /** Writes a node (alarm actions); a `nsu=` node id by the namespace array, read once a connection. */
  async write(nodeId: string, value: number | boolean): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.isConnected)
      throw new Error(`device ${this.name} (${this.config.endpoint}): not connected`);
    const namespaces = nodeId.startsWith('nsu=') ? await connection.readNamespaceArray() : [];
    await connection.write(resolveNodeId(nodeId, namespaces), value);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.silence.stop();
    this.wake?.();
    await Promise.all([this.loop, this.overBound.stop()]);
    this.isConnected = false;
  }
}
