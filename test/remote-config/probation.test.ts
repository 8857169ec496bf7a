/** The probation's pure parts (src/remote-config/probation.ts): its default length, what is judged, why it failed. */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import {
  judgedOn,
  judgedSources,
  probationFailure,
  probationPassed,
  probationRule,
  probationSeconds,
  waitingFor,
} from '../../src/remote-config/probation.js';

const withSources = (sources: readonly Record<string, unknown>[]) => ({ sources }) as unknown as Config;

describe('probationSeconds: 30 s plus three of the slowest source interval, within 30 to 600 s', () => {
  it.each([
    ['no source', [], 30],
    ['a Modbus source polled each second', [{ poll_interval_ms: 1000 }], 33],
    [
      'the slowest of a device, an OPC UA and an MQTT source',
      [
        { poll_interval_ms: 1000, devices: [{ poll_interval_ms: 20_000 }] },
        { publishing_interval_ms: 5000 },
        { publish_interval_ms: 10_000 },
      ],
      90,
    ],
    ['a source polled hourly: bounded', [{ poll_interval_ms: 3_600_000 }], 600],
  ])('%s: %i s', (_what, sources, seconds) => {
    expect(probationSeconds(withSources(sources))).toBe(seconds);
  });
});

describe('the sources judged and why a probation failed', () => {
  it('judges the sources of the new configuration that gave a good sample under the one before', () => {
    const next = withSources([{ name: 'a' }, { name: 'b' }, { name: 'new' }]);
    expect(judgedSources(next, new Set(['a', 'b', 'gone']))).toEqual(['a', 'b']);
    expect(waitingFor(['a', 'b'], new Set(['b']))).toEqual(['a']);
  });

  it('names each source without a good sample and its last error, or that it connected', () => {
    const text = probationFailure(
      { judged: ['a', 'b'] },
      new Set(),
      [
        { name: 'a', connected: false, lastError: 'connect: ECONNREFUSED' },
        { name: 'b', connected: true },
      ],
      45,
    );
    expect(text).toBe(
      'no good sample within its 45 s probation from a (connect: ECONNREFUSED), b (connected, no good sample), which gave good samples under the configuration before',
    );
  });
});

describe('a configuration that keeps none of the good sources by name (renamed): judged on its own sources as a whole', () => {
  const renamed = withSources([{ name: 'press-a' }, { name: 'press-b' }]);

  it('needs one good sample from any of its sources where sources gave good samples before', () => {
    const rule = probationRule(renamed, new Set(['plc']));
    expect(rule).toEqual({ judged: [], anyOf: ['press-a', 'press-b'] });
    expect(probationPassed(rule, new Set())).toBe(false);
    expect(probationPassed(rule, new Set(['press-b']))).toBe(true);
    expect(judgedOn(rule)).toBe(
      'one of press-a, press-b at least (none of the sources that gave good samples before is in it by name)',
    );
  });

  it('judges none where no source gave a good sample before (nothing to compare), and by name where one is kept', () => {
    expect(probationRule(renamed, new Set())).toEqual({ judged: [] });
    expect(probationPassed({ judged: [] }, new Set())).toBe(true);
    expect(probationRule(withSources([{ name: 'plc' }, { name: 'new' }]), new Set(['plc']))).toEqual({
      judged: ['plc'],
    });
  });

  it('says that none of its sources gave a good sample, each with its error', () => {
    const text = probationFailure(
      { judged: [], anyOf: ['press-a'] },
      new Set(['plc']),
      [{ name: 'press-a', connected: false, lastError: 'connect: ECONNREFUSED' }],
      30,
    );
    expect(text).toBe(
      'no good sample within its 30 s probation from any of its sources, press-a (connect: ECONNREFUSED), where sources it does not name gave good samples under the configuration before (sources are judged by name: renamed, none was judged one by one)',
    );
  });
});
