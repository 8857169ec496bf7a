/**
 * The writes to machines a configuration makes: its modbus_write and opcua_write actions (an asset's alarm actions, its
 * part actions), each with where it lands (the source's connection). A signed remote configuration may add one the
 * local file never had (a register of a PLC it never wrote, another value): that is the signer's to decide, but it is
 * said where the cloud and the operator read the outcome (`applied`'s reason, the log, /api/status). Pure.
 */
import type { Config } from '../config/schema.js';

/** The write actions' types. */
const WRITES = new Set(['modbus_write', 'opcua_write']);
/** The most writes named in a reason; more are counted. */
const MAX_NAMED = 8;

type Tree = Record<string, unknown>;
const isObject = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a source's connection goes: host:port, a serial path, an OPC UA endpoint. */
function connectionOf(source: Tree | undefined): string {
  if (!source) return 'no such source';
  if (typeof source.endpoint === 'string') return source.endpoint;
  if (typeof source.path === 'string') return source.path;
  return `${String(source.host)}:${String(source.port ?? 502)}`;
}

/** Each write action of `config`: `key`, what makes it the same write, and `text`, one line for a person. */
function writesOf(config: Config): { key: string; text: string; where: string }[] {
  const sources = new Map((config.sources as readonly Tree[]).map((s) => [s.name, s]));
  const out: { key: string; text: string; where: string }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (isObject(node)) {
      if (typeof node.type === 'string' && WRITES.has(node.type)) {
        const { name: _name, ...write } = node;
        const connection = connectionOf(sources.get(node.source));
        const at =
          node.type === 'opcua_write'
            ? String(node.node_id)
            : `unit ${node.unit_id === undefined ? '(first)' : String(node.unit_id)} ${String(node.table)} ${String(node.address)}`;
        out.push({
          key: JSON.stringify([connection, write]),
          text: `${node.type} on ${String(node.source)} (${connection}) ${at}`,
          where,
        });
        return;
      }
      for (const [key, value] of Object.entries(node)) walk(value, where ? `${where}.${key}` : key);
    }
  };
  walk(config.assets, 'assets');
  return out;
}

/**
 * The writes of `next` that `local` does not make alike (the same connection, register or node, values and settings),
 * as one sentence for the outcome; undefined where there is none.
 */
export function newMachineWrites(next: Config, local: Config): string | undefined {
  const known = new Set(writesOf(local).map((w) => w.key));
  const added = writesOf(next).filter((w) => !known.has(w.key));
  if (added.length === 0) return undefined;
  const named = added.slice(0, MAX_NAMED).map((w) => `${w.text} (${w.where})`);
  const more = added.length > MAX_NAMED ? ` and ${added.length - MAX_NAMED} more` : '';
  return `writes to machines as the local configuration does not: ${named.join('; ')}${more}`;
}
