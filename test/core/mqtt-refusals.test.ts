/** Refusals of one packet in a row: the delay before connecting again grows, each episode is said once. */
import { describe, expect, it } from 'vitest';
import { RefusalEpisode, refusalRetryText } from '../../src/core/mqtt-refusals.js';

const retained = { type: 'publish', bytes: 100_034, topic: 'linewatch/releases/pump-ae' };
/** No jitter: the longest delay each time. */
const backoff = { maxMs: 8000, holdMs: 5000, random: () => 1 };

describe('RefusalEpisode', () => {
  it('doubles the delay from the reconnect period while the same packet is refused, up to maxMs', () => {
    const episode = new RefusalEpisode(1000, backoff);
    const retries = [1, 2, 3, 4, 5].map(() => episode.refused(retained));
    expect(retries).toEqual([
      { count: 1, delayMs: 1000 },
      { count: 2, delayMs: 2000 },
      { count: 3, delayMs: 4000 },
      { count: 4, delayMs: 8000 },
      { count: 5, delayMs: 8000 },
    ]);
    expect(episode.active).toBe(true);
  });

  it('jitters the delay over its upper half', () => {
    const episode = new RefusalEpisode(1000, { ...backoff, random: () => 0 });
    episode.refused(retained);
    expect(episode.refused(retained).delayMs).toBe(1000);
  });

  it('ends the episode when a connection holds: the next refusal starts a new one, from the reconnect period', () => {
    const episode = new RefusalEpisode(1000, backoff);
    episode.refused(retained);
    episode.refused(retained);
    expect(episode.held()).toBe(2);
    expect(episode.active).toBe(false);
    expect(episode.refused(retained)).toEqual({ count: 1, delayMs: 1000 });
  });

  it('says another topic anew (count 1), a different size of the same topic being the same; the delay goes on growing', () => {
    const episode = new RefusalEpisode(1000, backoff);
    episode.refused(retained);
    expect(episode.refused({ ...retained, bytes: 200_000 })).toEqual({ count: 2, delayMs: 2000 });
    expect(episode.refused({ ...retained, topic: 'linewatch/releases/press-ae' })).toEqual({
      count: 1,
      delayMs: 4000,
    });
    expect(episode.refused({ type: 'suback', bytes: 70_000 })).toEqual({ count: 1, delayMs: 8000 });
    expect(episode.held()).toBe(4);
  });

  it('slows a broker that sends two packets by turns as one that sends the same (regression: 1 s apart for ever)', () => {
    // A hostile or broken broker alternating two oversize publishes: each refusal was a new episode, so the client
    // connected again at its reconnect period for good, and said each refusal.
    const episode = new RefusalEpisode(1000, backoff);
    const other = { ...retained, topic: 'linewatch/releases/press-ae' };
    const delays = [1, 2, 3, 4, 5].map((i) => episode.refused(i % 2 ? retained : other).delayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('gives no delay for a client that does not reconnect', () => {
    expect(new RefusalEpisode(0, backoff).refused(retained)).toEqual({ count: 1, delayMs: undefined });
  });
});

describe('refusalRetryText', () => {
  it('says when the client connects again and how far apart at most', () => {
    expect(refusalRetryText({ count: 1, delayMs: 750 })).toBe(
      'the client connects again in 0.8 s, each time later while the broker sends the same (up to 60 s apart)',
    );
    expect(refusalRetryText({ count: 1, delayMs: undefined })).toBe('the client does not connect again');
  });
});
