/**
 * The commands a Sparkplug host application sends the edge node (NCMD, DCMD), judged: `Node Control/Rebirth` = true
 * on the node's NCMD asks for the births again; anything else (a write to a metric) is refused. Nothing from the broker
 * reaches a device (docs/security.md). What the broker sends is hostile: a name is shown to EXCERPT_CHARS, and each
 * refused topic and metric is logged once, for the first SAID_MAX of them, so a publisher looping on a command cannot
 * fill the log.
 */
import { excerpt } from '../../core/http-body.js';
import { shownTopic } from '../../core/mqtt-packet-bound.js';
import type { Logger } from '../../telemetry/logger.js';
import { commandMetrics, REBIRTH_METRIC } from './payloads.js';

const EXCERPT_CHARS = 64;
const SAID_MAX = 256;

export class SparkplugCommands {
  /** The refusals logged so far (topic, NUL, metric name). */
  private readonly said = new Set<string>();

  constructor(
    /** The node's NCMD topic (a Rebirth is taken there only). */
    private readonly ncmdTopic: string,
    private readonly logger: Logger,
    private readonly rebirth: () => void,
  ) {}

  /** One command message from the broker. */
  take(topic: string, payload: Buffer): void {
    let metrics;
    try {
      metrics = commandMetrics(payload);
    } catch (err) {
      this.refused(topic, '', `not a Sparkplug B payload (${excerpt((err as Error).message, EXCERPT_CHARS)})`);
      return;
    }
    for (const m of metrics) {
      if (topic === this.ncmdTopic && m.name === REBIRTH_METRIC && m.value === true) {
        this.logger.info({ sink: 'sparkplug' }, 'Sparkplug: Rebirth asked for: NBIRTH and DBIRTHs again');
        this.rebirth();
      } else
        this.refused(
          topic,
          m.name,
          `a write of ${excerpt(m.name, EXCERPT_CHARS)}: linewatch takes no writes from the broker, only ${REBIRTH_METRIC}`,
        );
    }
  }

  private refused(topic: string, name: string, why: string): void {
    const key = `${topic}\u0000${name}`;
    if (this.said.has(key) || this.said.size >= SAID_MAX) return;
    this.said.add(key);
    this.logger.warn({ sink: 'sparkplug' }, `Sparkplug: refused a command on ${shownTopic(topic)}: ${why}`);
  }
}
