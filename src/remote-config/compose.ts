/**
 * A remote configuration made a runnable one: its YAML read without the gateway's environment (a `${NAME}` there would
 * hand the remote party the gateway's secrets), checked against what a remote party may not change (rules.ts), given
 * the local file's protected keys, then checked exactly as a local file is (the schema, then checkConfig: models,
 * channels, key files), its relative paths meaning what they mean in the local file. Every problem is a ConfigRefused
 * naming where the message came from and, for the configuration's own problems, the path in it.
 */
import { z } from 'zod';
import { checkConfig, type LoadedConfig } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { formatIssues } from '../core/format-issues.js';
import { parseYamlDocument, readTextFile } from '../core/yaml-document.js';
import { ConfigRefused } from './message.js';
import { checkRemoteTree, withLocalKeys } from './rules.js';

const documentSchema = z.record(
  z.string(),
  z.unknown(),
  'a configuration is a mapping of keys (gateway, sources, ...)',
);

/** The environment a remote configuration is read with: none. */
const NO_ENV: NodeJS.ProcessEnv = Object.freeze({});

/** The local file's tree, its `${NAME}`s substituted from `env` (a ConfigError as `validate` gives it otherwise). */
export async function readLocalTree(
  localFile: string,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; tree: unknown }> {
  const { path, text } = await readTextFile(localFile, 'configuration');
  return { path, tree: parseYamlDocument(documentSchema, text, path, env) };
}

/** `yaml` (from `origin`) read as a remote configuration's document: without the environment; a ConfigRefused
 * (env_placeholder, invalid_config) where it is no YAML mapping. */
export function readRemoteTree(yaml: string, origin: string): Record<string, unknown> {
  try {
    return parseYamlDocument(documentSchema, yaml, origin, NO_ENV);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const placeholders = err.issues.filter((issue) => issue.includes(': environment variable '));
    if (placeholders.length > 0)
      throw new ConfigRefused(
        'env_placeholder',
        `${origin}: ${placeholders.join('; ')}: a remote configuration is read without the gateway's environment (it holds the gateway's secrets); write the value itself, or $\${ for a literal \${`,
      );
    throw invalid(origin, err.issues);
  }
}

/** `yaml` (from `origin`) as the configuration the gateway would run beside the local file (readLocalTree's). */
export async function composeConfig(
  yaml: string,
  origin: string,
  local: { readonly path: string; readonly tree: unknown },
): Promise<LoadedConfig> {
  const remote = readRemoteTree(yaml, origin);
  checkRemoteTree(remote, local.tree, origin);
  const parsed = configSchema.safeParse(withLocalKeys(remote, local.tree));
  if (!parsed.success) throw invalid(origin, formatIssues(parsed.error.issues, configSchema, remote));
  try {
    return await checkConfig(parsed.data, local.path);
  } catch (err) {
    if (err instanceof ConfigError) throw invalid(origin, err.issues);
    throw err;
  }
}

function invalid(origin: string, issues: readonly string[]): ConfigRefused {
  return new ConfigRefused('invalid_config', `${origin}: invalid configuration:\n  ${issues.join('\n  ')}`);
}
