/**
 * The one rule for a part read at too few of its points (pure), for the gateway, the Node-RED score node and
 * `linewatch eval` alike: a part model that records a floor (score.min_read_points, found on the user's held-out good
 * parts when it was trained: training/read-floor.ts) judges a part whose rows reach fewer of its points than that
 * unknown, not pass or fail; a model without one (trained before 2026-12-08, or a zscore part model) judges every part
 * its rows reach at all.
 */

/**
 * Why a part is unknown for the points its rows reach: `unread` (Window.unreadPoints) of its `length` points, under
 * the model's `minReadPoints`; undefined where it is judged.
 */
export function tooFewPointsRead(
  unread: readonly number[] | undefined,
  length: number,
  minReadPoints: number | undefined,
): string | undefined {
  if (minReadPoints === undefined) return undefined;
  const read = length - (unread?.length ?? 0);
  if (read >= minReadPoints) return undefined;
  return (
    `only ${read} of its ${length} points read (its rows did not reach the others: a missed poll, a stall or a lost ` +
    `end); the model judges a part on ${minReadPoints} at least (score.min_read_points)`
  );
}
