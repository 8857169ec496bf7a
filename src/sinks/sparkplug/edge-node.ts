/**
 * storage.sparkplug: the gateway as a Sparkplug B edge node, each asset a device (Eclipse Sparkplug 3.0).
 *
 * At each connection: NBIRTH (its bdSeq, the same as the NDEATH registered as the will of that connection), then a
 * DBIRTH per device with every metric at its current value; then DDATA with the metrics that changed. `seq` counts
 * every message after NBIRTH (which has 0) and wraps 255 → 0. Commands: commands.ts (only a Rebirth is obeyed).
 *
 * While the broker cannot be reached nothing is queued: the metrics keep their current values, which the births at the
 * reconnection carry, and the changes in between are counted as dropped (linewatch_sink_dropped_points_total,
 * reason offline) and said once at the reconnection.
 *
 * With `primary_host_id`, the node births only while that host's STATE says online, and publishes its NDEATH and
 * disconnects when it says offline (birth-gate.ts); meanwhile it keeps the metrics as while the broker is away.
 */
import type { MqttClient } from 'mqtt';
import { brokerErrorText, connectMqtt } from '../../core/mqtt-connection.js';
import { shownTopic, type RefusedPacket } from '../../core/mqtt-packet-bound.js';
import type { AssetOutline } from '../../core/asset-outline.js';
import type { Sink, SinkCommandsDropped, SinkRecords } from '../../core/components.js';
import type { ComponentDeps } from '../../telemetry/component-deps.js';
import { declaredMetrics, DeviceMetrics, recordMetrics } from './device-metrics.js';
import { nextBdSeq, saveBdSeq } from './bdseq-file.js';
import { BirthGate, type NotBorn } from './birth-gate.js';
import { COMMAND_DROPS, CommandGate } from './command-gate.js';
import { SparkplugCommands } from './commands.js';
import { clearCommand, refusedCommandText, RetainedCommands } from './retained-commands.js';
import { deathPayload, devicePayload, deviceTopic, nodeBirthPayload, nodeTopic, type EdgeNodeId } from './payloads.js';
import type { SparkplugConfig } from './schema.js';

export const SPARKPLUG_SINK = 'sparkplug';

/** How soon the client connects again after a connection closed or failed, and how long a connect may take. */
const RECONNECT_PERIOD_MS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;

/** The largest command taken from the broker (an NCMD with a Rebirth is a few dozen bytes). */
const MAX_INCOMING_BYTES = 64 * 1024;
/** How long a clean stop waits for its DDEATHs and NDEATH to be acknowledged. */
const STOP_WAIT_MS = 3000;

export interface EdgeNodeDeps extends ComponentDeps {
  readonly now?: () => number;
  /** What each asset will carry: its metrics are declared in its first DBIRTH, null until their first value. */
  readonly assets?: readonly AssetOutline[];
}

export class SparkplugEdgeNode implements Sink {
  readonly name = SPARKPLUG_SINK;
  private client: MqttClient | undefined;
  private readonly metrics: DeviceMetrics;
  private bdSeq: number;
  private seq = 0;
  private born = false;
  /** The broker accepted the connection now open (its will is registered). */
  private accepted = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Since when the broker cannot be reached, and why; undefined while connected. */
  private down: NotBorn;
  /** Metric values replaced unsent since the connection was lost. */
  private droppedOffline = 0;
  private readonly commands: SparkplugCommands;
  /** Where bdSeq is kept: bdseq_file, unless it holds something else (a file named by mistake is never replaced). */
  private bdSeqFile: string | undefined;
  /** When it births and when it leaves for its primary host (primary_host_id). */
  private readonly gate: BirthGate;
  /** The connection now open subscribed to its topics (a birth may follow). */
  private subscribed = false;
  /** Retained commands over MAX_INCOMING_BYTES, cleared at the next connection (retained-commands.ts). */
  private readonly retained: RetainedCommands;

