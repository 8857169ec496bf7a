/**
 * The environment of a user who set nothing before running npm: no LINEWATCH_*, no onnxruntime or
 * npm_config_* settings (what `npm test` passes down to the tests is dropped), and onnxruntime-node's
 * CUDA download host unreachable, as on a plant network or in CI: its install script honours
 * GLOBAL_AGENT_HTTPS_PROXY, which points at a closed port, so a script that tries to download fails.
 */
import { freePort } from '../../src/core/free-port.js';

export async function plainNpmEnv(): Promise<NodeJS.ProcessEnv> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(LINEWATCH_|ONNXRUNTIME_|npm_)/i.test(k)),
  );
  return { ...env, GLOBAL_AGENT_HTTPS_PROXY: `http://127.0.0.1:${await freePort()}` };
}
