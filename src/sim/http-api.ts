/**
 * The simulator's HTTP control API:
 *   GET    /faults     every fault injected, with its state (scheduled, active, ended) and current level
 *   POST   /faults     inject a fault: {"type":"cavitation","severity":0.8,"ramp_s":5,"duration_s":30}; a sensor
 *                      fault may name its channel: {"type":"stuck_sensor","channel":"flow"}
 *   DELETE /faults     clear every fault
 *   GET    /snapshot   the plant's current signals
 */
import { createServer } from 'node:http';
import { listen } from '../core/http-listen.js';
import { faultSpecSchema } from './faults.js';
import type { LineSimulator } from './line-simulator.js';
import { formatIssues } from '../core/format-issues.js';

export async function startSimHttpApi(
  sim: LineSimulator,
  host: string,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/snapshot' && req.method === 'GET') return json(200, sim.snapshot);
    if (path !== '/faults') return json(404, { error: 'not found: use /faults or /snapshot' });
    if (req.method === 'GET') return json(200, sim.listFaults());
    if (req.method === 'DELETE') {
      sim.clearFaults();
      return json(200, []);
    }
    if (req.method !== 'POST') return json(405, { error: 'use GET, POST or DELETE' });
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let spec: unknown;
      try {
        spec = JSON.parse(body || '{}');
      } catch {
        return json(400, { error: 'body is not JSON' });
      }
      const parsed = faultSpecSchema.safeParse(spec);
      if (!parsed.success) return json(400, { error: formatIssues(parsed.error.issues).join('; ') });
      json(201, sim.injectFault(parsed.data));
    });
  });
  return listen(server, port, host);
}
