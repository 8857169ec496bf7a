/** How a command reports a failure: one clear line for our own errors, the stack for a bug. */
import { ConfigError, LinewatchError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';

export function reportError(err: unknown): number {
  // Our own errors (config, devices, models, and plain Errors naming a flag, file or line) are
  // messages for the user; anything else (a TypeError...) is a bug: show where (LINEWATCH_DEBUG=1: always).
  const told =
    err instanceof ConfigError || err instanceof LinewatchError || (err instanceof Error && err.constructor === Error);
  if (told && !process.env.LINEWATCH_DEBUG)
    process.stderr.write(`linewatch: ${redactSecrets((err as Error).message)}\n`);
  else process.stderr.write(`linewatch: ${redactSecrets((err as Error)?.stack ?? String(err))}\n`);
  return err instanceof LinewatchError ? 2 : 1;
}
