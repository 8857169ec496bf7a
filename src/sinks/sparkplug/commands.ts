/**
 * The commands a Sparkplug host application sends the edge node (NCMD, DCMD), judged: `Node Control/Rebirth` = true
 * on the node's NCMD asks for the births again; anything else (a write to a metric) is refused. Nothing from the broker
 * reaches a device (docs/security.md). What the broker sends is hostile: a name is shown to EXCERPT_CHARS, and each
 * refused topic and metric is logged once, for the first SAID_MAX of them (then that the others are not, once), so a
 * publisher looping on a command cannot fill the log. Rebirths come at most one per REBIRTH_MIN_MS: the Rebirths
 * asked for within it are answered by one rebirth at its end, so a publisher looping on Rebirth (a few dozen bytes
 * each) cannot make the node publish every device's births as often (nor log each). What is decoded at all is bounded
 * by size and by a time budget (command-gate.ts): a command dropped undecoded is counted, and the drops are logged at
 * most one line per DROPS_LOG_MS.
 */
import { excerpt } from '../../core/http-body.js';
import { LogThrottle } from '../../core/log-throttle.js';
import { shownTopic } from '../../core/mqtt-packet-bound.js';
import type { Logger } from '../../telemetry/logger.js';
import { CommandGate, DECODE_BUDGET_MS, MAX_DECODE_BYTES, type CommandDrop } from './command-gate.js';
import { commandMetrics, REBIRTH_METRIC } from './payloads.js';

const EXCERPT_CHARS = 64;
const SAID_MAX = 256;
const REBIRTH_MIN_MS = 1000;
const DROPS_LOG_MS = 60_000;
/** The key of a retained command's refusal (no metric name: it is not decoded). */
const RETAINED = '\u0000retained';

export class SparkplugCommands {
  /** The refusals logged so far (topic, NUL, metric name, each as the line shows it). */
  private readonly said = new Set<string>();
  /** SAID_MAX refusals were logged, and that the others are not was said. */
  private quiet = false;
  /** When the last rebirth was made (ms, `now`), and the one waiting for REBIRTH_MIN_MS to pass since. */
  private lastRebirth = Number.NEGATIVE_INFINITY;
  private pending: NodeJS.Timeout | undefined;
  /** Rebirths asked for while one waited. */
  private joined = 0;
  /** The drops are said at most once a DROPS_LOG_MS. */
  private readonly dropsSaid = new LogThrottle(DROPS_LOG_MS);

  constructor(
    /** The node's NCMD topic (a Rebirth is taken there only). */
    private readonly ncmdTopic: string,
    private readonly logger: Logger,
    private readonly rebirth: () => void,
    private readonly now: () => number = Date.now,
    /** What may be decoded, and what was dropped undecoded (/api/status). */
    readonly gate: CommandGate = new CommandGate(() => performance.now(), now),
    /** Counts a command dropped undecoded (linewatch_sparkplug_commands_dropped_total). */
    private readonly counted: (reason: CommandDrop) => void = () => {},
  ) {}

  /**
   * One command message from the broker. A retained one (the broker sends it at each subscription: Sparkplug commands
   * are never retained, tck-id-topics-ncmd-mqtt) was not sent to this connection: refused undecoded, said once.
   */
  take(topic: string, payload: Buffer, retained = false): void {
    if (retained) {
      this.refused(
        topic,
        RETAINED,
        'a retained command, sent before this connection: not obeyed (Sparkplug commands are never retained)',
      );
      return;
    }
    // The budget is charged the whole of it: decoding, and judging each metric (a payload may hold hundreds).
    const taken = this.gate.pass(payload, (p) => this.judge(topic, p));
    if ('dropped' in taken) this.dropped(topic, payload.length, taken.dropped);
  }

  /** Decodes a command and obeys or refuses each of its metrics. */
  private judge(topic: string, payload: Uint8Array): void {
    let metrics;
    try {
      metrics = commandMetrics(payload);
    } catch (err) {
      this.refused(topic, '', `not a Sparkplug B payload (${excerpt((err as Error).message, EXCERPT_CHARS)})`);
      return;
    }
    for (const m of metrics) {
      if (topic === this.ncmdTopic && m.name === REBIRTH_METRIC && m.value === true) this.askRebirth();
      else
        this.refused(
          topic,
          m.name,
          `a write of ${excerpt(m.name, EXCERPT_CHARS)}: linewatch takes no writes from the broker, only ${REBIRTH_METRIC}`,
        );
    }
  }

  /** Stops a rebirth waiting (the node closes). */
  close(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private askRebirth(): void {
    if (this.pending) {
      this.joined++;
      return;
    }
    const wait = this.lastRebirth + REBIRTH_MIN_MS - this.now();
    if (wait <= 0) return this.rebirthNow();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.rebirthNow();
    }, wait);
  }

  private rebirthNow(): void {
    this.lastRebirth = this.now();
    const joined = this.joined > 0 ? ` (${this.joined + 1} Rebirths asked for within ${REBIRTH_MIN_MS} ms: one)` : '';
    this.joined = 0;
    this.logger.info({ sink: 'sparkplug' }, `Sparkplug: Rebirth asked for: NBIRTH and DBIRTHs again${joined}`);
    this.rebirth();
  }

  private dropped(topic: string, bytes: number, reason: CommandDrop): void {
    this.counted(reason);
    const unsaid = this.dropsSaid.take(this.now());
    if (unsaid === undefined) return;
    const why =
      reason === 'too_large'
        ? `${bytes} bytes, over ${MAX_DECODE_BYTES}`
        : `the ${DECODE_BUDGET_MS} ms a second commands may take to decode are spent (a publisher flooding the command topics?)`;
    const others = unsaid > 0 ? ` (and ${unsaid} dropped unlogged before it)` : '';
    this.logger.warn(
      { sink: 'sparkplug' },
      `Sparkplug: dropped a command on ${shownTopic(topic)} undecoded: ${why}${others}`,
    );
  }

  private refused(topic: string, name: string, why: string): void {
    // Keyed by what the line shows: a topic or name may be 64 KiB, and the refusals said are kept for good.
    const shown = shownTopic(topic);
    const key = `${shown}\u0000${excerpt(name, EXCERPT_CHARS)}`;
    if (this.said.has(key)) return;
    if (this.said.size >= SAID_MAX) {
      if (!this.quiet)
        this.logger.warn(
          { sink: 'sparkplug' },
          `Sparkplug: ${SAID_MAX} different commands refused and logged; the others are refused without a line (a publisher looping on commands?)`,
        );
      this.quiet = true;
      return;
    }
    this.said.add(key);
    this.logger.warn({ sink: 'sparkplug' }, `Sparkplug: refused a command on ${shown}: ${why}`);
  }
}
