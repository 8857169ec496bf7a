/** What each asset will carry, from the configuration alone (a Sparkplug edge node declares it in its first DBIRTH). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetOutline } from '../../src/config/asset-outline.js';
import { ROOT } from '../helpers/cli.js';
import { accepted } from '../helpers/config-issues.js';
import { PUMP_CHANNELS, pumpConfig } from '../helpers/pump-config.js';

describe('assetOutline', () => {
  it('a scored asset on sliding windows: its channels, a score and the anomaly alarm, no parts', async () => {
    expect(assetOutline(await accepted(pumpConfig()))).toEqual([
      {
        asset: 'pump-1',
        channels: PUMP_CHANNELS.map((name) => ({ name, text: false })),
        scored: true,
        alarms: ['anomaly'],
        parts: false,
      },
    ]);
  });

  it('a cycle asset has parts; a text channel is flagged; an asset no model scores has no score or alarm', async () => {
    const registers = ['force', 'position', 'cycle_active']
      .map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`)
      .join('\n');
    const text = pumpConfig({
      registers: `${registers}\n      - { channel: serial, address: 20, type: string, length: 6 }`,
      assets: `  - name: pump-1\n    model: ${join(ROOT, 'models/press-ae')}\n    window: { type: cycle, trigger_channel: cycle_active, part_id_channel: serial }`,
      extraSource:
        '  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: tank-2, nodes: [{ channel: level, node_id: "ns=2;s=l" }] }',
    });
    expect(assetOutline(await accepted(text))).toEqual([
      {
        asset: 'pump-1',
        channels: [
          ...['force', 'position', 'cycle_active'].map((name) => ({ name, text: false })),
          { name: 'serial', text: true },
        ],
        scored: true,
        alarms: ['anomaly'],
        parts: true,
      },
      { asset: 'tank-2', channels: [{ name: 'level', text: false }], scored: false, alarms: [], parts: false },
    ]);
  });
});
