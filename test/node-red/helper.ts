/** node-red-node-test-helper set up for vitest: our CommonJS shims, as Node-RED itself loads them. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface TestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  load(nodes: unknown[], flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  getNode(id: string): NodeUnderTest | null;
}

export interface NodeUnderTest {
  receive(msg: Record<string, unknown>): void;
  on(event: string, listener: (...args: any[]) => void): void;
  once(event: string, listener: (...args: any[]) => void): void;
  status: unknown;
}

export const helper = require('node-red-node-test-helper') as TestHelper;
helper.init(require.resolve('node-red'));

export const nodes = {
  model: require('../../node-red/linewatch-model.js'),
  window: require('../../node-red/linewatch-window.js'),
  score: require('../../node-red/linewatch-score.js'),
  alarm: require('../../node-red/linewatch-alarm.js'),
  daemon: require('../../node-red/linewatch-daemon.js'),
  gateway: require('../../node-red/linewatch-gateway.js'),
};

/** Resolves with the next message a helper node receives. */
export function nextMessage(node: NodeUnderTest): Promise<Record<string, any>> {
  return new Promise((resolve) => node.once('input', (msg: Record<string, any>) => resolve(msg)));
}

/** Resolves with the error a node reports through done(err) / node.error. */
export function nextError(node: NodeUnderTest): Promise<string> {
  return new Promise((resolve) =>
    node.once('call:error', (call: { args: unknown[] }) =>
      resolve(String((call.args[0] as Error)?.message ?? call.args[0])),
    ),
  );
}

/** Collects every message a helper node receives. */
export function collect(node: NodeUnderTest): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  node.on('input', (msg: Record<string, any>) => out.push(msg));
  return out;
}

/** Collects the text of every status a node sets, oldest first. */
export function statusTexts(node: NodeUnderTest): string[] {
  const out: string[] = [];
  node.on('call:status', (call: { args: { text?: string }[] }) => out.push(call.args[0]?.text ?? ''));
  return out;
}

/**
 * A window node `w` of asset pump-1 without a model (channels a and b, windows of 3 rows, hop 1, max age 1 s, object
 * payloads) with `props` over them, its outputs into helper nodes `out` (windows) and `bad` (incomplete windows,
 * stops).
 */
export const windowFlow = (props: Record<string, unknown>) => [
  {
    id: 'w',
    type: 'linewatch-window',
    asset: 'pump-1',
    channels: 'a,b',
    length: '3',
    hop: '1',
    maxAgeMs: '1000',
    format: 'object',
    ...props,
    wires: [['out'], ['bad']],
  },
  { id: 'out', type: 'helper' },
  { id: 'bad', type: 'helper' },
];

/**
 * A model node `m` on the part model at `path` and a window node `w` of asset press-1 cutting parts by the model's cut
 * (cycle, object payloads, max age 1 s) with `props` over them, its outputs wired to `wires` (windows, unknown parts).
 */
export const partWindowNodes = (path: string, wires: readonly string[][], props: Record<string, unknown> = {}) => [
  { id: 'm', type: 'linewatch-model', path, providers: 'cpu' },
  {
    id: 'w',
    type: 'linewatch-window',
    asset: 'press-1',
    model: 'm',
    mode: 'cycle',
    format: 'object',
    maxAgeMs: '1000',
    ...props,
    wires,
  },
];
