/**
 * The log level every command takes: --log-level, else LINEWATCH_LOG_LEVEL (commander reads both
 * into the program's option), else the command's own default (the config's log.level for `run`).
 */
import { createLogger, type Logger, type LoggerOptions } from '../telemetry/logger.js';

let chosen: string | undefined;

export function setCliLogLevel(level: string | undefined): void {
  chosen = level;
}

export function cliLogLevel(fallback: string): string {
  return chosen ?? fallback;
}

/** A logger at the chosen level: readable on a terminal, JSON lines elsewhere (each with `identity`, where given). */
export function cliLogger(
  destination: NodeJS.WritableStream,
  fallbackLevel: string,
  identity?: LoggerOptions['identity'],
): Logger {
  return createLogger(cliLogLevel(fallbackLevel), destination, identity ? { identity } : {});
}
