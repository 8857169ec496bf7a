/** A GatewayApi for the HTTP server's tests: a running gateway with nothing configured and its own event bus. */
import type { GatewayApi } from '../../src/api/http-server.js';
import { EventBus, type Subscribable } from '../../src/core/event-bus.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';

/** The status of a running gateway with no source, asset or sink. */
export const RUNNING_STATUS = { state: 'running', sources: [], assets: [], sinks: [] };

/** The stub, with `status` or `events` replaced where given. */
export function stubGatewayApi(
  overrides: { status?: () => unknown; events?: Subscribable<GatewayTopics> } = {},
): GatewayApi {
  return {
    status: overrides.status ?? (() => RUNNING_STATUS),
    events: overrides.events ?? new EventBus<GatewayTopics>(() => undefined),
  } as unknown as GatewayApi;
}
