/**
 * How deep a YAML text nests its mappings and lists, read from the parser's token tree without recursion (pure). The
 * YAML library composes a document recursively: a text nested thousands deep (`a: [[[[…]]]]`, 200 kB of brackets,
 * under a remote configuration's 256 KiB) ran it out of stack, and once the process had run a few such texts V8 ended
 * it (a fatal "RegExpCompiler Allocation failed", no exception to catch): a signed message could end the gateway.
 * A configuration is a few levels deep; one over MAX_YAML_DEPTH is refused before it is composed.
 */
import { Parser } from 'yaml';

/** The deepest nesting of mappings and lists taken: a configuration's deepest is about 8 (sources[].devices[]...). */
export const MAX_YAML_DEPTH = 64;

/** Where a text first nests deeper than `max` (1-based line and column), or undefined where it does not. */
export function tooDeep(text: string, max = MAX_YAML_DEPTH): { line: number; col: number } | undefined {
  const stack: { node: unknown; depth: number }[] = [];
  for (const token of new Parser().parse(text)) stack.push({ node: token, depth: 0 });
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const { items, value, offset } = node as { items?: unknown; value?: unknown; offset?: number };
    if (Array.isArray(items)) {
      if (depth + 1 > max) return position(text, offset ?? 0);
      for (const item of items as { key?: unknown; value?: unknown }[]) {
        stack.push({ node: item.key, depth: depth + 1 });
        stack.push({ node: item.value, depth: depth + 1 });
      }
    } else if (typeof value === 'object') stack.push({ node: value, depth }); // a document
  }
  return undefined;
}

function position(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}
