/** `linewatch run`: the daemon, or --once. */
import { redactSecrets } from '../core/redact.js';
import { configNotes, logConfigNotes } from '../config/config-notes.js';
import { loadConfigFile } from '../config/load.js';
import { createSources } from '../runtime/gateway.js';
import { runUntilSignal, startDaemon } from '../daemon/daemon.js';
import { runWithRemoteConfig } from '../remote-config/runner.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { cliLogger } from './logging.js';
import { reportError } from './report-error.js';

export async function runCommand(opts: { config: string; once?: boolean }): Promise<number> {
  let loaded;
  try {
    loaded = await loadConfigFile(opts.config);
  } catch (err) {
    return reportError(err);
  }
  const { name: gateway, site, line } = loaded.config.gateway;
  const logger = cliLogger(opts.once ? process.stderr : process.stdout, loaded.config.log.level, {
    gateway,
    site,
    line,
  });
  if (opts.once) {
    // Like `telegraf --test`: every source once, samples as JSON lines (a failed read's tags bad, with the reason),
    // failures per source.
    for (const note of configNotes(loaded.config)) process.stderr.write(`linewatch: ${note.level}: ${note.text}\n`);
    const sources = createSources(loaded, { logger, metrics: new GatewayMetrics() });
    let failed = 0;
    for (const source of sources) {
      try {
        const samples = await source.readOnce();
        for (const s of samples) process.stdout.write(`${JSON.stringify(s)}\n`);
        const reasons = [...new Set(samples.flatMap((s) => (s.reason ? [s.reason] : [])))];
        if (reasons.length > 0) failed++;
        for (const r of reasons) process.stderr.write(`linewatch: source ${source.name}: ${redactSecrets(r)}\n`);
      } catch (err) {
        failed++;
        process.stderr.write(`linewatch: source ${source.name}: ${redactSecrets((err as Error).message)}\n`);
      }
    }
    return failed > 0 ? 3 : 0;
  }
  try {
    logConfigNotes(loaded.config, logger);
    // With remote configuration, the gateway runs the accepted one and is restarted in this process with each new one.
    if (loaded.config.cloud.remote_config) {
      const run = await runWithRemoteConfig(loaded, { logger });
      let fatal: Error | undefined;
      await runUntilSignal(
        run,
        logger,
        run.failed.then((err) => void (fatal = err)),
      );
      if (fatal) return reportError(fatal);
      return 0;
    }
    await runUntilSignal(await startDaemon(loaded, logger), logger);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
