/**
 * Where a browse path that matches no node (BadNoMatch) breaks: the deepest part of it the server resolves, the
 * element that part has no child of, and the child whose browse name is nearest (`/Objects/2:Plant has no 2:Pump9:
 * did you mean 2:Pump1?`; a namespace index off by one is as near as a typo). Asked of the server only for a path
 * that matched nothing: one TranslateBrowsePaths of its parts and one Browse of the deepest.
 */
import { nearestName } from '../../core/nearest-name.js';
import type { OpcuaConnection } from './client-adapter.js';

/** The RootFolder, where every browse path starts. */
const ROOT_FOLDER = 'i=84';

/** A browse path's text ("/Objects/2:Plant/2:Pump9") cut into its elements. */
export function pathElements(text: string): string[] {
  return text.split('/').slice(1);
}

/** Its parts short of the whole, shortest first: "/Objects", "/Objects/2:Plant" for the path above. */
export function pathParts(elements: readonly string[]): string[] {
  return elements.slice(1).map((_, k) => `/${elements.slice(0, k + 1).join('/')}`);
}

/** Where it breaks in words, given the deepest part resolved (`/` for none), the element missing, its siblings. */
export function describePathBreak(resolvedPart: string, missing: string, children: readonly string[]): string {
  const near = nearestName(missing, children);
  return `${resolvedPart} has no ${missing}${near !== undefined ? `: did you mean ${near}?` : ''}`;
}

/** Where the path `text` breaks on this server, in words; undefined where the server does not say. */
export async function findPathBreak(
  connection: Pick<OpcuaConnection, 'translate' | 'childNames'>,
  text: string,
): Promise<string | undefined> {
  const elements = pathElements(text);
  const parts = pathParts(elements);
  try {
    const translated = await connection.translate(parts);
    let depth = 0;
    while (depth < translated.length && 'nodeId' in translated[depth]) depth++;
    const parent = depth === 0 ? ROOT_FOLDER : (translated[depth - 1] as { nodeId: string }).nodeId;
    const [children] = await connection.childNames([parent]);
    if (!children) return undefined;
    return describePathBreak(depth === 0 ? '/' : parts[depth - 1], elements[depth], children);
  } catch {
    return undefined;
  }
}
