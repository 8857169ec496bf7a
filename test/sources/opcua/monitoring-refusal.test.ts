/** A node's monitoring parameters refused, in words: what was applied, what was not, how it is monitored instead. */
import { describe, expect, it } from 'vitest';
import { describeMonitoringRefusal } from '../../../src/sources/opcua/monitoring-refusal.js';

const created = { samplingMs: 1000, queueSize: 1 };
const granted = { samplingMs: 500, queueSize: 5 };
const EURANGE =
  "its percent deadband was refused: a percent deadband is a percentage of the node's EURange (engineering range) " +
  'property, and this node has none';
const FIX = ": write an absolute one in the value's units (deadband: { type: absolute, value: … }), or none";
const APPLIED =
  'its sampling interval and queue size were applied without it (every 500 ms, queue size 5): its values come at ' +
  'every change, with no deadband';
const KEPT = "it keeps those it was created with, the subscription's first node's (every 1000 ms, queue size 1)";

describe('describeMonitoringRefusal', () => {
  it.each([
    ['ErrorBadMonitoredItemFilterUnsupported (0x80440000)', 'BadMonitoredItemFilterUnsupported'],
    ['BadFilterNotAllowed (0x80450000)', 'BadFilterNotAllowed'],
    ['BadDeadbandFilterInvalid (0x808e0000)', 'BadDeadbandFilterInvalid'],
  ])(
    'a percent deadband refused with %s, the rest applied without it: the missing EURange and the fix',
    (refusal, code) => {
      expect(describeMonitoringRefusal({ refusal, created, deadband: 'percent', without: { granted } })).toBe(
        `${EURANGE} (${code}); ${APPLIED}${FIX}`,
      );
    },
  );

  it('a percent deadband refused, the rest refused too without it: the parameters the node keeps', () => {
    const without = { refusal: 'ErrorBadTooManyMonitoredItems (0x80db0000)' };
    expect(
      describeMonitoringRefusal({
        refusal: 'ErrorBadMonitoredItemFilterUnsupported (0x80440000)',
        created,
        deadband: 'percent',
        without,
      }),
    ).toBe(
      `${EURANGE} (BadMonitoredItemFilterUnsupported); its sampling interval and queue size were refused too, asked ` +
        `without it (BadTooManyMonitoredItems (0x80db0000)): ${KEPT}, with no deadband${FIX}`,
    );
  });

  it.each([
    ['absolute', 'ErrorBadFilterNotAllowed (0x80450000)', 'BadFilterNotAllowed (0x80450000)'],
    ['percent', 'BadTooManyOperations (0x80100000)', 'BadTooManyOperations (0x80100000)'],
  ] as const)('a deadband %s refused with %s: the refusal as it came, the rest applied', (deadband, refusal, said) => {
    expect(describeMonitoringRefusal({ refusal, created, deadband, without: { granted } })).toBe(
      `its ${deadband} deadband was refused (${said}); ${APPLIED}`,
    );
  });

  it('an absolute deadband refused, the rest refused too: no fix offered', () => {
    expect(
      describeMonitoringRefusal({
        refusal: 'BadFilterNotAllowed (0x80450000)',
        created,
        deadband: 'absolute',
        without: { refusal: 'BadInternalError (0x80020000)' },
      }),
    ).toBe(
      'its absolute deadband was refused (BadFilterNotAllowed (0x80450000)); its sampling interval and queue size ' +
        `were refused too, asked without it (BadInternalError (0x80020000)): ${KEPT}, with no deadband`,
    );
  });

  it('a sampling interval and queue size refused, no deadband asked: the parameters the node keeps', () => {
    expect(describeMonitoringRefusal({ refusal: 'ErrorBadInternalError (0x80020000)', created })).toBe(
      `its sampling interval and queue size were refused (BadInternalError (0x80020000)): ${KEPT}`,
    );
  });
});
