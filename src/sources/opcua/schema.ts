/** The configuration of the opcua source type: an endpoint, its security and the nodes it subscribes to. */
import { z } from 'zod';
import { nameSchema as name } from '../../core/config-primitives.js';

export const opcuaNodeSchema = z
  .strictObject({
    channel: name,
    /** `ns=2;s=Pump1.flow`, or `nsu=<namespace URI>;s=...` (the index is resolved at every connect). */
    node_id: z
      .string()
      .regex(
        /^(ns=\d+;|nsu=[^;]+;)?[isgb]=.+$/,
        'expected a node id such as "ns=2;s=Pump1.flow" or "nsu=urn:plant;i=1001"',
      )
      .optional(),
    /**
     * ...or a browse path from the root, resolved on the server at every connect:
     * `/Objects/Plant/Pump1/flow`; an element may name its namespace index (`2:Pump1`), else
     * `browse_namespace` gives it (Objects, Server and Types are the standard namespace).
     */
    browse_path: z
      .string()
      .regex(/^(\/[^/]+)+$/, 'expected a browse path such as "/Objects/Plant/Pump1/flow"')
      .optional(),
    /** Namespace URI of the browse path's elements that name no index. */
    browse_namespace: z.string().min(1).optional(),
    sampling_interval_ms: z.number().int().min(0).optional(),
    queue_size: z.number().int().min(1).default(1),
    deadband: z.strictObject({ type: z.enum(['absolute', 'percent']), value: z.number().min(0) }).optional(),
    unit: z.string().optional(),
  })
  .refine((n) => (n.node_id === undefined) !== (n.browse_path === undefined), {
    message: 'give either node_id or browse_path',
  });

export const opcuaSourceSchema = z.strictObject({
  name,
  type: z.literal('opcua'),
  endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, 'expected an endpoint URL such as opc.tcp://plc:4840'),
  asset: name,
  security_mode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  security_policy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** X.509 user authentication: the user's certificate (PEM) and private key (PEM). */
  user_certificate_file: z.string().optional(),
  user_private_key_file: z.string().optional(),
  /** Client certificate and trust lists; default `<data_dir>/opcua-pki`. */
  pki_dir: z.string().optional(),
  publishing_interval_ms: z.number().int().min(10).default(1000),
  /** No notification nor keep-alive for this long: the subscription is rebuilt. */
  stale_after_ms: z.number().int().min(100).default(10_000),
  timeout_ms: z.number().int().min(100).default(5000),
  nodes: z.array(opcuaNodeSchema).min(1),
});

export type OpcuaSourceConfig = z.infer<typeof opcuaSourceSchema>;
