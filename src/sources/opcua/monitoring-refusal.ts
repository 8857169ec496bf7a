/**
 * A node's monitoring parameters (sampling interval, queue size, deadband) refused by the server, in words that say
 * what was applied, what was not, and how the node is monitored instead. The one refusal a configuration brings about
 * by itself: a percent deadband on a node with no EURange, the range the percentage is of (node-opcua's servers
 * answer BadMonitoredItemFilterUnsupported; the specification names BadFilterNotAllowed and BadDeadbandFilterInvalid).
 * A deadband refused is asked again without it (item-parameters.ts), so that its sampling interval and queue size
 * are applied still. Pure.
 */

/** The status codes a server answers a percent deadband it cannot apply with. */
const PERCENT_DEADBAND_REFUSED = /BadMonitoredItemFilterUnsupported|BadFilterNotAllowed|BadDeadbandFilterInvalid/;

/** A monitored item's sampling interval (ms) and queue size. */
export interface Sampling {
  readonly samplingMs: number;
  readonly queueSize: number;
}

/** What became of a monitored item's parameters modified after its creation: refused, and how it is monitored. */
export type MonitoringRefusal = {
  /** The server's refusal of the parameters asked for (node-opcua's message's first line). */
  readonly refusal: string;
  /** The sampling interval and queue size the item was created with (the subscription's first node's, as granted). */
  readonly created: Sampling;
} & (
  | { readonly deadband?: undefined }
  | {
      /** The deadband asked for. */
      readonly deadband: 'absolute' | 'percent';
      /** The sampling interval and queue size asked again without the deadband: granted, or refused. */
      readonly without: { readonly granted: Sampling } | { readonly refusal: string };
    }
);

/** A status code as the server said it, without node-opcua's "Error" before it. */
function codeOf(refusal: string): string {
  return refusal.replace(/^Error(?=Bad)/, '');
}

function every(s: Sampling): string {
  return `every ${s.samplingMs} ms, queue size ${s.queueSize}`;
}

/**
 * Why the parameters of a node were refused, what was applied and what was not, and how its values come instead;
 * for a percent deadband without an EURange, what to write instead.
 */
export function describeMonitoringRefusal(r: MonitoringRefusal): string {
  const refusal = codeOf(r.refusal);
  const code = /Bad\w+/.exec(refusal)?.[0];
  const kept = `it keeps those it was created with, the subscription's first node's (${every(r.created)})`;
  if (!r.deadband) return `its sampling interval and queue size were refused (${refusal}): ${kept}`;
  const noEuRange = r.deadband === 'percent' && code !== undefined && PERCENT_DEADBAND_REFUSED.test(code);
  const refused = noEuRange
    ? "its percent deadband was refused: a percent deadband is a percentage of the node's EURange (engineering " +
      `range) property, and this node has none (${code})`
    : `its ${r.deadband} deadband was refused (${refusal})`;
  const without =
    'granted' in r.without
      ? `its sampling interval and queue size were applied without it (${every(r.without.granted)}): its values ` +
        'come at every change, with no deadband'
      : `its sampling interval and queue size were refused too, asked without it (${codeOf(r.without.refusal)}): ` +
        `${kept}, with no deadband`;
  const fix = noEuRange
    ? ": write an absolute one in the value's units (deadband: { type: absolute, value: … }), or none"
    : '';
  return `${refused}; ${without}${fix}`;
}
