/** The configuration of the gateway's OPC UA server (storage.opcua_server, docs/opcua-server.md). */
import { z } from 'zod';
import { nameSchema, portSchema } from '../../core/config-primitives.js';
import { DEFAULT_QUEUE_SIZE, NODE_OPCUA_MAX_QUEUE_SIZE } from './queue-bound.js';
import { DEFAULT_NOTIFICATIONS_PER_PUBLISH, NODE_OPCUA_MAX_NOTIFICATIONS_PER_PUBLISH } from './notification-bound.js';

/** Message security modes a client may open a channel with; None only where listed. */
export const SECURITY_MODES = ['SignAndEncrypt', 'Sign', 'None'] as const;
/** Security policies offered with Sign and SignAndEncrypt (those OPC UA 1.05 keeps; the SHA-1 ones are left out). */
export const SECURITY_POLICIES = ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

const userSchema = z.strictObject({
  username: z.string().min(1).max(64).describe('User name a client logs in with.'),
  password: z
    .string()
    .min(8, 'use a password of at least 8 characters')
    .max(256)
    .describe('Its password, best from the environment: ${OPCUA_SERVER_PASSWORD}.'),
});

export const opcuaServerSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address listened on (default 127.0.0.1: this machine only). Beyond loopback, anonymous sessions or security mode None need public_reads: true.',
    ),
  port: portSchema.default(4840).describe('TCP port (4840: the OPC UA default).'),
  assets: z
    .array(nameSchema)
    .min(1)
    .optional()
    .describe('The assets offered, each a folder; default every asset of the configuration.'),
  security_modes: z
    .array(z.enum(SECURITY_MODES))
    .min(1)
    .default(['SignAndEncrypt', 'Sign'])
    .describe(
      'Message security modes of its endpoints: SignAndEncrypt, Sign, and None only where listed here (no signature: anyone on the path can read and change the messages).',
    ),
  security_policies: z
    .array(z.enum(SECURITY_POLICIES))
    .min(1)
    .default([...SECURITY_POLICIES])
    .describe('Security policies of the Sign and SignAndEncrypt endpoints.'),
  allow_anonymous: z
    .boolean()
    .default(false)
    .describe('true: a client may open a session without a user; off unless set.'),
  users: z
    .array(userSchema)
    .max(32)
    .default([])
    .describe('Who may open a session with a user name and password (read only: no variable is writable).'),
  trust_unknown_clients: z
    .boolean()
    .default(false)
    .describe(
      "true: a client's certificate the server does not know is trusted at first sight; without it, it is refused and put in <data_dir>/opcua-server-pki/rejected, to be moved to trusted/certs by whoever trusts it (security mode None checks no certificate).",
    ),
  public_reads: z
    .boolean()
    .default(false)
    .describe(
      'true: a host beyond loopback may offer anonymous sessions or security mode None, to anyone who reaches it (a plant network that may read the results). Without it such a host is refused.',
    ),
  max_sessions: z.number().int().min(1).max(100).default(10).describe('Sessions open at once; one more is refused.'),
  max_subscriptions_per_session: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Subscriptions one session may hold.'),
  max_monitored_items: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1000)
    .describe('Monitored items of all sessions together (and of one subscription).'),
  max_monitored_item_queue_size: z
    .number()
    .int()
    .min(1)
    .max(NODE_OPCUA_MAX_QUEUE_SIZE)
    .default(DEFAULT_QUEUE_SIZE)
    .describe(
      "Values one monitored item holds between two publishes: a client's larger queueSize is revised to it (past it the oldest is dropped). The default, 100, holds what an item sampled at the server's fastest (100 ms) produces in 10 s.",
    ),
  max_notifications_per_publish: z
    .number()
    .int()
    .min(1)
    .max(NODE_OPCUA_MAX_NOTIFICATIONS_PER_PUBLISH)
    .default(DEFAULT_NOTIFICATIONS_PER_PUBLISH)
    .describe(
      "Notifications one publish response carries: a subscription's larger maxNotificationsPerPublish (or 0, no limit) is revised to it. A subscription keeps its last 100 responses until the client acknowledges them, so it holds at most 100 times this many unacknowledged. The default, 100, holds 10,000 a subscription (about 1.3 MiB); more changes than fit go out in the next responses at once, none is lost. Raise it for a client that holds one Publish request at a time on large subscriptions over a slow link.",
    ),
});

export type OpcuaServerConfig = z.infer<typeof opcuaServerSchema>;
