/** Which notice topics the release notices' client subscribes to, and while one is left out (notice-filters.ts). */
import { describe, expect, it } from 'vitest';
import { OversizeRetained } from '../../src/core/oversize-retained.js';
import { leftOutNoticesText, noticeFilters, subscribedNotices } from '../../src/sync/notice-filters.js';

const retained = (topic: string) => ({ type: 'publish', bytes: 100_034, topic, retained: true as const });
const T0 = Date.UTC(2026, 11, 7, 23, 0, 0);

function notices(models: string[]) {
  return new OversizeRetained(noticeFilters('lw', models), true, () => T0, {
    minMs: 60_000,
    maxMs: 900_000,
    random: () => 1,
  });
}

describe('notice filters', () => {
  it("every model's topic, then each model's this gateway runs that a topic can name", () => {
    expect(noticeFilters('lw', ['press-ae', 'pump-ae', 'press-ae', 'a/b', 'x+', ''])).toEqual([
      'lw/releases/+',
      'lw/releases/press-ae',
      'lw/releases/pump-ae',
    ]);
  });

  it("subscribes to every model's topic alone while it stands", () => {
    expect(subscribedNotices('lw', notices(['press-ae', 'pump-ae']).subscribed())).toEqual(['lw/releases/+']);
  });

  it("a notice too large on a model's topic run here: each model's topic but that one, and the wildcard, left out", () => {
    const o = notices(['press-ae', 'pump-ae']);
    const left = o.refused(retained('lw/releases/pump-ae'))!;
    expect(left.filters).toEqual(['lw/releases/+', 'lw/releases/pump-ae']);
    const subscribed = subscribedNotices('lw', o.subscribed());
    expect(subscribed).toEqual(['lw/releases/press-ae']);
    expect(leftOutNoticesText(left, subscribed, { minMs: 60_000, maxMs: 900_000 })).toBe(
      'lw/releases/+, lw/releases/pump-ae no longer subscribed, so the connection holds: the notices come by ' +
        'lw/releases/press-ae meanwhile; looked at again on a connection of its own at 2026-12-07T23:01:00.000Z ' +
        '(later each time it is still there, up to 15 min apart), and subscribed again once it is cleared',
    );
  });

  it("a notice too large on another model's topic: every model's this gateway runs; then on one of those, it too", () => {
    const o = notices(['press-ae']);
    expect(o.refused(retained('lw/releases/mixer-ae'))?.filters).toEqual(['lw/releases/+']);
    expect(subscribedNotices('lw', o.subscribed())).toEqual(['lw/releases/press-ae']);
    expect(o.refused(retained('lw/releases/press-ae'))?.filters).toEqual(['lw/releases/press-ae']);
    const left = o.issues()[1];
    expect(subscribedNotices('lw', o.subscribed())).toEqual([]);
    expect(leftOutNoticesText(left, [], { minMs: 60_000, maxMs: 900_000 })).toContain(
      'so the connection holds: no notice comes meanwhile; looked at again',
    );
  });
});