  constructor(
    private readonly config: SparkplugConfig,
    private readonly id: EdgeNodeId,
    private readonly deps: EdgeNodeDeps,
  ) {
    this.metrics = new DeviceMetrics(config.deadband);
    if (deps.assets) this.metrics.declare(declaredMetrics(deps.assets, config.publish));
    this.bdSeq = 0;
    this.down = { since: this.now(), error: `Sparkplug broker ${config.url}: not connected yet` };
    this.commands = new SparkplugCommands(
      nodeTopic(id, 'NCMD'),
      deps.logger,
      () => {
        if (this.client && this.born) this.birth(this.client);
      },
      () => this.now(),
      new CommandGate(
        () => performance.now(),
        () => this.now(),
      ),
      (reason) => deps.metrics.sparkplugCommandsDropped.inc({ reason }),
    );
    this.gate = new BirthGate(config.primary_host_id, deps.logger, () => this.now());
    this.retained = new RetainedCommands(id);
    // Created at 0 (docs/metrics.md, series from the start): an alert on increase() sees the first drop.
    for (const reason of COMMAND_DROPS) deps.metrics.sparkplugCommandsDropped.inc({ reason }, 0);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private will() {
    return {
      topic: nodeTopic(this.id, 'NDEATH'),
      payload: deathPayload(this.bdSeq, this.now()),
      qos: 1 as const,
      retain: false,
    };
  }

  async start(): Promise<void> {
    const c = this.config;
    if (c.bdseq_file !== undefined) {
      const { bdSeq, why } = nextBdSeq(c.bdseq_file);
      if (why)
        this.deps.logger.warn(
          { sink: this.name },
          `Sparkplug: bdSeq file ${why}; bdSeq starts at 0 and is not kept: the file is left as it is (remove it, or name another bdseq_file)`,
        );
      this.bdSeqFile = why ? undefined : c.bdseq_file;
      this.bdSeq = bdSeq;
      await this.keepBdSeq();
    }
    const client = connectMqtt(c, {
      role: 'Sparkplug edge node',
      defaultClientId: `linewatch-sparkplug-${this.id.node}`,
      options: {
        protocolVersion: c.protocol_version,
        clean: true,
        // Nothing is sent while disconnected: a DDATA kept by mqtt.js would go out before the next NBIRTH.
        queueQoSZero: false,
        reconnectPeriod: RECONNECT_PERIOD_MS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        will: this.will(),
      },
      incoming: {
        maxPacketBytes: MAX_INCOMING_BYTES,
        onRefused: (packet) => this.refusedPacket(packet),
      },
    });
    this.client = client;
    client.on('connect', () => {
      this.accepted = true;
      void this.connected(client);
    });
    client.on('message', (topic, payload, packet) => {
      if (this.gate.isHostState(topic)) this.hostState(client, payload);
      else this.commands.take(topic, payload, packet.retain);
    });
    client.on('error', (err) => {
      const error = `Sparkplug broker ${c.url}: ${brokerErrorText(err, c)}`;
      if (this.down.error !== error) this.deps.logger.warn({ sink: this.name }, error);
      this.down = { since: this.born ? this.now() : this.down.since, error };
      this.deps.metrics.sinkWriteErrors.inc({ sink: this.name, kind: 'network' });
    });
    client.on('close', () => {
      if (this.born || this.subscribed) {
        this.born = false;
        this.down = { since: this.now(), error: `Sparkplug broker ${c.url}: connection lost` };
        this.deps.logger.warn({ sink: this.name }, `${this.down.error}; the next connection births again`);
      }
      // The broker publishes this connection's NDEATH (even one lost before its NBIRTH); the next connection has the
      // next bdSeq, and its will says so. A clean stop sent its NDEATH itself: the file keeps its bdSeq.
      if (this.accepted && !this.closed) {
        this.bdSeq = (this.bdSeq + 1) % 256;
        client.options.will = this.will();
        void this.keepBdSeq();
      }
      this.accepted = false;
      this.subscribed = false;
    });
  }

  /** A packet over MAX_INCOMING_BYTES closed the connection: said, and a retained command is cleared at the next. */
  private refusedPacket(packet: RefusedPacket): void {
    const command = this.retained.refused(packet);
    const topic = packet.topic === undefined ? 'no topic' : shownTopic(packet.topic);
    this.deps.logger.warn(
      { sink: this.name },
      `Sparkplug broker ${this.config.url} sent a packet over ${MAX_INCOMING_BYTES} bytes on ${topic}: refused unread${refusedCommandText(command)}`,
    );
  }

  /** Deletes a retained command (an empty retained message on its topic), before subscribing brings it again. */
  private async clearRetained(client: MqttClient, topic: string): Promise<void> {
    try {
      await client.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
      this.deps.logger.warn(
        { sink: this.name },
        `Sparkplug: published an empty retained message on ${shownTopic(topic)} to clear the retained command over ${MAX_INCOMING_BYTES} bytes there, which closed each connection`,
      );
    } catch (err) {
      this.deps.logger.warn(
        { sink: this.name },
        `Sparkplug: the retained command on ${shownTopic(topic)} could not be cleared (${(err as Error).message}): clear it as a user who may publish there: ${clearCommand(topic)}`,
      );
    }
  }

  /** Saves the bdSeq of the next will (before it is used: a failure is logged, and the node goes on). */
  private async keepBdSeq(): Promise<void> {
    const path = this.bdSeqFile;
    if (path === undefined) return;
    try {
      await saveBdSeq(path, this.bdSeq);
    } catch (err) {
      this.deps.logger.warn(
        { sink: this.name },
        `Sparkplug: bdSeq ${this.bdSeq} not kept in ${path} (${(err as Error).message}): a restart starts again from the last one kept`,
      );
    }
  }

  private async connected(client: MqttClient): Promise<void> {
    for (const topic of this.retained.take()) await this.clearRetained(client, topic);
    try {
      // §5.4: the host's STATE topic with QoS 1 (tck-id-message-flow-edge-node-birth-publish-phid-wait).
      const topics = [nodeTopic(this.id, 'NCMD'), deviceTopic(this.id, 'DCMD', '+')];
      await client.subscribeAsync(this.gate.topics(topics), { qos: 1 });
    } catch (err) {
      this.deps.logger.warn(
        { sink: this.name },
        `Sparkplug: subscribing to commands failed: ${(err as Error).message}`,
      );
    }
    // Closed while subscribing: the close said so, and the next connection births.
    if (!client.connected) return;
    this.subscribed = true;
    this.deps.logger.info(
      { sink: this.name },
      `Sparkplug edge node ${this.id.group}/${this.id.node} connected to ${this.config.url} (bdSeq ${this.bdSeq})`,
    );
    if (!this.gate.mayBirth()) return;
    this.sayDropped(`Sparkplug broker ${this.config.url} reachable again`);
    this.birth(client);
  }

  /** Says, once, the metric values replaced unsent while the node was not born (the births carry the last ones). */
  private sayDropped(what: string): void {
    if (this.droppedOffline > 0)
      this.deps.logger.warn(
        { sink: this.name },
        `${what}: ${this.droppedOffline} metric values replaced while it was not were not sent (the births carry each metric's last value)`,
      );
    this.droppedOffline = 0;
  }

  /** A message on the primary host's STATE topic: births once it is online, leaves once it is offline. */
  private hostState(client: MqttClient, payload: Buffer): void {
    const node = { subscribed: this.subscribed, connected: client.connected, born: this.born, closed: this.closed };
    const step = this.gate.take(payload, node);
    if (step === 'leave') void this.leaveForHost(client);
    else if (step) {
      this.sayDropped(step.birth);
      this.birth(client);
    }
  }

  /**
   * The primary host went offline: NDEATH, then a clean disconnect, then the connection is made again (Sparkplug
   * 3.0.0 §5.4 tck-id-message-flow-edge-node-birth-publish-phid-offline, §5.5 -termination-host-offline); the next
   * connection (the next bdSeq) births once the host's STATE says online again.
   */
  private async leaveForHost(client: MqttClient): Promise<void> {
    this.born = false;
    this.subscribed = false;
    this.down = this.gate.leaving();
    await settleWithin([this.publishDeath(client)]);
    if (this.closed) return;
    client.end(false, {}, () => {
      if (!this.closed) client.reconnect();
    });
  }

  /** The NDEATH of this connection (its bdSeq), sent by the node itself with its send time. */
  private publishDeath(client: MqttClient): Promise<unknown> {
    return client.publishAsync(nodeTopic(this.id, 'NDEATH'), deathPayload(this.bdSeq, this.now()), { qos: 1 });
  }

  /** NBIRTH and a DBIRTH of every device, seq from 0. */
  private birth(client: MqttClient): void {
    this.born = true;
    this.down = { since: this.now(), error: '' };
    this.seq = 0;
    client.publish(nodeTopic(this.id, 'NBIRTH'), nodeBirthPayload(this.bdSeq, this.now()), { qos: 0 });
    this.metrics.rebirthAll();
    this.send();
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) % 256;
    return this.seq;
  }

