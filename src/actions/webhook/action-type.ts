/** webhook: POSTs the alarm event (or the part result) as JSON, e.g. to a ticket system or a chat. */
import { z } from 'zod';
import { timerMsSchema } from '../../core/config-primitives.js';
import { bodyExcerpt } from '../../core/http-body.js';
import { ALARM_STATES } from '../../core/types.js';
import {
  actionName,
  actionRetry,
  maxQueuedSchema,
  defineAction,
  isSelected,
  triggerLabel,
  triggerPayload,
} from '../action-type.js';

export const webhookActionSchema = z
  .strictObject({
    type: z.literal('webhook'),
    name: actionName,
    url: z.url().describe('The URL POSTed to.'),
    on: z.array(z.enum(ALARM_STATES)).min(1).default(['unack_active']).describe('Target states that trigger the call.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra request headers (an authorization token...).'),
    timeout_ms: timerMsSchema(100)
      .default(5000)
      .describe('A call without an answer in this time fails and is retried.'),
    max_queued: maxQueuedSchema,
    ...actionRetry,
  })
  .describe('POSTs the alarm event as JSON on the listed transitions.');

export type WebhookActionConfig = z.infer<typeof webhookActionSchema>;

export const webhookActionType = defineAction({
  type: 'webhook',
  schema: webhookActionSchema,
  follows: false,
  sample: `# A message to the maintenance chat when the alarm is raised and when it returns to normal.
type: webhook
url: https://chat.example.com/hooks/line-3
on: [unack_active, normal]
headers: { authorization: "Bearer \${CHAT_TOKEN}" }
`,
  driver: (c) => ({
    job(t) {
      if (!isSelected(c, t, c.on)) return undefined;
      const body = triggerPayload(t);
      return {
        what: triggerLabel(t),
        describe: `POST ${c.url}`,
        run: async () => {
          const res = await fetch(c.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...c.headers },
            body,
            signal: AbortSignal.timeout(c.timeout_ms),
          });
          if (!res.ok) throw new Error(`answered ${res.status} ${await bodyExcerpt(res, 200)}`);
          await res.body?.cancel().catch(() => undefined); // the receiver's answer is not read
        },
      };
    },
  }),
});
