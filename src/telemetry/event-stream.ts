/**
 * The daemon's live event stream (GET /api/events), as Server-Sent Events: one event per score,
 * alarm transition, part verdict, model update or gap the alarm journal recorded (`journal_gap`: transitions it
 * dropped unjournaled while it could not write, one event per alarm), `data` a single JSON line. Browsers read it
 * with EventSource; the Node-RED daemon node reads it with `SseParser`. Pure: formatting and
 * parsing only, no sockets.
 */
import type { AlarmJournalGap } from '../core/components.js';
import type { AlarmEvent, PartResult, ScoreResult } from '../core/types.js';

/** Each is also a `types=` value: a client asks for exactly the events it names. */
export const DAEMON_EVENT_TYPES = ['score', 'alarm', 'part', 'model', 'journal_gap'] as const;
export type DaemonEventType = (typeof DAEMON_EVENT_TYPES)[number];

export type DaemonEvent =
  | { readonly type: 'score'; readonly data: ScoreResult }
  | { readonly type: 'alarm'; readonly data: AlarmEvent }
  | { readonly type: 'part'; readonly data: PartResult }
  | { readonly type: 'model'; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'journal_gap'; readonly data: AlarmJournalGap };

/** Parses `?types=alarm,part`; all types when absent. Returns an error text for unknown types. */
export function parseEventTypes(query: string | null): Set<DaemonEventType> | string {
  if (query === null || query.trim() === '') return new Set(DAEMON_EVENT_TYPES);
  const wanted = query
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = wanted.filter((t) => !DAEMON_EVENT_TYPES.includes(t as DaemonEventType));
  if (unknown.length > 0) return `unknown event type(s) ${unknown.join(', ')}: use ${DAEMON_EVENT_TYPES.join(', ')}`;
  return new Set(wanted as DaemonEventType[]);
}

export function formatSse(event: DaemonEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/** Characters one event may hold (its lines and data together) before the stream is refused. */
export const MAX_SSE_MESSAGE_CHARS = 1 << 20;

/** Incremental SSE parser (the subset the daemon writes, plus comments and multi-line data). A message longer than
 * `maxMessageChars` throws (the reader drops the stream and reconnects): a peer that never ends a line must not hold
 * the reader's memory. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private dataChars = 0;

  constructor(private readonly maxMessageChars = MAX_SSE_MESSAGE_CHARS) {}

  private tooLong(): Error {
    return new Error(`event stream: a message of over ${this.maxMessageChars} characters; dropped`);
  }

  /** Feeds a chunk; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    if (this.buffer.length + this.dataChars > this.maxMessageChars && !this.buffer.includes('\n')) throw this.tooLong();
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        this.dataChars = 0;
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') this.event = value;
        else if (field === 'data') {
          this.data.push(value);
          this.dataChars += value.length + 1;
          if (this.dataChars > this.maxMessageChars) throw this.tooLong();
        }
      }
    }
    return out;
  }
}
