/** A real logger whose JSON lines a test reads, and can wait on. */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/telemetry/logger.js';
import type { Logger } from '../../src/telemetry/logger.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface LogLines {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** The messages logged at `level` (pino's numbers: 30 info, 40 warn, 50 error). */
  at(level: number): string[];
  /** Resolves with the first line, logged already or later, whose message matches. */
  next(matches: RegExp): Promise<LogLine>;
  /** As next, from the `from`-th line on (lines.length before an event: what it makes is logged after). */
  nextFrom(from: number, matches: RegExp): Promise<LogLine>;
}

export function logLines(level = 'debug'): LogLines {
  const lines: LogLine[] = [];
  const logged = new EventEmitter();
  const logger = createLogger(
    level,
    new Writable({
      write: (chunk, _encoding, done) => {
        const line = JSON.parse(String(chunk)) as LogLine;
        lines.push(line);
        logged.emit('line', line);
        done();
      },
    }),
    { format: 'json' },
  );
  return {
    logger,
    lines,
    at: (l) => lines.filter((line) => line.level === l).map((line) => line.msg),
    next: (matches) => nextFrom(0, matches),
    nextFrom: (from, matches) => nextFrom(from, matches),
  };

  function nextFrom(from: number, matches: RegExp): Promise<LogLine> {
    return new Promise((resolve) => {
      const found = lines.slice(from).find((l) => matches.test(l.msg));
      if (found) return resolve(found);
      const listen = (line: LogLine) => {
        if (!matches.test(line.msg)) return;
        logged.off('line', listen);
        resolve(line);
      };
      logged.on('line', listen);
    });
  }
}
