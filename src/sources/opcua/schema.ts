/** The configuration of the opcua source type: an endpoint, its security and the nodes it subscribes to. */
import { z } from 'zod';
import { nameSchema as name, timerMsSchema, unitSchema } from '../../core/config-primitives.js';
import { MIN_TIMEOUT_MS } from './timed-out.js';

/**
 * What is wrong with a node id the schema refuses, and the id meant where it can be told: a namespace with no
 * identifier type (`ns=3;"DB_Pump"."Flow"`, the tag as a PLC's tool shows it, is `ns=3;s="DB_Pump"."Flow"`), or a comma
 * for the semicolon.
 */
export function nodeIdError(input: unknown): string {
  const example = 'expected a node id such as "ns=2;s=Pump1.flow" or "nsu=urn:plant;i=1001"';
  if (typeof input !== 'string') return example;
  const untyped = /^(ns=\d+;|nsu=[^;]+;)(?![isgb]=)(.+)$/.exec(input);
  if (untyped)
    return `${example}: its identifier ${JSON.stringify(untyped[2])} has no type (s= a string, i= a number, g= a GUID, b= base64); a tag name is a string: did you mean ${JSON.stringify(`${untyped[1]}s=${untyped[2]}`)}?`;
  const comma = /^(ns=\d+|nsu=[^;,]+),([isgb]=.+)$/.exec(input);
  if (comma)
    return `${example}: the namespace and the identifier are separated by ";": did you mean ${JSON.stringify(`${comma[1]};${comma[2]}`)}?`;
  if (!/^nsu?=|^[isgb]=/.test(input))
    return `${example}: ${JSON.stringify(input)} names no namespace nor identifier type: a PLC's tag is a string in the PLC's namespace, ${JSON.stringify(`ns=<its index>;s=${input}`)} (or nsu=<its URI>;s=…)`;
  return example;
}

/** A deadband given as a bare number: the two ways to write it. */
function deadbandError(value: number): string {
  return `a deadband is a type and a value: write { type: absolute, value: ${value} } (in the value's own units) or { type: percent, value: ${value} } (of the node's EURange)`;
}

export const opcuaNodeSchema = z
  .strictObject({
    channel: name.describe('The channel name the value is stored and scored under.'),
    node_id: z
      .string()
      .regex(/^(ns=\d+;|nsu=[^;]+;)?[isgb]=.+$/, { error: (issue) => nodeIdError(issue.input) })
      .optional()
      .describe('`ns=2;s=Pump1.flow`, or `nsu=<namespace URI>;s=...` (the index is resolved at every connect).'),
    browse_path: z
      .string()
      .regex(/^(\/[^/]+)+$/, 'expected a browse path such as "/Objects/Plant/Pump1/flow"')
      .optional()
      .describe(
        '...or a browse path from the root, resolved on the server at every connect: `/Objects/Plant/Pump1/flow`; an element may name its namespace index (`2:Pump1`), else `browse_namespace` gives it (Objects, Server and Types are the standard namespace).',
      ),
    browse_namespace: z
      .string()
      .min(1)
      .optional()
      .describe("Namespace URI of the browse path's elements that name no index."),
    sampling_interval_ms: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('How often the server samples the node (default: the publishing interval).'),
    queue_size: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Values the server keeps per node between publishes (default: twice the samples it takes in a publishing interval, at most 100, so that none is dropped between publishes; a server that grants less is logged).',
      ),
    deadband: z
      .strictObject(
        {
          type: z
            .enum(['absolute', 'percent'])
            .describe("absolute: in the value's own units; percent: of the node's EURange (its engineering range)."),
          value: z.number().min(0).describe("The deadband's size."),
        },
        { error: (issue) => (typeof issue.input === 'number' ? deadbandError(issue.input) : undefined) },
      )
      .optional()
      .describe('Report only changes beyond this (absolute, or percent of the range).'),
    unit: unitSchema.optional(),
  })
  .refine((n) => (n.node_id === undefined) !== (n.browse_path === undefined), {
    message: 'give either node_id or browse_path',
  });

export const opcuaSourceSchema = z.strictObject({
  name,
  type: z.literal('opcua').describe('The source type.'),
  endpoint: z
    .string()
    .regex(/^opc\.tcp:\/\/.+/, 'expected an endpoint URL such as opc.tcp://plc:4840')
    .describe("The server's endpoint URL."),
  asset: name.describe("The asset the nodes' channels belong to."),
  security_mode: z
    .enum(['None', 'Sign', 'SignAndEncrypt'])
    .default('None')
    .describe('Message security: None, Sign or SignAndEncrypt.'),
  security_policy: z
    .enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])
    .optional()
    .describe('Security policy (with Sign or SignAndEncrypt).'),
  username: z.string().optional().describe('User name (with password).'),
  password: z.string().optional().describe('Password, best from the environment: ${OPCUA_PASSWORD}.'),
  user_certificate_file: z
    .string()
    .optional()
    .describe("X.509 user authentication: the user's certificate (PEM) and private key (PEM)."),
  user_private_key_file: z.string().optional().describe('The private key (PEM) of user_certificate_file.'),
  pki_dir: z.string().optional().describe('Client certificate and trust lists; default `<data_dir>/opcua-pki`.'),
  publishing_interval_ms: z
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe(
      'How often the subscription publishes changes; values that did not change are sent again with a publish or keep-alive, so they stay fresh while the subscription lives (keep max_sample_age_ms at four publishing intervals or more).',
    ),
  stale_after_ms: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('No notification nor keep-alive for this long: the subscription is rebuilt.'),
  timeout_ms: timerMsSchema(MIN_TIMEOUT_MS)
    .default(5000)
    .describe(
      "Connect and request timeout: the longest the connect, and each request (a read, an alarm's write, a translation), waits for the server's answer; a connection without a byte from the server for this long is closed.",
    ),
  max_message_bytes: z
    .number()
    .int()
    .min(65_536)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024)
    .describe(
      "The largest message the server may send, in bytes (64 KiB to 64 MiB): announced to it when connecting and kept whatever it answers; a larger one is refused from its first chunks, the connection closed and built again. Publish responses carry about 35 bytes per changed item (1,500 items: 42 KB), a server's endpoints and certificates 10 to 200 KB: the default, 4 MiB, leaves room for 100,000 changes in one response.",
    ),
  nodes: z.array(opcuaNodeSchema).min(1).describe('The nodes subscribed to, one channel each.'),
});

export type OpcuaSourceConfig = z.infer<typeof opcuaSourceSchema>;
