/**
 * (Benchmark child process.) A client asking `GET path` back to back on `connections` keep-alive connections, as fast
 * as the server answers, for `ms`. argv: port path connections ms. IPC: sends {answered, statuses} when done.
 */
import { Agent, get } from 'node:http';

const [port, path, connections, ms] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const until = performance.now() + Number(ms);
const statuses: Record<string, number> = {};
let answered = 0;

/** One request; resolves once its answer is read (or failed). */
const ask = () =>
  new Promise<void>((resolve) => {
    const count = (status: string) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      resolve();
    };
    get({ host: '127.0.0.1', port: Number(port), path, agent, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => {
        answered++;
        count(String(res.statusCode));
      });
    }).on('error', () => count('error'));
  });

await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (performance.now() < until) await ask();
  }),
);
agent.destroy();
process.send?.({ answered, statuses }, () => process.exit(0));
