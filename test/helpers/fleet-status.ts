/**
 * A fleet dashboard's view of a test gateway's retained status (`<prefix>/demo-gateway/status` on the shared broker):
 * each status as it comes, and the one a dashboard joining now is given.
 */
import mqtt from 'mqtt';
import { brokerUrl, type TestGateway } from './update-gateway.js';

export type Status = { state: string; ts: string; models?: Record<string, any>[] };

/** pump-1's entry in a status's models, if any. */
export const pump = (s: Status) => s.models?.find((m) => m.asset === 'pump-1');

/** Subscribes now (the retained status comes first, then each one published). */
export async function fleetView(gw: TestGateway) {
  const topic = `${gw.prefix}/demo-gateway/status`;
  const client = await mqtt.connectAsync(brokerUrl());
  const seen: Status[] = [];
  client.on('message', (_t, payload) => seen.push(JSON.parse(payload.toString()) as Status));
  await client.subscribeAsync(topic, { qos: 1 });
  let read = 0;
  return {
    /** The next status (after the last one this returned) that `matches`. */
    async next(matches: (s: Status) => boolean): Promise<Status> {
      for (;;) {
        const k = seen.findIndex((s, i) => i >= read && matches(s));
        if (k >= 0) {
          read = k + 1;
          return seen[k];
        }
        await new Promise((r) => client.once('message', r));
      }
    },
    /** The retained status, as a consumer that subscribes now gets it. */
    async retained(): Promise<Status> {
      const late = await mqtt.connectAsync(brokerUrl());
      const first = new Promise<Status>((r) => late.once('message', (_t, p) => r(JSON.parse(p.toString()) as Status)));
      await late.subscribeAsync(topic, { qos: 1 });
      const status = await first;
      await late.endAsync();
      return status;
    },
    close: () => client.endAsync(),
  };
}
