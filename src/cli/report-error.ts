/** How a command reports a failure: one clear line for our own errors, the stack for a bug. */
import { ConfigError, LinewatchError } from '../core/errors.js';
import { printableLines } from '../core/printable.js';
import { redactSecrets } from '../core/redact.js';
import { UsageError } from './usage.js';

/**
 * Exit codes: 2 for a usage error (a bad flag, a missing file) and a bad config or model
 * (LinewatchError), 1 for anything else. `run --once` exits 3 when a source failed (run.ts). `redact` takes the
 * secrets out of the message: every URL's user info, query values and path (redactSecrets), or, for a command whose
 * URLs are the user's own flags (`model publish --url`), its user info and query values only (redactCredentials).
 * Control characters other than a line break are written as text (printableLines): a terminal obeys none.
 */
export function reportError(err: unknown, redact: (text: string) => string = redactSecrets): number {
  // Our own errors (config, devices, models, usage, and plain Errors naming a flag, file or line) are
  // messages for the user; anything else (a TypeError...) is a bug: show where (LINEWATCH_DEBUG=1: always).
  const told =
    err instanceof ConfigError ||
    err instanceof LinewatchError ||
    err instanceof UsageError ||
    (err instanceof Error && err.constructor === Error);
  // A message quotes what came from outside (a CSV's header, a release manifest): its control characters are shown.
  if (told && !process.env.LINEWATCH_DEBUG)
    process.stderr.write(`linewatch: ${printableLines(redact((err as Error).message))}\n`);
  else process.stderr.write(`linewatch: ${printableLines(redact((err as Error)?.stack ?? String(err)))}\n`);
  return err instanceof LinewatchError || err instanceof UsageError ? 2 : 1;
}
