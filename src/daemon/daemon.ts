/**
 * A running gateway with its HTTP endpoint, and graceful shutdown on SIGTERM/SIGINT: sources
 * stop, buffers flush, then the process exits. A second signal exits at once.
 */
import type { LoadedConfig } from '../config/load.js';
import { startHttpEndpoint, type HttpEndpoint } from '../api/http-server.js';
import type { Logger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { Gateway } from '../runtime/gateway.js';

export interface Daemon {
  readonly gateway: Gateway;
  readonly http: HttpEndpoint | undefined;
  readonly metrics: GatewayMetrics;
  stop(): Promise<void>;
}

/**
 * `restoreAlarms: false`: every alarm starts normal whatever the journal says (the demo: a new showing each time);
 * `logAlarms: false`: alarm transitions are not logged (the demo prints each one on its console).
 */
export async function startDaemon(
  loaded: LoadedConfig,
  logger: Logger,
  o: { readonly restoreAlarms?: boolean; readonly logAlarms?: boolean } = {},
): Promise<Daemon> {
  const metrics = new GatewayMetrics({ processMetrics: true });
  const gateway = new Gateway(loaded, {
    logger,
    metrics,
    ...(o.restoreAlarms === false ? { restoreAlarms: false } : {}),
    ...(o.logAlarms === false ? { logAlarms: false } : {}),
  });
  await gateway.start();
  const { http: httpConfig } = loaded.config;
  let http: HttpEndpoint | undefined;
  try {
    http = httpConfig.enabled
      ? await startHttpEndpoint(
          {
            host: httpConfig.host,
            port: httpConfig.port,
            apiToken: httpConfig.api_token,
            readToken: httpConfig.read_token,
            maxEventStreams: httpConfig.max_event_streams,
          },
          gateway,
          metrics,
        )
      : undefined;
  } catch (err) {
    await gateway.stop();
    throw new Error(
      `http.port: cannot listen on ${httpConfig.host}:${httpConfig.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (http)
    logger.info(
      { url: `http://${httpConfig.host}:${http.port}` },
      `HTTP endpoint on http://${httpConfig.host}:${http.port} (/healthz, /metrics, /api/status)`,
    );
  let stopping: Promise<void> | undefined;
  return {
    gateway,
    http,
    metrics,
    stop: () => {
      stopping ??= (async () => {
        await gateway.stop();
        await http?.close();
      })();
      return stopping;
    },
  };
}

/** Resolves when SIGTERM or SIGINT arrives (or `extra` resolves), after which `stop` has run. */
export async function runUntilSignal(daemon: Daemon, logger: Logger, extra?: Promise<void>): Promise<void> {
  let onSignal: (() => void) | undefined;
  const signalled = new Promise<void>((resolve) => {
    onSignal = () => {
      logger.info('signal received: stopping (again to force)');
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await Promise.race(extra ? [signalled, extra] : [signalled]);
  process.off('SIGTERM', onSignal!);
  process.off('SIGINT', onSignal!);
  await daemon.stop();
}
