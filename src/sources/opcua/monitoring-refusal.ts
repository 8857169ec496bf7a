/**
 * A node's monitoring parameters (sampling interval, queue size, deadband) refused by the server, in words. The one
 * refusal a configuration brings about by itself: a percent deadband on a node with no EURange, the range the
 * percentage is of (node-opcua's servers answer BadMonitoredItemFilterUnsupported; the specification names
 * BadFilterNotAllowed and BadDeadbandFilterInvalid).
 */

/** The status codes a server answers a percent deadband it cannot apply with. */
const PERCENT_DEADBAND_REFUSED = /BadMonitoredItemFilterUnsupported|BadFilterNotAllowed|BadDeadbandFilterInvalid/;

/** Why the parameters of a node with this deadband were refused, and what to write instead where that is known. */
export function describeMonitoringRefusal(deadband: 'absolute' | 'percent' | undefined, refusal: string): string {
  const code = /Bad\w+/.exec(refusal)?.[0];
  if (deadband === 'percent' && code && PERCENT_DEADBAND_REFUSED.test(code))
    return (
      "its percent deadband was refused: a percent deadband is a percentage of the node's EURange (engineering range) " +
      `property, and this node has none (${code}); its values come with no deadband: write an absolute one in the ` +
      "value's units (deadband: { type: absolute, value: … }), or none"
    );
  return `monitoring parameters refused: ${refusal}`;
}
