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

describe('sources that gave good samples before and the new configuration no longer names: its others stand in', () => {
  const renamed = withSources([{ name: 'press-a' }, { name: 'press-b' }]);

  it('renaming every source: as many of its sources as it renamed must give a good sample', () => {
    const rule = probationRule(renamed, new Set(['plc']));
    expect(rule).toEqual({ judged: [], anyOf: ['press-a', 'press-b'], replaces: ['plc'] });
    expect(probationPassed(rule, new Set())).toBe(false);
    expect(probationPassed(rule, new Set(['press-b']))).toBe(true);
    expect(judgedOn(rule)).toBe(
      '1 of press-a, press-b at least, in place of plc it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name)',
    );
    const two = probationRule(renamed, new Set(['plc', 'plc-b']));
    expect(probationPassed(two, new Set(['press-b']))).toBe(false);
    expect(probationPassed(two, new Set(['press-a', 'press-b']))).toBe(true);
  });

  // Regression (s34's open defect): a configuration that kept one good source's name and renamed another (moved to a
  // dead address) was judged on the kept one alone, and confirmed while the renamed machine went unwatched.
  it('renaming one source and keeping another: the kept one, each, and the renamed one in place of the one it had', () => {
    const next = withSources([{ name: 'plc' }, { name: 'plc-c' }]);
    const rule = probationRule(next, new Set(['plc', 'plc-b']));
    expect(rule).toEqual({ judged: ['plc'], anyOf: ['plc-c'], replaces: ['plc-b'] });
    expect(probationPassed(rule, new Set(['plc']))).toBe(false);
    expect(probationPassed(rule, new Set(['plc', 'plc-c']))).toBe(true);
    expect(judgedOn(rule)).toBe(
      'plc, each, and 1 of plc-c at least, in place of plc-b it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name)',
    );
  });

  it('judges none where no source gave a good sample before, and by name only where every good one is kept', () => {
    expect(probationRule(renamed, new Set())).toEqual({ judged: [] });
    expect(probationPassed({ judged: [] }, new Set())).toBe(true);
    expect(probationRule(withSources([{ name: 'plc' }, { name: 'new' }]), new Set(['plc']))).toEqual({
      judged: ['plc'],
    });
    // A good source removed and nothing else named: nothing stands in.
    expect(probationRule(withSources([{ name: 'plc' }]), new Set(['plc', 'gone']))).toEqual({ judged: ['plc'] });
  });

  it('a mark written before `replaces` came: one of anyOf', () => {
    expect(probationPassed({ judged: [], anyOf: ['a', 'b'] }, new Set(['b']))).toBe(true);
  });

  it('says which stood-in sources gave no good sample, each with its error, after the judged ones', () => {
    const statuses = [
      { name: 'plc', connected: false, lastError: 'timeout' },
      { name: 'press-a', connected: false, lastError: 'connect: ECONNREFUSED' },
    ];
    const rule = { judged: [], anyOf: ['press-a'], replaces: ['plc-b'] };
    expect(probationFailure(rule, new Set(['plc-b']), statuses, 30)).toBe(
      'within its 30 s probation, 0 of press-a gave good samples where 1 must, in place of plc-b it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name): no good sample from press-a (connect: ECONNREFUSED)',
    );
    expect(probationFailure({ ...rule, judged: ['plc'] }, new Set(), statuses, 30)).toBe(
      'no good sample within its 30 s probation from plc (timeout), which gave good samples under the configuration before; 0 of press-a gave good samples where 1 must, in place of plc-b it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name): no good sample from press-a (connect: ECONNREFUSED)',
    );
  });
});
