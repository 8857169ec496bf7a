/**
 * A real mosquitto that takes only the login `watcher`/`w` (a password file), so a client logging in as `gw`/`pw` is
 * refused (CONNACK "Not authorized") until `broker.addUser('gw', 'pw')`; behind a TCP proxy that says when each
 * connection opens (`proxy.opened`, `proxy.accepted(n)`). `url` is the proxy's; `broker.url` reaches it directly.
 */
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const WATCHER = { username: 'watcher', password: 'w' } as const;

export async function startLoginRefusingBroker(
  cleanups: (() => Promise<unknown>)[],
): Promise<{ broker: Mosquitto; proxy: TcpProxy; url: string }> {
  const broker = await startMosquitto({ user: { name: WATCHER.username, password: WATCHER.password } });
  cleanups.push(() => broker.stop());
  const proxy = await startTcpProxy(broker.port);
  cleanups.push(() => proxy.close());
  return { broker, proxy, url: `mqtt://127.0.0.1:${proxy.port}` };
}
