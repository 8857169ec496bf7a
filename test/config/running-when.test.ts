/**
 * `assets[].running_when` in the configuration: a channel and exactly one comparison, refused otherwise with the
 * config path; its channel must be read by a source of the asset (a model input or not; did-you-mean where near);
 * sliding windows only.
 */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';
import { PUMP_AE, PUMP_CHANNELS as CHANNELS, pumpConfig, pumpRegisters } from '../helpers/pump-config.js';

/** The pump's registers and a RUN word at 20 (no model input), asset pump-1 with `asset` YAML lines added. */
function config(asset: string): string {
  const registers = `${pumpRegisters()}\n      - { channel: run_state, address: 20, type: uint16 }`;
  return pumpConfig({ registers, assets: `  - name: pump-1\n    model: ${PUMP_AE}\n${asset}` });
}

describe('assets[].running_when', () => {
  it.each([
    ['{ channel: run_state, equals: 1 }', { channel: 'run_state', equals: 1 }],
    ['{ channel: run_state, not_equals: STOP }', { channel: 'run_state', not_equals: 'STOP' }],
    ['{ channel: flow, above: 0.5 }', { channel: 'flow', above: 0.5 }],
    ['{ channel: run_state, equals: true }', { channel: 'run_state', equals: true }],
    [
      '{ channel: run_state, equals: 1, settle_ms: 1500000 }',
      { channel: 'run_state', equals: 1, settle_ms: 1_500_000 },
    ],
  ])('takes %s (the channel need not be a model input)', async (yaml, expected) => {
    const c = await accepted(config(`    running_when: ${yaml}`));
    expect(c.assets[0].running_when).toEqual(expected);
  });

  it('is unset by default (always running)', async () => {
    expect((await accepted(config(''))).assets[0].running_when).toBeUndefined();
  });

  it.each([
    ['{ channel: run_state }', 'assets[0].running_when: give one comparison: equals, not_equals, above or below'],
    [
      '{ channel: run_state, equals: 1, above: 0 }',
      'assets[0].running_when: give exactly one comparison, not equals and above',
    ],
    [
      '{ channel: run_state, above: fast }',
      'assets[0].running_when.above: Invalid input: expected number, received string',
    ],
    [
      '{ channel: run_state, equals: 1, settle_ms: -5 }',
      'assets[0].running_when.settle_ms: Too small: expected number to be >=0',
    ],
    [
      '{ channel: run_state, equals: 1, settle_ms: 2.5 }',
      'assets[0].running_when.settle_ms: Invalid input: expected int, received number',
    ],
  ])('refuses %s, naming the path', async (yaml, issue) => {
    expect(await issuesOf(config(`    running_when: ${yaml}`))).toContain(issue);
  });

  it('refuses an unknown key, naming it', async () => {
    expect(await issuesOf(config('    running_when: { channel: run_state, equal: 1 }'))).toEqual([
      'assets[0].running_when.equal: unknown key; did you mean equals?',
      'assets[0].running_when: give one comparison: equals, not_equals, above or below',
    ]);
  });

  it('refuses it on a cycle asset, whose parts its trigger cuts', async () => {
    const window = '    window: { type: cycle, trigger_channel: run_state }';
    expect(await issuesOf(config(`${window}\n    running_when: { channel: run_state, equals: 1 }`))).toContain(
      "assets[0].running_when: applies to sliding windows; asset pump-1's cycle windows are cut by their trigger (leave running_when out)",
    );
  });

  it('refuses a channel no source of the asset reads, with the nearest name', async () => {
    expect(await issuesOf(config('    running_when: { channel: run_stat, equals: 1 }'))).toEqual([
      `assets[0].running_when.channel: "run_stat" is read by no source of asset pump-1 (read: ${CHANNELS.join(', ')}, run_state); did you mean "run_state"?`,
    ]);
    expect(await issuesOf(config('    running_when: { channel: mode, equals: RUN }'))).toEqual([
      `assets[0].running_when.channel: "mode" is read by no source of asset pump-1 (read: ${CHANNELS.join(', ')}, run_state)`,
    ]);
  });
});
