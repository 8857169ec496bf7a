/** A Sparkplug host application for tests: subscribes to a group on a real broker, decodes with sparkplug-payload. */
import mqtt, { type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';

const codec = sparkplugPayload.get('spBv1.0')!;

export interface HostMessage {
  /** NBIRTH, DDATA, ... */
  readonly type: string;
  readonly node: string;
  readonly device?: string;
  readonly seq?: number;
  /** Metric values by name (UInt64 as numbers). */
  readonly metrics: Record<string, unknown>;
  readonly timestamps: Record<string, number | undefined>;
}

const plain = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && 'low' in v ? Number((v as { toString(): string }).toString()) : v;

export interface SparkplugHost {
  readonly client: MqttClient;
  readonly messages: HostMessage[];
  /** Resolves with the first message, received already or later, from the `from`-th on, that matches. */
  next(matches: (m: HostMessage) => boolean, from?: number): Promise<HostMessage>;
  /** Publishes a command (NCMD to the node, DCMD with `device`). */
  command(node: string, metrics: { name: string; type: string; value: unknown }[], device?: string): Promise<void>;
  end(): Promise<void>;
}

export async function sparkplugHost(url: string, group: string): Promise<SparkplugHost> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `host-${group}-${Math.random()}` });
  const messages: HostMessage[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload) => {
    const [, , type, node, device] = topic.split('/');
    if (type!.endsWith('CMD')) return;
    const p = codec.decodePayload(payload);
    const metrics: Record<string, unknown> = {};
    const timestamps: Record<string, number | undefined> = {};
    for (const m of p.metrics ?? []) {
      metrics[m.name!] = plain(m.value);
      timestamps[m.name!] = m.timestamp == null ? undefined : (plain(m.timestamp) as number);
    }
    messages.push({
      type: type!,
      node: node!,
      ...(device !== undefined ? { device } : {}),
      ...(p.seq != null ? { seq: plain(p.seq) as number } : {}),
      metrics,
      timestamps,
    });
    for (const w of [...waiters]) w();
  });
  await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
  return {
    client,
    messages,
    next: (matches, from = 0) =>
      new Promise((resolve) => {
        const look = () => {
          const found = messages.slice(from).find(matches);
          if (!found) return;
          waiters.delete(look);
          resolve(found);
        };
        waiters.add(look);
        look();
      }),
    command: async (node, metrics, device) => {
      const type = device === undefined ? 'NCMD' : 'DCMD';
      const topic = `spBv1.0/${group}/${type}/${node}${device === undefined ? '' : `/${device}`}`;
      await client.publishAsync(
        topic,
        Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: metrics as never })),
        { qos: 1 },
      );
    },
    end: () => client.endAsync(true),
  };
}
