/**
 * The window node's running condition typed in its dialog (Runs when, Run channel, Run value, Settle), in a Node-RED
 * runtime (node-red-node-test-helper): rows where the machine does not run, or settles after its restart, are not
 * windowed, as a gateway's asset with the same running_when; a bad condition is refused at deploy naming the node and
 * the field; a flow saved without the fields windows every row, as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect, helper, nextError, nodes, statusTexts, windowFlow } from './helper.js';

afterEach(() => helper.unload());

/** The window flow with a max age over the rows' period of 1 s. */
const flow = (props: Record<string, unknown>) => windowFlow({ maxAgeMs: '1500', ...props });

const T = Date.UTC(2026, 11, 7, 6);
/** A row a second: runs at rows 0-4, stopped at 5-7, runs again from 8 (the restart) to 15. */
const running = (i: number) => i < 5 || i >= 8;
const ROWS = 16;
const at = (i: number) => T + 1000 * i;

describe('linewatch-window: a running condition typed in the dialog', () => {
  it("windows neither a stop's rows nor the restart's settle; status and log say them as the gateway does", async () => {
    await helper.load(
      [nodes.window],
      flow({ running: 'equals', runningChannel: 'mode', runningValue: 'RUN', settleMs: '2000' }),
    );
    const out = collect(helper.getNode('out')!);
    const gaps = collect(helper.getNode('bad')!);
    const w = helper.getNode('w')!;
    const statuses = statusTexts(w);
    const logs: string[] = [];
    w.on('call:log', (call: { args: unknown[] }) => logs.push(String(call.args[0])));
    for (let i = 0; i < ROWS; i++)
      w.receive({ payload: { a: i, b: -i, mode: running(i) ? 'RUN' : 'STOP' }, timestamp: at(i) });
    // Windows of rows 0-4, then of rows 10-15: rows 8 and 9 settle (2 s from the restart at row 8).
    await expect.poll(() => out.length).toBe(7);
    expect(out.map((m) => (m.payload.end - T) / 1000)).toEqual([2, 3, 4, 12, 13, 14, 15]);
    expect(gaps.map((m) => m.payload)).toEqual([
      {
        asset: 'pump-1',
        ts: at(5),
        reason: 'the machine does not run: stopped: mode=RUN does not hold',
        state: 'stopped',
      },
    ]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        '2 channels × 3, waiting, runs when mode=RUN',
        'stopped since 2026-12-07T06:00:05Z (mode=RUN)',
        'settling until 2026-12-07T06:00:10Z (mode=RUN)',
      ]),
    );
    expect(statuses.at(-1)).toBe('7 windows, 0 incomplete, 5 rows stopped');
    expect(logs).toEqual([
      'window pump-1: windows only the rows where mode=RUN, settling 2000 ms after a restart (Runs when)',
      'asset pump-1: stopped: mode=RUN does not hold; its rows are not scored until it runs again, its alarm stays as it is',
      'asset pump-1: runs again (mode=RUN); settling for 2000 ms after the restart (running_when.settle_ms): its rows are not scored until 2026-12-07T06:00:10.000Z',
      'asset pump-1: settled after its restart (mode=RUN); scored from its first whole window of running rows',
    ]);
  });

  it("takes a word on the condition's channel (a mode word); a model channel's word is still refused, naming it", async () => {
    await helper.load([nodes.window], flow({ running: 'not_equals', runningChannel: 'mode', runningValue: 'STOP' }));
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    for (let i = 0; i < 3; i++) w.receive({ payload: { mode: 'RUN', a: i, b: i }, timestamp: at(i) });
    await expect.poll(() => out.length).toBe(1);
    const error = nextError(w);
    w.receive({ payload: { mode: 'RUN', a: 'high', b: 1 }, timestamp: at(3) });
    expect(await error).toBe('msg.payload.a: expected a number or boolean, got a string ("high")');
  });

  it("windows nothing where the messages do not carry the condition's channel, and says so", async () => {
    await helper.load([nodes.window], flow({ running: 'equals', runningChannel: 'run', runningValue: '1' }));
    const out = collect(helper.getNode('out')!);
    const bad = collect(helper.getNode('bad')!);
    const w = helper.getNode('w')!;
    const statuses = statusTexts(w);
    const warnings: string[] = [];
    w.on('call:warn', (call: { args: unknown[] }) => warnings.push(String(call.args[0])));
    for (let i = 0; i < 6; i++) w.receive({ payload: { a: i, b: i }, timestamp: at(i) });
    // The deploy's status, then one a message.
    await expect.poll(() => statuses.length).toBe(7);
    expect(out).toEqual([]);
    expect(bad.map((m) => m.payload.state)).toEqual(['unknown']);
    expect(warnings).toEqual([
      'window pump-1: the machine does not run: no fresh good reading of run (running_when run=1): its rows are not ' +
        'windowed until one comes (Runs when)',
    ]);
    expect(statuses.at(-1)).toBe('no reading of run since 2026-12-07T06:00:00Z (run=1)');
  });

  it.each([
    [
      { running: 'above', runningChannel: 'speed', runningValue: 'fast' },
      'Run value: above compares with a number, not "fast"',
    ],
    [{ running: 'equals', runningValue: '1' }, 'Run channel: required where Runs when compares'],
    [{ running: 'below', runningChannel: 'speed' }, 'Run value: required (the value Run channel is compared with)'],
    [
      { running: 'equals', runningChannel: 'run', runningValue: '1', settleMs: '-5' },
      'Settle: a whole number from 0, or empty for the default',
    ],
    [
      { running: 'equals', runningChannel: 'run', runningValue: '1', settleMs: 'soon' },
      'Settle: a whole number from 0, or empty for the default',
    ],
    [{ running: 'sometimes' }, 'Runs when: "sometimes" is not one of model, equals, not_equals, above, below, always'],
    [
      { running: 'equals', runningChannel: 'run', runningValue: '1', mode: 'cycle', triggerChannel: 'cycle' },
      "Runs when: applies to sliding windows; a part's window is cut by its trigger",
    ],
  ])('refuses a bad condition at deploy, naming the node and the field: %j', async (props, message) => {
    await helper.load([nodes.window], flow(props));
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: { a: 1, b: 1, run: 1 }, timestamp: at(0) });
    expect(await error).toContain(`window pump-1: running condition: ${message}`);
  });

  it('a flow saved without the fields windows every row, its stops too, and refuses a word as before', async () => {
    await helper.load([nodes.window], flow({}));
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    for (let i = 0; i < ROWS; i++) w.receive({ payload: { a: i, b: -i, run: running(i) ? 1 : 0 }, timestamp: at(i) });
    await expect.poll(() => out.length).toBe(ROWS - 2);
    const error = nextError(w);
    w.receive({ payload: { a: 1, b: 1, mode: 'RUN' }, timestamp: at(ROWS) });
    expect(await error).toBe('msg.payload.mode: expected a number or boolean, got a string ("RUN")');
  });
});
