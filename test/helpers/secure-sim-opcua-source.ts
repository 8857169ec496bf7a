/** A source reading the simulator's Pump1.flow over SignAndEncrypt with Basic256Sha256, as the certificate tests do. */
import { opcuaSourceSchema } from '../../src/config/schema.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import type { Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

export function secureSimSource(name: string, endpoint: string, pkiDir: string, logger: Logger): OpcuaSource {
  return new OpcuaSource(
    opcuaSourceSchema.parse({
      name,
      type: 'opcua',
      endpoint,
      asset: 'pump-1',
      pki_dir: pkiDir,
      security_mode: 'SignAndEncrypt',
      security_policy: 'Basic256Sha256',
      nodes: [{ channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' }],
    }),
    { logger, metrics: new GatewayMetrics() },
  );
}
