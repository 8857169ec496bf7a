/**
 * pino logger factory. Logs go to stdout as JSON lines (or pretty-less plain JSON in the demo).
 * Every URL in a message or a field loses its credentials, query values and secret path (redact.ts).
 */
import { pino, type Logger } from 'pino';
import { redactDeep, redactSecrets } from '../core/redact.js';

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'linewatch' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (fields) => redactDeep(fields) },
      hooks: {
        logMethod(args, method) {
          return method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    (destination ?? process.stdout) as pino.DestinationStream,
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
