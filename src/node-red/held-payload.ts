/**
 * A window message's `held` (pure): how many of its rows held a channel's reading over a failed read (HeldRows), as the
 * window node sends it, checked as the score node takes it from a message (anything may be wired in): whole counts,
 * none over the window's rows, channels of the model's; throws naming what is wrong.
 */
import type { HeldRows } from '../core/types.js';

const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** `held` from msg.payload.held, or undefined where the message has none. */
export function heldFromPayload(held: unknown, channels: readonly string[]): HeldRows | undefined {
  if (held === undefined) return undefined;
  const h = held as Partial<HeldRows> | null;
  if (typeof h !== 'object' || h === null || !count(h.rows) || !count(h.of) || h.rows > h.of)
    throw new Error('msg.payload.held: expected {rows, of, channels} with whole counts, rows no more than of');
  if (typeof h.channels !== 'object' || h.channels === null)
    throw new Error('msg.payload.held.channels: expected an object of channel: rows held');
  const out: Record<string, number> = {};
  for (const [channel, n] of Object.entries(h.channels)) {
    if (!channels.includes(channel))
      throw new Error(
        `msg.payload.held.channels: "${channel}" is not one of the model's channels (${channels.join(', ')})`,
      );
    if (!count(n) || n > h.rows)
      throw new Error(`msg.payload.held.channels.${channel}: expected a whole count no more than rows (${h.rows})`);
    out[channel] = n;
  }
  return { rows: h.rows, of: h.of, channels: out };
}
