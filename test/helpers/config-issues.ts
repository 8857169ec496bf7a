/** A configuration text through the whole loader (schema, checks, models), as a test sees it. */
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';

/** Where the texts are said to come from: relative paths in them resolve against /etc/linewatch. */
export const CONFIG_PATH = '/etc/linewatch/test.yaml';

/** The config a text gives, for checking what was accepted. */
export async function accepted(text: string): Promise<Config> {
  return (await parseConfig(text, CONFIG_PATH, {})).config;
}

/** The issues a text is refused with, each with its path; throws when the text is accepted. */
export async function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): Promise<readonly string[]> {
  try {
    await parseConfig(text, CONFIG_PATH, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}
