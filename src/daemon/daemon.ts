/**
 * A running gateway with its HTTP endpoint, and graceful shutdown on SIGTERM/SIGINT: sources
 * stop, buffers flush, then the process exits. A second signal exits at once.
 */
import type { LoadedConfig } from '../config/load.js';
import { startHttpEndpoint, type HttpEndpoint } from '../api/http-server.js';
import { ListenError } from '../core/errors.js';
import { listenProblem } from '../core/free-port.js';
import type { Logger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { Gateway, type RemoteConfigStatus } from '../runtime/gateway.js';

export interface Daemon {
  readonly gateway: Gateway;
  readonly http: HttpEndpoint | undefined;
  readonly metrics: GatewayMetrics;
  stop(): Promise<void>;
}

/**
 * `restoreAlarms: false`: every alarm starts normal whatever the journal says (the demo: a new showing each time);
 * `logAlarms: false`: alarm transitions are not logged (the demo prints each one on its console); `remoteConfig`: what
 * /api/status says of remote configuration (src/remote-config).
 */
export async function startDaemon(
  loaded: LoadedConfig,
  logger: Logger,
  o: {
    readonly restoreAlarms?: boolean;
    readonly logAlarms?: boolean;
    readonly remoteConfig?: () => RemoteConfigStatus;
  } = {},
): Promise<Daemon> {
  const { http: httpConfig } = loaded.config;
  // Refused before the gateway starts (nothing said running, then stopped); the listen below can still lose a race.
  const problem =
    httpConfig.enabled && httpConfig.port !== 0 && (await listenProblem(httpConfig.port, httpConfig.host));
  if (problem) throw httpListenError(problem, httpConfig, loaded.file);
  const metrics = new GatewayMetrics({ processMetrics: true });
  const gateway = new Gateway(loaded, {
    logger,
    metrics,
    ...(o.restoreAlarms === false ? { restoreAlarms: false } : {}),
    ...(o.logAlarms === false ? { logAlarms: false } : {}),
    ...(o.remoteConfig ? { remoteConfig: o.remoteConfig } : {}),
  });
  await gateway.start();
  let http: HttpEndpoint | undefined;
  try {
    http = httpConfig.enabled
      ? await startHttpEndpoint(
          {
            host: httpConfig.host,
            port: httpConfig.port,
            apiToken: httpConfig.api_token,
            readToken: httpConfig.read_token,
            allowedHosts: httpConfig.allowed_hosts,
            maxEventStreams: httpConfig.max_event_streams,
            maxConnections: httpConfig.max_connections,
            headersTimeoutMs: httpConfig.headers_timeout_ms,
          },
          gateway,
          metrics,
          logger,
        )
      : undefined;
  } catch (err) {
    await gateway.stop();
    throw httpListenError(err, httpConfig, loaded.file);
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

/** The configuration's http.port that cannot be listened on: which port, in which file, and what to do. */
function httpListenError(err: unknown, http: { host: string; port: number }, file: string): ListenError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  const at = `http.port ${http.port} (${file})`;
  const why =
    reason === 'EADDRINUSE'
      ? `another program listens on ${http.host}:${http.port} already; set another http.port there (0: any free port), or stop that program`
      : `cannot listen on ${http.host}:${http.port}: ${reason}${reason === 'EACCES' ? ' (a port below 1024 needs privileges: pick one from 1024)' : ''}`;
  return new ListenError(http.port, reason, `${at}: ${why}`, err);
}

/** Resolves when SIGTERM or SIGINT arrives (or `extra` resolves), after which `stop` has run. */
export async function runUntilSignal(
  daemon: Pick<Daemon, 'stop'>,
  logger: Logger,
  extra?: Promise<void>,
): Promise<void> {
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
