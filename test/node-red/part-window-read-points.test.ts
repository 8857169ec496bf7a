/**
 * A part whose last polls were missed travels from the window node to the score node with the points its rows reach
 * (msg.payload.readPoints), so a part model (normalisation part_curve) scores it in a flow as the gateway does: on the
 * points read, not on its last reading held over the rest.
 */
import { describe, expect, it } from 'vitest';
import type { Window } from '../../src/core/types.js';
import { inMemoryModel } from '../../src/eval/in-memory-model.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { windowFromPayload } from '../../src/node-red/score-node.js';
import { windowPayload } from '../../src/node-red/window-node.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { fitMoulder, MOULDING_CHANNELS, MOULDING_CUT, mouldingPartsCsv } from '../helpers/moulding-parts.js';

const W = 32;
const channels = [...MOULDING_CHANNELS];

describe('a part window in a Node-RED message', () => {
  it('keeps the points its rows reach, and the part model scores it as the gateway does', async () => {
    const { fitted } = await fitMoulder({ parts: 120, seed: 3, epochs: 4 });
    expect(fitted.manifest.normalisation.method).toBe('part_curve');
    const parts = csvParts(mouldingPartsCsv({ parts: 2, seed: 6 }), 'fresh.csv', {
      ...MOULDING_CUT,
      windowLength: W,
      channels,
    });
    // The part's last 8 points lost: its rows hold a reading far from the curve there, which only the mask leaves out.
    const data = Float32Array.from(parts.windows[0]);
    data.fill(1e4, (W - 8) * channels.length);
    const lost: Window = { asset: 'moulder', channels, length: W, start: 0, end: 1, data, readPoints: W - 8 };

    const sent = JSON.parse(JSON.stringify(windowPayload(lost, 1200))) as unknown;
    const received = windowFromPayload(sent, channels, W);
    expect(received.readPoints).toBe(W - 8);

    const model = await AutoencoderModel.load(inMemoryModel(fitted, 'fp32', 'test'), { asset: 'moulder' });
    const [gateway, flow, unmasked] = await model.score([lost, received, { ...lost, readPoints: undefined }]);
    expect(flow.score).toBe(gateway.score);
    expect(unmasked.score).toBeGreaterThan(gateway.score * 100);
  });

  it('refuses points read that are not a whole number from 1 to the window length, naming the field', () => {
    const payload = {
      asset: 'moulder',
      channels,
      length: W,
      start: 0,
      end: 1,
      data: new Array(W * channels.length).fill(0),
    };
    for (const bad of [0, W + 1, 2.5, '12', null])
      expect(() => windowFromPayload({ ...payload, readPoints: bad }, channels, W)).toThrow(
        `msg.payload.readPoints: expected a whole number from 1 to ${W} (the points of the part its rows reach), got ${JSON.stringify(bad)}`,
      );
    expect(windowFromPayload(payload, channels, W).readPoints).toBeUndefined();
  });
});
