/**
 * Readable log lines for a terminal: pino's JSON lines turned into `time LEVEL message key=value`,
 * coloured by level when colour is allowed; each control character in them written as text (core/printable.ts): a
 * line quotes what came from outside. Off a terminal the logger writes JSON (logger.ts).
 */
import { printable } from '../core/printable.js';

const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};
/** Fields every line has; the rest are shown as key=value. */
const HIDDEN = new Set(['level', 'level_name', 'time', 'msg', 'svc', 'pid', 'hostname']);

/** Where logs may go in colour: a terminal, unless NO_COLOR is set (https://no-color.org). */
export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return printable(/[\s"=]/.test(value) ? JSON.stringify(value) : value);
  return printable(JSON.stringify(value));
}

/** One pino JSON line as a readable line (a line that is not JSON passes unchanged). */
export function prettyLine(json: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level), color: 0 };
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${paint(90, `${k}=`)}${fieldText(v)}`);
  return `${paint(90, time)} ${paint(level.color, level.name.padEnd(5))} ${printable(String(entry.msg ?? ''))}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}

/** A pino destination that writes readable lines to `out`. */
export function prettyStream(out: NodeJS.WritableStream, color: boolean): { write(line: string): void } {
  return { write: (chunk: string) => void out.write(prettyLine(chunk.trimEnd(), color)) };
}
