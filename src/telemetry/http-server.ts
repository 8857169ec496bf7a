/**
 * The gateway's HTTP endpoint: GET /healthz (200 while running, 503 otherwise), GET /metrics
 * (Prometheus text format), GET /api/status (assets, latest scores, active alarms as JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayStatus } from '../runtime/gateway.js';
import type { GatewayMetrics } from './metrics.js';

export interface HttpEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpEndpoint(host: string, port: number, status: () => GatewayStatus, metrics: GatewayMetrics): Promise<HttpEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') {
      const s = status();
      const ok = s.state === 'running';
      return send(ok ? 200 : 503, 'application/json', `${JSON.stringify({ status: ok ? 'ok' : s.state, sources: s.sources, degraded_assets: s.assets.filter((a) => a.degraded).map((a) => a.name) })}\n`);
    }
    if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => send(200, metrics.registry.contentType, text))
        .catch((err: Error) => send(500, 'text/plain', `${err.message}\n`));
      return;
    }
    if (path === '/api/status') return send(200, 'application/json', `${JSON.stringify(status())}\n`);
    send(404, 'text/plain', 'not found: try /healthz, /metrics or /api/status\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