  /** Publishes the births and changes pending (while born). */
  private send(): void {
    const client = this.client;
    if (!client || !this.born) return;
    const { births, data } = this.metrics.take();
    for (const [device, metrics] of births)
      client.publish(deviceTopic(this.id, 'DBIRTH', device), devicePayload(this.nextSeq(), this.now(), metrics), {
        qos: 0,
      });
    for (const [device, metrics] of data)
      client.publish(deviceTopic(this.id, 'DDATA', device), devicePayload(this.nextSeq(), this.now(), metrics), {
        qos: 0,
      });
  }

  write(records: SinkRecords): void {
    if (this.closed) return;
    const { superseded } = this.metrics.update(recordMetrics(records, this.config.publish));
    if (!this.born) {
      // Only a metric's last value is sent at the next birth: the values it replaced are lost.
      if (superseded > 0) this.deps.metrics.sinkDroppedPoints.inc({ sink: this.name, reason: 'offline' }, superseded);
      this.droppedOffline += superseded;
      return;
    }
    if (this.config.publish_interval_ms === 0) this.send();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.send();
      }, this.config.publish_interval_ms);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.send();
  }

  /** A connect failed is tried again after RECONNECT_PERIOD_MS, and heard back from within CONNECT_TIMEOUT_MS. */
  retryCycleMs(): number {
    return RECONNECT_PERIOD_MS + CONNECT_TIMEOUT_MS;
  }

  /** The commands dropped undecoded (command-gate.ts), for /api/status. */
  commandsDropped(): SinkCommandsDropped | undefined {
    return this.commands.gate.dropped();
  }

  failing(): { readonly since: number; readonly error: string } | undefined {
    if (this.born) return undefined;
    return this.gate.notBorn(this.subscribed, this.down);
  }

  /** Publishes DDEATHs and NDEATH (acknowledged, within STOP_WAIT_MS), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commands.close();
    await this.flush();
    const client = this.client;
    if (!client) return;
    if (this.born) {
      const deaths = [
        ...this.metrics.devices().map((device) =>
          client.publishAsync(deviceTopic(this.id, 'DDEATH', device), devicePayload(this.nextSeq(), this.now(), []), {
            qos: 1,
          }),
        ),
        this.publishDeath(client),
      ];
      await settleWithin(deaths);
    }
    this.born = false;
    await client.endAsync(true);
  }
}

/** Waits for the publishes to be acknowledged, or STOP_WAIT_MS. */
async function settleWithin(publishes: readonly Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(publishes),
    new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
  ]);
  clearTimeout(timer);
}
