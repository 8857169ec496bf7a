import { describe, expect, it } from 'vitest';
import { describeMonitoringRefusal } from '../../../src/sources/opcua/monitoring-refusal.js';

describe('describeMonitoringRefusal', () => {
  it.each([
    ['ErrorBadMonitoredItemFilterUnsupported (0x80440000)', 'BadMonitoredItemFilterUnsupported'],
    ['BadFilterNotAllowed (0x80450000)', 'BadFilterNotAllowed'],
    ['BadDeadbandFilterInvalid (0x808e0000)', 'BadDeadbandFilterInvalid'],
  ])('a percent deadband refused with %s: the missing EURange and the fix', (refusal, code) => {
    const text = describeMonitoringRefusal('percent', refusal);
    expect(text).toMatch(/^its percent deadband was refused: a percent deadband is a percentage of the node's EURange/);
    expect(text).toContain(`this node has none (${code})`);
    expect(text).toContain('deadband: { type: absolute, value: … }), or none');
  });

  it.each([
    ['absolute', 'ErrorBadMonitoredItemFilterUnsupported (0x80440000)'],
    [undefined, 'BadFilterNotAllowed (0x80450000)'],
    ['percent', 'BadTooManyOperations (0x80100000)'],
  ] as const)('a deadband %s refused with %s: the refusal as it came', (deadband, refusal) => {
    expect(describeMonitoringRefusal(deadband, refusal)).toBe(`monitoring parameters refused: ${refusal}`);
  });
});
