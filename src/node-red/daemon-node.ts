/**
 * linewatch-daemon: connects to a running linewatch daemon (its HTTP endpoint) and brings its
 * scores, alarm transitions, part verdicts and model updates into the flow as they happen
 * (GET /api/events, Server-Sent Events), reconnecting with backoff when the daemon restarts.
 * Messages sent to it are operator commands passed on to the daemon (POST /api/alarms/...):
 * msg.command, msg.by, msg.comment, msg.duration_s, and msg.asset (or msg.payload.asset) and
 * msg.alarm (default "anomaly"); they need the daemon's http.api_token. The URL and token come
 * from a linewatch-gateway config node (gateway-config-node.ts).
 */
import { backoffMs, jittered } from '../core/backoff.js';
import { socketErrorMeaning } from '../core/socket-errors.js';
import { readBodyStart } from '../core/http-body.js';
import { OPERATOR_COMMANDS, type OperatorCommand } from '../core/types.js';
import { SseParser, parseEventTypes } from '../telemetry/event-stream.js';
import { gatewayUrl, type GatewayConfigNode } from './gateway-config-node.js';
import { list, text, type NodeDefinition, type NodeInstance, type NodeMessage, type RedApi } from './red-api.js';
import { operatorCommandOf, payloadFields } from './operator-command.js';
import { statusText } from './status-text.js';

/** The daemon answers a command with the alarm's event, a few hundred bytes; more is not read. */
const MAX_ANSWER_BYTES = 1 << 20;

