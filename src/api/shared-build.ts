/**
 * An answer built at most so often and shared, whatever the request rate: `GET /metrics` needs no token, and
 * prom-client builds its whole text for each request (the process metrics read /proc synchronously): 5–8 ms on a
 * 2-core gateway, so a client asking 200 times a second held the event loop most of the time (43–48 ms p99 delay;
 * docs/operations.md, "HTTP API"). Here a build is shared by every request that comes while it runs, and its result
 * by every request for REUSE_PER_BUILD_MS times as long as the build took, at most MAX_REUSE_MS: the builds take at
 * most 1/(1 + REUSE_PER_BUILD_MS) of the loop whatever the rate, and a scraper that asks once a second or less often
 * (Prometheus' intervals are seconds) always gets a body built after its previous request, as before. Nothing is
 * refused: a request is answered the body of the moment, at most that old.
 */

/** How many times its own build time a result is reused: builds then take at most 1/21 of the event loop. */
export const REUSE_PER_BUILD_MS = 20;
/** The longest a result is reused (a slow build): half the shortest interval a scraper asks at (a second). */
export const MAX_REUSE_MS = 500;

/**
 * `build`, shared: each call answers the build running now or the last result while it is fresh (above), else starts
 * a build. A build that fails is shared by the calls that waited on it and not kept (the next call builds again).
 * `now` is a monotonic clock in ms (performance.now).
 */
export function sharedBuild<T>(build: () => Promise<T>, now: () => number): () => Promise<T> {
  let result: Promise<T> | undefined;
  let freshUntil = -Infinity;
  return () => {
    if (result !== undefined && now() < freshUntil) return result;
    const started = now();
    const building = build().then(
      (value) => {
        const ended = now();
        freshUntil = ended + Math.min(MAX_REUSE_MS, REUSE_PER_BUILD_MS * (ended - started));
        return value;
      },
      (err: unknown) => {
        result = undefined;
        throw err;
      },
    );
    result = building;
    freshUntil = Infinity;
    return building;
  };
}
