/** A gateway's remote configuration outcomes, read where the cloud reads them: `<prefix>/<gateway>/config/outcome`. */
import mqtt from 'mqtt';
import type { RemoteConfigRun } from '../../src/remote-config/runner.js';

export type Outcome = Record<string, unknown>;

export interface OutcomeWatch {
  /** The next outcome published from now on (not the retained one), the next that `matches` where given. */
  next(matches?: (o: Outcome) => boolean): Promise<Outcome>;
  /** Publishes `payload` retained, QoS 1, on `topic` from this watcher's connection. */
  publish(topic: string, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Watches the outcomes of gateway `gateway` under `prefix` on the broker at `url`. */
export async function watchOutcomes(url: string, prefix: string, gateway = 'press-3'): Promise<OutcomeWatch> {
  const client = await mqtt.connectAsync(url);
  const seen: Outcome[] = [];
  const waiting: { matches: (o: Outcome) => boolean; resolve: (o: Outcome) => void }[] = [];
  client.on('message', (_t, payload, packet) => {
    if (packet.retain) return;
    const outcome = JSON.parse(payload.toString()) as Outcome;
    const at = waiting.findIndex((w) => w.matches(outcome));
    if (at >= 0) waiting.splice(at, 1)[0].resolve(outcome);
    else seen.push(outcome);
  });
  await client.subscribeAsync(`${prefix}/${gateway}/config/outcome`, { qos: 1 });
  return {
    next: (matches = () => true) => {
      const at = seen.findIndex(matches);
      if (at >= 0) return Promise.resolve(seen.splice(at, 1)[0]);
      return new Promise((resolve) => waiting.push({ matches, resolve }));
    },
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1, retain: true });
    },
    close: () => client.endAsync(),
  };
}

/** The outcome retained on the broker at `url` for `gateway` under `prefix` (what a dashboard connecting now reads). */
export async function retainedOutcome(url: string, prefix: string, gateway = 'press-3'): Promise<Outcome> {
  const client = await mqtt.connectAsync(url);
  try {
    const first = new Promise<Outcome>((resolve) =>
      client.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Outcome)),
    );
    await client.subscribeAsync(`${prefix}/${gateway}/config/outcome`, { qos: 1 });
    return await first;
  } finally {
    await client.endAsync();
  }
}

/** Resolves at the next good sample of source `source` in the gateway `run` runs now. */
export function goodSample(run: RemoteConfigRun, source = 'plc'): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = run.daemon().gateway.events.subscribe('samples', (batch) => {
      if (batch.some((s) => s.source === source && s.quality === 'good')) {
        off();
        resolve();
      }
    });
  });
}
