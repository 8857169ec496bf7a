/**
 * `linewatch_remote_config_total{outcome,code}`: the remote configuration outcomes since the process started (applied,
 * confirmed, refused, rolled back; `code` empty where the outcome has none). Each gateway the runner starts has a
 * registry of its own (GatewayMetrics), while the counts must outlive the restarts an applied configuration makes, so
 * they are kept here and each started gateway's registry serves them (`serveOn`), read at each scrape.
 */
import { Counter, type Registry } from 'prom-client';

export const REMOTE_CONFIG_METRIC = 'linewatch_remote_config_total';

export class RemoteConfigCounts {
  private readonly counts = new Map<string, { outcome: string; code: string; n: number }>();

  count(outcome: string, code: string | undefined): void {
    const key = `${outcome}\0${code ?? ''}`;
    const entry = this.counts.get(key) ?? { outcome, code: code ?? '', n: 0 };
    entry.n += 1;
    this.counts.set(key, entry);
  }

  /** Serves the counts on `registry` (a started gateway's) from now on. */
  serveOn(registry: Registry): void {
    const counts = this.counts;
    new Counter({
      name: REMOTE_CONFIG_METRIC,
      help: 'Remote configuration outcomes since the process started, by outcome (applied, confirmed, refused, rolled_back) and code (empty for applied and confirmed)',
      labelNames: ['outcome', 'code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { outcome, code, n } of counts.values()) this.inc({ outcome, code }, n);
      },
    });
  }
}
