/** How late a subscription's changes arrive: the largest delay of the last half-minute to a minute. */
import { describe, expect, it } from 'vitest';
import { DELAY_EPOCH_MS, DeliveryDelay } from '../../../src/sources/opcua/delivery-delay.js';

const T0 = Date.UTC(2026, 0, 1);

describe('DeliveryDelay', () => {
  it('is the largest delay seen, 0 before any', () => {
    const d = new DeliveryDelay();
    expect(d.max(T0)).toBe(0);
    d.note(120, T0);
    d.note(40, T0 + 10);
    expect(d.max(T0 + 20)).toBe(120);
  });

  it('remembers a hiccup for one more epoch, then forgets it', () => {
    const d = new DeliveryDelay();
    d.note(900, T0);
    d.note(50, T0 + DELAY_EPOCH_MS); // a new epoch: the hiccup is still the largest
    expect(d.max(T0 + DELAY_EPOCH_MS + 1)).toBe(900);
    expect(d.max(T0 + 2 * DELAY_EPOCH_MS)).toBe(50);
    expect(d.max(T0 + 3 * DELAY_EPOCH_MS)).toBe(0);
  });

  it('forgets at once after two epochs without a change (an idle machine)', () => {
    const d = new DeliveryDelay();
    d.note(900, T0);
    expect(d.max(T0 + 2 * DELAY_EPOCH_MS)).toBe(0);
  });
});
