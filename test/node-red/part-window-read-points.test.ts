/**
 * A part with missed polls travels from the window node to the score node with the points its rows do not reach
 * (msg.payload.unreadPoints, from point 0 where its first polls were missed; readPoints too where those are all at its
 * end, as the window node sent before 2026-12-08),
 * so a part model (normalisation part_curve) scores it in a flow as the gateway does: on the points read, not on its
 * last reading held over the rest nor on a line across a missed poll.
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
  it('keeps the points its rows do not reach, at its end or mid-part, and the part model scores it as the gateway does', async () => {
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
    const tail = Array.from({ length: 8 }, (_, k) => W - 8 + k);
    const lost: Window = { asset: 'moulder', channels, length: W, start: 0, end: 1, data, unreadPoints: tail };
    // A missed poll mid-part: its points 10 to 13 bridged by a line far from the curve there.
    const gapData = Float32Array.from(parts.windows[0]);
    gapData.fill(1e4, 10 * channels.length, 14 * channels.length);
    const gap: Window = { ...lost, data: gapData, unreadPoints: [10, 11, 12, 13] };
    // Its first polls missed: its points 0 to 3 hold its first reading, far from the curve there.
    const lateData = Float32Array.from(parts.windows[0]);
    lateData.fill(1e4, 0, 4 * channels.length);
    const late: Window = { ...lost, data: lateData, unreadPoints: [0, 1, 2, 3] };

    const sent = JSON.parse(JSON.stringify(windowPayload(lost, 1200))) as Record<string, unknown>;
    expect(sent.readPoints).toBe(W - 8);
    const received = windowFromPayload(sent, channels, W);
    expect(received.unreadPoints).toEqual(tail);
    // As a window node of the release before sent it (readPoints alone), and as a score node of it reads it.
    const { unreadPoints: _, ...before } = sent;
    expect(windowFromPayload(before, channels, W).unreadPoints).toEqual(tail);
    const gapSent = JSON.parse(JSON.stringify(windowPayload(gap, 1200))) as Record<string, unknown>;
    expect(gapSent).not.toHaveProperty('readPoints');
    const gapReceived = windowFromPayload(gapSent, channels, W);
    const lateSent = JSON.parse(JSON.stringify(windowPayload(late, 1200))) as Record<string, unknown>;
    expect(lateSent.unreadPoints).toEqual([0, 1, 2, 3]);
    expect(lateSent).not.toHaveProperty('readPoints');
    const lateReceived = windowFromPayload(lateSent, channels, W);
    expect(lateReceived.unreadPoints).toEqual([0, 1, 2, 3]);

    const model = await AutoencoderModel.load(inMemoryModel(fitted, 'fp32', 'test'), { asset: 'moulder' });
    const [gateway, flow, unmasked, gapGateway, gapFlow, gapUnmasked, lateGateway, lateFlow, lateUnmasked] =
      await model.score([
        lost,
        received,
        { ...lost, unreadPoints: undefined },
        gap,
        gapReceived,
        { ...gap, unreadPoints: undefined },
        late,
        lateReceived,
        { ...late, unreadPoints: undefined },
      ]);
    expect(flow.score).toBe(gateway.score);
    expect(unmasked.score).toBeGreaterThan(gateway.score * 100);
    expect(gapFlow.score).toBe(gapGateway.score);
    expect(gapUnmasked.score).toBeGreaterThan(gapGateway.score * 100);
    expect(lateFlow.score).toBe(lateGateway.score);
    expect(lateUnmasked.score).toBeGreaterThan(lateGateway.score * 100);
  });

  it('refuses points read or not read that are not in the window, naming the field', () => {
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
    const what = `expected the points not read: whole numbers from 0 to ${W - 1}, ascending, fewer than ${W}`;
    for (const [bad, field, got] of [
      [5, 'unreadPoints', '5'],
      [new Array(W).fill(1), 'unreadPoints', `${W} of them`],
      [[-1], 'unreadPoints[0]', '-1'],
      [[0, 0], 'unreadPoints[1]', '0'],
      [[3, 3], 'unreadPoints[1]', '3'],
      [[4, 2], 'unreadPoints[1]', '2'],
      [[W], 'unreadPoints[0]', `${W}`],
      [[1.5], 'unreadPoints[0]', '1.5'],
      [['2'], 'unreadPoints[0]', '"2"'],
    ] as const)
      expect(() => windowFromPayload({ ...payload, unreadPoints: bad }, channels, W)).toThrow(
        `msg.payload.${field}: ${what}, got ${got}`,
      );
    expect(windowFromPayload(payload, channels, W).unreadPoints).toBeUndefined();
    // Both: the points either names.
    expect(
      windowFromPayload({ ...payload, unreadPoints: [3, 4], readPoints: W - 1 }, channels, W).unreadPoints,
    ).toEqual([3, 4, W - 1]);
  });
});
