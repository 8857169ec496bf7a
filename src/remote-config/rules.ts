/**
 * What a remote party may not change, checked on the trees of the two YAML documents before the schema (pure):
 *
 * - the channel a configuration arrives by and the trust anchors (`cloud`: broker, credentials, client id, public keys,
 *   release prefixes), the gateway's name (it names the topic), the operator API's binding and tokens, and `data_dir`
 *   (the state folder, where the accepted configuration itself is kept). A remote configuration leaves them out and
 *   the local file's are used; one that sets any of them is refused (`protected_key`). So is `storage.opcua_server`, a
 *   listener with its own users and security, set by the local file alone.
 * - every key that names a file or folder (`…_file`, `…_dir`, `path`, an asset's `model`): a remote configuration may
 *   only name one the local file names at the same place (list positions aside), so it can reorder or drop what the
 *   local file has but never point the gateway at another file (`path_changed`). Left out, a path takes its default
 *   under the local `data_dir`.
 * - a file whose secret the gateway sends (`token_file`: InfluxDB's token, in a header) is named only with the
 *   destination the local file gives it at the same place (`url`): a remote configuration that kept the file and moved
 *   the url sent the local secret to a host of its choosing (`credential_moved`).
 */
import { ConfigRefused } from './message.js';

/** The keys only the local file sets, as paths into the document. */
export const PROTECTED_KEYS: readonly (readonly string[])[] = [
  ['cloud'],
  ['data_dir'],
  ['gateway', 'name'],
  ['http', 'enabled'],
  ['http', 'host'],
  ['http', 'port'],
  ['http', 'api_token'],
  ['http', 'read_token'],
  ['http', 'public_reads'],
  ['http', 'allowed_hosts'],
  // The OPC UA server listens for the plant network: its binding, its users and its security are the local file's.
  ['storage', 'opcua_server'],
];

type Tree = Record<string, unknown>;

const isObject = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(tree: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let node = tree;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return { found: false };
    node = node[key];
  }
  return { found: true, value: node };
}

/** Whether the key at `place` (`sources[].tls.ca_file`) names a file or folder. */
export function namesPath(place: string): boolean {
  if (place === 'assets[].model') return true;
  const key = place.slice(place.lastIndexOf('.') + 1);
  return key === 'path' || /_(file|dir)$/.test(key);
}

/** Each string a path-naming key holds, by its place in the tree with list positions left out, and where it is. */
function pathValues(tree: unknown): { place: string; where: string; value: string }[] {
  const out: { place: string; where: string; value: string }[] = [];
  const walk = (node: unknown, place: string, where: string, naming: boolean): void => {
    if (typeof node === 'string') {
      if (naming && node !== '') out.push({ place, where, value: node });
    } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${place}[]`, `${where}[${i}]`, naming));
    else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        const p = place ? `${place}.${key}` : key;
        walk(value, p, where ? `${where}.${key}` : key, namesPath(p));
      }
  };
  walk(tree, '', '', false);
  return out;
}

/** Refuses a remote tree that sets a protected key (protected_key); the signing side checks this alone. */
export function checkProtectedKeys(remote: unknown, origin: string): void {
  const set = PROTECTED_KEYS.filter((path) => at(remote, path).found).map((path) => path.join('.'));
  if (set.length > 0)
    throw new ConfigRefused(
      'protected_key',
      `${origin}: ${set.join(', ')}: only the gateway's local configuration sets ${set.length > 1 ? 'these' : 'this'} (the cloud channel and its keys, the gateway's name, the API's binding and tokens, the OPC UA server, data_dir); leave ${set.length > 1 ? 'them' : 'it'} out and the local file's ${set.length > 1 ? 'are' : 'is'} used`,
    );
}

/** Refuses a remote tree that sets a protected key, names a path the local tree does not name at its place, or sends
 * a secret file elsewhere. */
export function checkRemoteTree(remote: unknown, local: unknown, origin: string): void {
  checkProtectedKeys(remote, origin);
  const allowed = new Map<string, Set<string>>();
  for (const { place, value } of pathValues(local)) allowed.set(place, (allowed.get(place) ?? new Set()).add(value));
  const changed = pathValues(remote)
    .filter(({ place, value }) => !allowed.get(place)?.has(value))
    .map(({ where, value }) => `${where} "${value.length > 200 ? `${value.slice(0, 200)}…` : value}"`);
  if (changed.length > 0)
    throw new ConfigRefused(
      'path_changed',
      `${origin}: ${changed.join(', ')}: a remote configuration names only files and folders the local configuration names at the same place (or leaves them out for their defaults under data_dir)`,
    );
  checkSecretFiles(remote, local, origin);
}

/** The keys naming a file whose secret the gateway sends, each with the key beside it that says where it is sent. */
export const SECRET_FILES: Readonly<Record<string, string>> = { token_file: 'url' };

/** Each mapping of a tree that sets a SECRET_FILES key, by its place (list positions left out) and where it is. */
function secretFileUses(tree: unknown): { place: string; where: string; key: string; file: unknown; to: string }[] {
  const out: { place: string; where: string; key: string; file: unknown; to: string }[] = [];
  const walk = (node: unknown, place: string, where: string): void => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${place}[]`, `${where}[${i}]`));
    else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        const toKey = SECRET_FILES[key];
        if (toKey !== undefined && Object.hasOwn(SECRET_FILES, key))
          out.push({ place, where, key, file: value, to: `${toKey} "${destination(node[toKey])}"` });
        walk(value, place ? `${place}.${key}` : key, where ? `${where}.${key}` : key);
      }
  };
  walk(tree, '', '');
  return out;
}

/** A destination as compared: a URL normalised (`http://h:8086` is `http://h:8086/`), anything else as text. */
function destination(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return URL.canParse(text) ? new URL(text).href : text;
}

/** Refuses a remote tree that sends a secret file the local tree names to another destination (credential_moved). */
function checkSecretFiles(remote: unknown, local: unknown, origin: string): void {
  const localUses = secretFileUses(local);
  for (const use of secretFileUses(remote)) {
    const same = localUses.filter((l) => l.place === use.place && l.key === use.key && l.file === use.file);
    if (same.length === 0 || same.some((l) => l.to === use.to)) continue;
    throw new ConfigRefused(
      'credential_moved',
      `${origin}: ${use.where ? `${use.where}.` : ''}${use.key} "${String(use.file)}" with ${use.to}: the local configuration sends that file's secret only to ${same.map((l) => l.to).join(', ')} there; a remote configuration may not send it elsewhere (keep the ${SECRET_FILES[use.key]}, or give the secret itself, e.g. token)`,
    );
  }
}

/** The remote tree with the protected keys the local tree has set (a fresh object; neither input is changed). */
export function withLocalKeys(remote: Tree, local: unknown): Tree {
  const merged = structuredClone(remote);
  for (const path of PROTECTED_KEYS) {
    const { found, value } = at(local, path);
    if (!found) continue;
    let node = merged;
    for (const key of path.slice(0, -1)) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as Tree;
    }
    node[path[path.length - 1]] = structuredClone(value);
  }
  return merged;
}
