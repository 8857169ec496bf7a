/**
 * `${NAME}` and `${NAME:-default}` substitution in every string of a parsed YAML tree, so secrets
 * stay out of config files. `$${` writes a literal `${`. A missing variable without default is
 * reported with the config path where it was used. A value that is exactly one placeholder takes
 * the YAML type of what it expands to, so `port: ${PORT:-502}` is a number; `retyped` collects the
 * text of each such value by path, so a field the schema wants as a string (a password of digits)
 * can take it back (parseYamlDocument). `leaveUnset(path)` true: a placeholder of a variable that is not set stays as
 * written there, with no issue (a credential a command does not use: config/load.ts, `credentials: 'unused'`).
 */
import { parse as parseYaml } from 'yaml';

const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;
const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function substituteEnv(
  tree: unknown,
  env: NodeJS.ProcessEnv,
  issues: string[],
  path = '',
  retyped?: Map<string, string>,
  leaveUnset?: (path: string) => boolean,
): unknown {
  if (typeof tree === 'string') {
    if (leaveUnset?.(path) && unsetIn(tree, env)) return tree;
    if (WHOLE.test(tree)) {
      const expanded = tree.replace(
        PATTERN,
        (match, varName: string, fallback: string | undefined) =>
          env[varName] ??
          fallback ??
          (issues.push(`${path || '(root)'}: environment variable ${varName} is not set`), ''),
      );
      const value = scalar(expanded);
      if (typeof value !== 'string') retyped?.set(path, expanded);
      return value;
    }
    return tree.replace(PATTERN, (match, varName: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${';
      const value = env[varName!];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      issues.push(`${path || '(root)'}: environment variable ${varName} is not set`);
      return '';
    });
  }
  if (Array.isArray(tree))
    return tree.map((item, i) => substituteEnv(item, env, issues, `${path}[${i}]`, retyped, leaveUnset));
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tree))
      out[key] = substituteEnv(value, env, issues, path ? `${path}.${key}` : key, retyped, leaveUnset);
    return out;
  }
  return tree;
}

/** Whether `text` holds a placeholder of a variable `env` does not set, without a default. */
function unsetIn(text: string, env: NodeJS.ProcessEnv): boolean {
  for (const [match, name, fallback] of text.matchAll(PATTERN))
    if (match !== '$${' && env[name] === undefined && fallback === undefined) return true;
  return false;
}

function scalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text, { logLevel: 'error' }); // a value that is no YAML scalar stays text, quietly
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}
