/** pino logger factory. Logs go to stdout as JSON lines (or pretty-less plain JSON in the demo). */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { svc: 'linewatch' }, timestamp: pino.stdTimeFunctions.isoTime }, (destination ?? process.stdout) as pino.DestinationStream);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
