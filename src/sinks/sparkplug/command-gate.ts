/**
 * How much of the event loop the broker's commands may take (pure: the clock is given). Decoding what arrives on
 * NCMD and DCMD, and judging each metric it holds, costs time in proportion to its bytes (measured: a 60 KB payload
 * of repeated field tags, 2.9 ms to refuse; 1,500 writes in 29 KB, 0.8 ms to decode before each is judged); a
 * publisher looping on such payloads took the loop from the node's DDATA. So:
 *
 * - a command over MAX_DECODE_BYTES is dropped undecoded (an NCMD with a Rebirth is a few dozen bytes: nothing the
 *   node obeys is near it);
 * - handling commands spends a budget of DECODE_BUDGET_MS per second (a token bucket in ms, holding one second's at
 *   most): a command that arrives with the budget spent is dropped undecoded, and each one handled is charged what it
 *   took.
 *
 * Each drop is counted by reason; while a flood lasts, a Rebirth from the host among it may be dropped too (the host
 * asks again: Sparkplug hosts repeat an unanswered Rebirth).
 *
 * The only token bucket here. The OPC UA server's login pacing (opcua-server/login-pacing.ts) is another rule, not
 * this one with other numbers: it refuses nothing and charges no cost, it counts failures in a trailing minute and
 * holds each answer back 250 ms × 2^(failures − 5), and it forgives all at once after a quiet minute (a bucket
 * refills a little at a time).
 */

import type { SinkCommandsDropped } from '../../core/components.js';

export const MAX_DECODE_BYTES = 4096;
/** Of each second, the ms decoding may take (2% of the loop). */
export const DECODE_BUDGET_MS = 20;

/** Why a command was dropped undecoded (the reasons of linewatch_sparkplug_commands_dropped_total). */
export const COMMAND_DROPS = ['too_large', 'over_budget'] as const;
export type CommandDrop = (typeof COMMAND_DROPS)[number];

export class CommandGate {
  private tokens = DECODE_BUDGET_MS;
  private refilledAt: number;
  private tooLarge = 0;
  private overBudget = 0;
  private lastAt = 0;

  constructor(
    /** ms, monotonic (performance.now): measures decodes and refills the budget. */
    private readonly clock: () => number,
    /** ms since the epoch, for `lastAt`. */
    private readonly now: () => number,
  ) {
    this.refilledAt = clock();
  }

  /** Decodes `payload` with `decode` where the size and the budget allow; else says why it was dropped. */
  pass<T>(
    payload: Uint8Array,
    decode: (p: Uint8Array) => T,
  ): { readonly value: T } | { readonly dropped: CommandDrop } {
    if (payload.length > MAX_DECODE_BYTES) return this.drop('too_large');
    const start = this.clock();
    this.tokens = Math.min(DECODE_BUDGET_MS, this.tokens + ((start - this.refilledAt) * DECODE_BUDGET_MS) / 1000);
    this.refilledAt = start;
    if (this.tokens <= 0) return this.drop('over_budget');
    try {
      return { value: decode(payload) };
    } finally {
      this.tokens -= this.clock() - start;
    }
  }

  dropped(): SinkCommandsDropped | undefined {
    if (this.tooLarge + this.overBudget === 0) return undefined;
    return { tooLarge: this.tooLarge, overBudget: this.overBudget, lastAt: this.lastAt };
  }

  private drop(reason: CommandDrop): { readonly dropped: CommandDrop } {
    if (reason === 'too_large') this.tooLarge++;
    else this.overBudget++;
    this.lastAt = this.now();
    return { dropped: reason };
  }
}
