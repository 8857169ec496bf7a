/** What a subscription's notification becomes: its sample, and the node's issue where the value is not usable. */
import { describe, expect, it } from 'vitest';
import {
  leftOutSample,
  notificationIssue,
  notificationSample,
} from '../../../src/sources/opcua/notification-samples.js';
import type { Reading } from '../../../src/sources/opcua/opcua-value.js';

const ORIGIN = { source: 'ua', asset: 'pump-1', channel: 'flow', unit: 'l/min' };
const LABEL = 'sources[0].nodes[0].node_id ns=2;s=flow (channel flow)';
const good = (r: Partial<Reading> = {}): Reading => ({ value: 7.5, quality: 'good', ...r });

describe('notificationSample', () => {
  it.each([
    ['the source timestamp', { sourceTs: 1000, serverTs: 2000 }, 1000],
    ["the server's, where the source gave none", { serverTs: 2000 }, 2000],
    ['its arrival, where neither came', {}, 5000],
  ])('is stamped with %s', (_, stamps, ts) => {
    expect(notificationSample(ORIGIN, good(stamps), 5000)).toEqual({
      ...ORIGIN,
      ts,
      received: 5000,
      value: 7.5,
      quality: 'good',
    });
  });

  it("keeps the reading's quality", () => {
    expect(
      notificationSample(ORIGIN, good({ quality: 'uncertain', status: 'UncertainLastUsableValue' }), 1).quality,
    ).toBe('uncertain');
  });
});

describe('notificationIssue', () => {
  it.each([
    [
      'a value that is no number',
      good({ value: Number.NaN, quality: 'bad', wrongType: 'String' }),
      `${LABEL}: expected a number or boolean, got String`,
    ],
    [
      'BadResponseTooLarge',
      good({ value: Number.NaN, quality: 'bad', status: 'BadResponseTooLarge' }),
      `${LABEL}: its value is over max_message_bytes (65536 bytes), the server sends BadResponseTooLarge instead`,
    ],
  ])('names the node and why for %s', (_, reading, issue) => {
    expect(notificationIssue(() => LABEL, reading, 65536)).toBe(issue);
  });

  it('is none for a number, or another bad status, and then does not build the label', () => {
    const label = () => {
      throw new Error('label built');
    };
    expect(notificationIssue(label, good(), 65536)).toBeUndefined();
    expect(notificationIssue(label, good({ quality: 'bad', status: 'BadNodeIdUnknown' }), 65536)).toBeUndefined();
  });
});

describe('leftOutSample', () => {
  it('is bad, not a number, at the time given, saying why', () => {
    expect(leftOutSample(ORIGIN, 'its value is over max_message_bytes', 3000)).toEqual({
      ...ORIGIN,
      ts: 3000,
      received: 3000,
      value: Number.NaN,
      quality: 'bad',
      reason: 'its value is over max_message_bytes',
    });
  });
});
