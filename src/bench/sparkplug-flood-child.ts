/**
 * (Benchmark child process.) A publisher flooding a Sparkplug edge node's command topics with garbage, and a host
 * application timing the node's DDATA, both on their own connections to the broker.
 * argv: url group node. IPC: {flood: {rate, kind, size, ms}} → floods NCMD and DCMD with `rate` messages a second for
 * `ms`, each `size` bytes of repeated protobuf field tags (kind junk: 0x0a, costly to refuse) or a Sparkplug B payload
 * of `size` writes to metrics (kind writes: each refused), then answers {done: {sent, bytes, ddata, maxGapMs}}: the
 * messages published, the size of one, the DDATA seen and the longest time between two of them.
 */
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';

const codec = sparkplugPayload.get('spBv1.0')!;

const [url, group, node] = process.argv.slice(2) as [string, string, string];
const flooder = await mqtt.connectAsync(url, { clientId: `flood-${process.pid}` });
const host = await mqtt.connectAsync(url, { clientId: `host-${process.pid}` });
let ddata: number[] = [];
host.on('message', () => ddata.push(performance.now()));
await host.subscribeAsync(`spBv1.0/${group}/DDATA/${node}/#`, { qos: 0 });
process.send?.({ ready: true });

const TICK_MS = 10;

export type FloodKind = 'junk' | 'writes';

function floodPayload(kind: FloodKind, size: number): Buffer {
  if (kind === 'junk') return Buffer.alloc(size, 0x0a);
  const metrics = Array.from({ length: size }, (_, i) => ({ name: `setpoint/${i}`, type: 'Double', value: i }));
  return Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: metrics as never }));
}

async function flood(rate: number, kind: FloodKind, size: number, ms: number): Promise<void> {
  const payload = floodPayload(kind, size);
  const topics = [`spBv1.0/${group}/NCMD/${node}`, `spBv1.0/${group}/DCMD/${node}/a`];
  ddata = [];
  const until = performance.now() + ms;
  let sent = 0;
  const perTick = (rate * TICK_MS) / 1000;
  let owed = 0;
  while (performance.now() < until) {
    owed += perTick;
    for (; owed >= 1; owed--) flooder.publish(topics[sent++ % 2]!, payload, { qos: 0 });
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  let maxGapMs = 0;
  for (let i = 1; i < ddata.length; i++) maxGapMs = Math.max(maxGapMs, ddata[i]! - ddata[i - 1]!);
  process.send?.({ done: { sent, bytes: payload.length, ddata: ddata.length, maxGapMs } });
}

process.on('message', (m: { flood?: { rate: number; kind: FloodKind; size: number; ms: number } }) => {
  if (m.flood) void flood(m.flood.rate, m.flood.kind, m.flood.size, m.flood.ms);
});
process.on('disconnect', () => void Promise.all([flooder.endAsync(), host.endAsync()]).then(() => process.exit(0)));
