/**
 * The group commit's logic apart from SQLite (src/sinks/local/group-commit.ts): a schedule the test runs by hand, and a
 * commit that records each group or fails where the test says (the fault).
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, MAX_PENDING, MAX_PENDING_BYTES, type Schedule } from '../../../src/sinks/local/group-commit.js';

/** A GroupCommit of strings whose commits are recorded in `groups`, or fail with `fail.error` while it is set. */
function setup(o: { schedule?: Schedule; maxPending?: number; maxBytes?: number } = {}) {
  const due: (() => void)[] = [];
  const groups: string[][] = [];
  const fail: { error?: Error } = {};
  const commit: GroupCommit<string> = new GroupCommit(
    () => {
      const group = commit.take();
      if (fail.error) return group.settle(fail.error);
      groups.push([...group.items]);
      group.settle();
    },
    o.schedule ?? ((run) => due.push(run)),
    { items: o.maxPending ?? MAX_PENDING, bytes: o.maxBytes ?? MAX_PENDING_BYTES, sizeOf: (item) => item.length },
  );
  /** Runs the scheduled commits, as the event loop would after this turn. */
  const runDue = () => due.splice(0).forEach((run) => run());
  return { commit, due, groups, fail, runDue };
}

/** How a promise settled, once it has: 'resolved', or the rejection's message. */
const outcome = (p: Promise<void>) =>
  p.then(
    () => 'resolved',
    (err: Error) => err.message,
  );

describe('GroupCommit', () => {
  it('commits what is added before the scheduled commit runs as one group, with one commit scheduled', async () => {
    const s = setup();
    s.commit.add(['a']);
    s.commit.add(['b', 'c']);
    const durable = outcome(s.commit.durable());
    expect(s.due).toHaveLength(1);
    expect(s.groups).toEqual([]);
    s.runDue();
    expect(s.groups).toEqual([['a', 'b', 'c']]);
    expect(await durable).toBe('resolved');
    s.commit.add(['d']);
    s.runDue();
    expect(s.groups).toEqual([['a', 'b', 'c'], ['d']]);
    expect(s.commit.size).toBe(0);
  });

  it('resolves durable() at once with nothing pending', async () => {
    expect(await outcome(setup().commit.durable())).toBe('resolved');
  });

  it('keeps a failed group pending ahead of what comes after, tells its waiters why, and commits it with the next', async () => {
    const s = setup();
    s.fail.error = new Error('disk full');
    s.commit.add(['a', 'b']);
    const first = outcome(s.commit.durable());
    s.runDue();
    expect(await first).toBe('disk full');
    expect(s.commit.size).toBe(2);
    // Nothing scheduled until the next add: a caller asking now is told at once.
    expect(await outcome(s.commit.durable())).toBe('disk full');
    s.fail.error = undefined;
    s.commit.add(['c']);
    const next = outcome(s.commit.durable());
    s.runDue();
    expect(s.groups).toEqual([['a', 'b', 'c']]);
    expect(await next).toBe('resolved');
  });

  it('drops the oldest pending items past the bound and says how many', () => {
    const s = setup({ maxPending: 3 });
    s.fail.error = new Error('disk full');
    expect(s.commit.add(['a', 'b'])).toBe(0);
    s.runDue();
    expect(s.commit.add(['c', 'd'])).toBe(1);
    s.fail.error = undefined;
    s.runDue();
    expect(s.groups).toEqual([['b', 'c', 'd']]);
  });

  it('drops the oldest pending items past the bound in bytes too, and counts the bytes of those kept', () => {
    // Sizes are the strings' lengths: a 6-byte bound keeps 'b', 'ccc' and 'dd', not 'aaaa' before them.
    const s = setup({ maxBytes: 6 });
    s.fail.error = new Error('disk full');
    expect(s.commit.add(['aaaa', 'b'])).toBe(0);
    expect(s.commit.bytes).toBe(5);
    s.runDue();
    expect(s.commit.bytes).toBe(5); // a failed group is pending again, with its bytes
    expect(s.commit.add(['ccc', 'dd'])).toBe(1);
    expect([s.commit.size, s.commit.bytes]).toEqual([3, 6]);
    // An item over the bound on its own goes too, with all before it.
    expect(s.commit.add(['xxxxxxx'])).toBe(4);
    expect([s.commit.size, s.commit.bytes]).toEqual([0, 0]);
    s.commit.add(['e']);
    s.fail.error = undefined;
    s.runDue();
    expect(s.groups).toEqual([['e']]);
    expect(s.commit.bytes).toBe(0);
  });

  it('with a key, drops the items a newer one of their key supersedes first, in items and in bytes, then the oldest', () => {
    const keyed = (maxPending: number, maxBytes: number) =>
      new GroupCommit<string>(
        () => undefined,
        () => undefined,
        {
          items: maxPending,
          bytes: maxBytes,
          sizeOf: (item) => item.length,
          key: (item) => item[0], // 'a1' and 'a22' are one alarm's transitions
        },
      );
    const byCount = keyed(3, 1000);
    expect(byCount.add(['a1', 'b1', 'a2', 'c1', 'a3'])).toBe(2); // a1 and a2: a3 supersedes them
    expect(byCount.take().items).toEqual(['b1', 'c1', 'a3']);
    const byBytes = keyed(100, 7);
    expect(byBytes.add(['x1', 'yy1', 'x2', 'z1'])).toBe(1); // 9 bytes: x1 goes, not yy1
    expect(byBytes.take().items).toEqual(['yy1', 'x2', 'z1']);
    const noneSuperseded = keyed(2, 1000);
    expect(noneSuperseded.add(['a1', 'b1', 'c1'])).toBe(1);
    expect(noneSuperseded.take().items).toEqual(['b1', 'c1']);
  });

  it('tells which items the bound drops, at an add and at a failed commit, oldest first (the journal records its gap)', () => {
    const told: string[][] = [];
    const commit = new GroupCommit<string>(
      () => undefined,
      () => undefined,
      {
        items: 3,
        bytes: 1000,
        sizeOf: (item) => item.length,
        key: (item) => item[0],
        dropped: (d) => told.push([...d]),
      },
    );
    expect(commit.add(['a1', 'b1', 'a2', 'c1', 'a3'])).toBe(2);
    expect(told).toEqual([['a1', 'a2']]);
    const group = commit.take(); // b1, c1, a3
    commit.add(['d1', 'e1']);
    expect(group.settle(new Error('disk full'))).toBe(2); // pending again ahead of d1, e1: the oldest go
    expect(told).toEqual([
      ['a1', 'a2'],
      ['b1', 'c1'],
    ]);
    expect(commit.take().items).toEqual(['a3', 'd1', 'e1']);
  });

  it('commits each add at once with a schedule that runs at once (the baseline: one sync an item)', async () => {
    const s = setup({ schedule: (run) => run() });
    s.commit.add(['a']);
    s.commit.add(['b']);
    expect(s.groups).toEqual([['a'], ['b']]);
    expect(await outcome(s.commit.durable())).toBe('resolved');
  });
});