/** The daemon's answer to a command as an object; {} where it is not JSON (the status then says what happened). */
function commandAnswer(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Where the daemon node connects and which token it sends: its linewatch-gateway config node, or
 * (flows made before the config node existed) its own url property and token credential.
 */
export function daemonEndpoint(
  config: NodeDefinition,
  gateway: GatewayConfigNode | undefined,
  ownToken: string | undefined,
): { url: URL; token: () => string | undefined } {
  const id = text(config, 'gateway');
  if (id) {
    if (!gateway) throw new Error(`gateway ${id}: no such linewatch-gateway configuration (add one in the editor)`);
    if ('error' in gateway.endpoint) throw gateway.endpoint.error;
    return { url: gateway.endpoint.url, token: () => gateway.token() };
  }
  if (text(config, 'url') === '')
    throw new Error('no gateway: choose a linewatch-gateway configuration (the daemon URL and API token)');
  return { url: gatewayUrl(config), token: () => ownToken || process.env.LINEWATCH_API_TOKEN || undefined };
}

/** The daemon request for an operator command message; throws naming what is missing. */
export function commandRequest(msg: NodeMessage): {
  asset: string;
  alarm: string;
  command: OperatorCommand;
  body: Record<string, unknown>;
} {
  const p = payloadFields(msg);
  const c = operatorCommandOf(msg);
  if (!c) throw new Error(`msg.command: which command (${OPERATOR_COMMANDS.join(', ')})`);
  const asset = msg.asset ?? p.asset;
  if (typeof asset !== 'string' || asset === '') throw new Error("msg.asset: which asset's alarm (e.g. pump-1)");
  const alarm = msg.alarm ?? p.alarm ?? 'anomaly';
  if (typeof alarm !== 'string' || alarm === '')
    throw new Error(
      `msg.alarm: expected the alarm's name (text, e.g. "anomaly"), got ${alarm === '' ? 'empty text' : typeof alarm}`,
    );
  // A URL takes "." and ".." in its path as steps, encoded or not: the request would go to another path.
  for (const [field, name] of [
    ['asset', asset],
    ['alarm', alarm],
  ] as const)
    if (name === '.' || name === '..')
      throw new Error(`msg.${field}: "${name}" cannot name an ${field} (it is a step in the URL's path)`);
  const body: Record<string, unknown> = { by: c.by };
  if (c.comment !== undefined) body.comment = c.comment;
  if (c.durationS !== undefined) body.duration_s = c.durationS;
  return { asset, alarm, command: c.command, body };
}

/**
 * Why a request to the gateway failed, as its operator can act on it: fetch says only "fetch failed", the socket's
 * reason is in its cause (ECONNREFUSED: nothing listens there).
 */
export function unreachable(err: unknown, base: URL): Error {
  const e = err as Error & { cause?: { code?: unknown; message?: unknown } };
  const code = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const meaning = code ? socketErrorMeaning(code, "the linewatch HTTP API (the gateway's http.listen)") : undefined;
  const why = meaning ? `${code}: ${meaning}` : typeof e.cause?.message === 'string' ? e.cause.message : e.message;
  return new Error(`gateway ${base.host} unreachable: ${why}`);
}

/** What an answer other than 2xx to the events request means. */
function eventsRefused(stream: URL, status: number): Error {
  const hint = status === 404 ? ": no events API there, check the gateway URL (a linewatch gateway's http.listen)" : '';
  return new Error(`${stream.href} answered ${status}${hint}`);
}

export function registerDaemonNode(RED: RedApi): void {
  RED.nodes.registerType(
    'linewatch-daemon',
    function (this: NodeInstance, config: NodeDefinition) {
      RED.nodes.createNode(this, config);
      const node = this;
      let base: URL;
      let token: () => string | undefined;
      const types = parseEventTypes(list(config, 'events').join(','));
      try {
        const gateway = RED.nodes.getNode(text(config, 'gateway')) as GatewayConfigNode | undefined;
        ({ url: base, token } = daemonEndpoint(config, gateway ?? undefined, node.credentials?.token));
        if (typeof types === 'string') throw new Error(`events: ${types}`);
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message) });
        node.error((err as Error).message);
        node.on('input', (_m, _s, done) => done(err as Error));
        return;
      }
      const stream = new URL('/api/events', base);
      stream.searchParams.set('types', [...(types as Set<string>)].join(','));
      let closed = false;
      let abort: AbortController | undefined;
      let timer: NodeJS.Timeout | undefined;
      let attempt = 0;
      let received = 0;

      const connect = async () => {
        abort = new AbortController();
        node.status({ fill: 'yellow', shape: 'ring', text: `connecting to ${base.host}` });
        try {
          // The API token reads too: a gateway with http.read_token refuses an event stream without one (401).
          const bearer = token();
          const headers = { accept: 'text/event-stream', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
          const res = await fetch(stream, { signal: abort.signal, headers }).catch((err: unknown) => {
            throw unreachable(err, base);
          });
          if (!res.ok || !res.body) throw eventsRefused(stream, res.status);
          attempt = 0;
          node.status({ fill: 'green', shape: 'dot', text: `connected to ${base.host}` });
          const parser = new SseParser();
          const decoder = new TextDecoder();
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
              let data: Record<string, unknown>;
              try {
                data = JSON.parse(m.data) as Record<string, unknown>;
              } catch {
                node.warn(`daemon sent an event that is not JSON: ${m.data.slice(0, 80)}`);
                continue;
              }
              received++;
              node.send({ topic: `${String(data.asset ?? 'gateway')}/${m.event}`, event: m.event, payload: data });
            }
          }
          throw new Error('the daemon closed the event stream');
        } catch (err) {
          if (closed) return;
          const delay = jittered(backoffMs(attempt++, 500, 30_000));
          node.status({ fill: 'red', shape: 'ring', text: `disconnected, retry in ${(delay / 1000).toFixed(1)} s` });
          if (attempt === 1)
            node.warn(
              `linewatch daemon ${base.href}: ${(err as Error).message}; reconnecting (received ${received} events so far)`,
            );
          timer = setTimeout(() => void connect(), delay);
        }
      };
      void connect();

      node.on('input', (msg, send, done) => {
        let request: ReturnType<typeof commandRequest>;
        try {
          request = commandRequest(msg);
        } catch (err) {
          return done(err as Error);
        }
        const bearer = token();
        const url = new URL(
          `/api/alarms/${encodeURIComponent(request.asset)}/${encodeURIComponent(request.alarm)}/${request.command}`,
          base,
        );
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
          body: JSON.stringify(request.body),
        })
          .catch((err: unknown) => {
            throw new Error(
              `${request.command} on ${request.asset}/${request.alarm}: ${unreachable(err, base).message}`,
            );
          })
          .then(async (res) => {
            const body = commandAnswer((await readBodyStart(res, MAX_ANSWER_BYTES)).text);
            if (!res.ok)
              throw new Error(
                `daemon refused ${request.command} on ${request.asset}/${request.alarm} (${res.status}): ${String(body.error ?? res.statusText)}`,
              );
            send({ ...msg, topic: `${request.asset}/${request.alarm}`, payload: body });
            done();
          })
          .catch((err: Error) => done(err));
      });
      node.on('close', (_removed, done) => {
        closed = true;
        if (timer) clearTimeout(timer);
        abort?.abort();
        node.status({});
        done();
      });
    },
    { credentials: { token: { type: 'password' } } },
  );
}
