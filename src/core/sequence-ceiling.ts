/**
 * The highest sequence a signed configuration (remote-config/message.ts) or model release (sync/release-sequence.ts)
 * may carry, 2^52: `config sign` and `model sign` refuse one above it, and a gateway refuses to take one. A gateway
 * takes only a sequence above the highest it holds, so one signed at Number.MAX_SAFE_INTEGER (2^53 - 1) would leave
 * no higher one to follow it; under the ceiling there are 2^52 more for the signer to move on with.
 */
export const MAX_SIGNED_SEQUENCE = 2 ** 52;

/** Why the ceiling, as a refusal says it. */
export const SEQUENCE_CEILING_WHY =
  '2^52: a gateway takes only a higher sequence next, so the ceiling leaves room above it';
