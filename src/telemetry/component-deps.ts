/** What every runtime component is given to report on itself: a logger and the gateway's metrics. */
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';

export interface ComponentDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}
