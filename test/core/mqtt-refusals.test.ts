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

  it('starts a new episode on another topic (said anew), a different size of the same topic being the same', () => {
    const episode = new RefusalEpisode(1000, backoff);
    episode.refused(retained);
    expect(episode.refused({ ...retained, bytes: 200_000 })).toEqual({ count: 2, delayMs: 2000 });
    expect(episode.refused({ ...retained, topic: 'linewatch/releases/press-ae' })).toEqual({
      count: 1,
      delayMs: 1000,
    });
    expect(episode.refused({ type: 'suback', bytes: 70_000 }).count).toBe(1);
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
