/**
 * pino logger factory. On a terminal, readable lines (coloured unless NO_COLOR is set,
 * pretty-stream.ts); anywhere else (a pipe, a file, a container log driver), JSON lines (docs/logging.md): pino's
 * numeric `level` with its name in `level_name`, and the gateway's identity where given.
 * Every URL in a message or a field loses its credentials, query values and secret path (redact.ts); a line whose
 * fields carry URL_PATHS_KEPT keeps the paths (a model update's outcome: the release URL as the cloud gave it).
 */
import { pino, type Logger } from 'pino';
import { printable } from '../core/printable.js';
import { pathsKept, redactCredentials, redactDeep, redactSecrets } from '../core/redact.js';
import { colorAllowed, prettyStream } from './pretty-stream.js';

export type { Logger };

/**
 * Set (true) among a line's fields, its URLs lose their user info and query values but keep their path, as a model
 * update's outcome names its release URL (update-outcome.ts): the log then names the release the event names.
 */
export { URL_PATHS_KEPT } from '../core/redact.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  /** pretty: readable lines; json: JSON lines; auto (the default): pretty on a terminal. */
  format?: 'auto' | 'pretty' | 'json';
  env?: NodeJS.ProcessEnv;
  /** Fields every JSON line carries (`run`: the gateway name, site and line, so a fleet's lines can be told apart). */
  identity?: { readonly gateway: string; readonly site: string; readonly line: string };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const out = destination ?? process.stdout;
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && tty);
  const stream = pretty ? prettyStream(out, colorAllowed(out as { isTTY?: boolean }, options.env)) : jsonStream(out);
  return pino(
    {
      level,
      // A terminal shows one gateway: its readable lines leave the identity out.
      base: { svc: 'linewatch', ...(pretty ? {} : options.identity) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        // The number stays where parsers read it; the name is for people and for collectors that map it.
        level: (label, number) => ({ level: number, level_name: label }),
        log: (fields) => redactDeep(fields, pathsKept(fields)),
      },
      hooks: {
        logMethod(args, method) {
          const redact = pathsKept(args[0]) ? redactCredentials : redactSecrets;
          return method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    stream as pino.DestinationStream,
  );
}

/**
 * JSON lines as pino writes them (one a write), with DEL and the C1 controls written as \u escapes: JSON escapes C0
 * (ESC is \u001b) but leaves those raw, and `docker logs` or `kubectl logs` shows the line on a terminal, which obeys
 * a C1 CSI (\u009b) as it does ESC [. Outside a string no JSON line holds one, so the line stays the same JSON.
 */
function jsonStream(out: NodeJS.WritableStream): { write(line: string): void } {
  return { write: (line: string) => void out.write(`${printable(line.replace(/\n$/, ''))}\n`) };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
