/** The OPC UA server sink as the tests start it: gateway gw-test offering one scored asset, pump-1, with no channel. */
import { OpcuaServerSink } from '../../../src/sinks/opcua-server/opcua-server-sink.js';
import { opcuaServerSchema } from '../../../src/sinks/opcua-server/schema.js';
import type { Logger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

/** The sink (not started) with `config` (storage.opcua_server, parsed), its PKI in `pkiDir`. */
export function pumpServerSink(config: Record<string, unknown>, pkiDir: string, logger: Logger): OpcuaServerSink {
  return new OpcuaServerSink(
    opcuaServerSchema.parse(config),
    { gateway: 'gw-test', pkiDir },
    {
      logger,
      metrics: new GatewayMetrics(),
      tags: { site: 's', line: 'l', gateway: 'gw-test' },
      openQueue: () => {
        throw new Error('the OPC UA server queues nothing');
      },
      assets: [{ asset: 'pump-1', scored: true, alarms: ['anomaly'], channels: [], parts: false }],
    },
  );
}
