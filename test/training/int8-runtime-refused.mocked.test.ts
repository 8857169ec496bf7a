/**
 * Fault injection: a runtime that does not compute the int8 graph as written (one did: onnxruntime-node's MatMulNBits
 * at its default accuracy level rounded the row autoencoder's inputs to int8 and put every Tennessee Eastman window
 * above the alarm, before the graph dequantized those weights by a Cast and a Mul). Here the int8 graph's score comes
 * back 100 z too high. Fitting refuses to write such a model and says what the int8 graph did, instead of shipping one
 * that alarms on normal operation.
 */
import { describe, expect, it, vi } from 'vitest';
import { fitHybrid, plantWithPOnlyLoop } from '../helpers/two-source-plant.js';

vi.mock('onnxruntime-node', async (importOriginal) => {
  const ort = await importOriginal<typeof import('onnxruntime-node')>();
  type Session = Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (
    model: Uint8Array,
    options: Record<string, unknown>,
  ) => Promise<Session>;
  const InferenceSession = {
    ...ort.InferenceSession,
    create: async (model: Uint8Array, options: Record<string, unknown>) => {
      const session = await create(model, options);
      // The detector's int8 graph is named so (fit-detector.ts: `${graphName}_int8`); its fp32 twin is computed right.
      if (!Buffer.from(model).includes('_int8')) return session;
      const run = session.run.bind(session) as (
        feeds: Record<string, unknown>,
      ) => Promise<Record<string, InstanceType<typeof ort.Tensor>>>;
      return Object.assign(Object.create(session) as Session, {
        run: async (feeds: Record<string, unknown>) => {
          const out = await run(feeds);
          const score = Float32Array.from(out.score.data as Float32Array, (v) => v + 100);
          return { ...out, score: new ort.Tensor('float32', score, out.score.dims) };
        },
      });
    },
  };
  return { ...ort, InferenceSession, default: { ...ort, InferenceSession } };
});

describe('a runtime that does not compute the int8 graph as written', () => {
  it('is refused when fitting, naming how many held-out normal windows its int8 graph alone would alarm on', async () => {
    const fit = fitHybrid(plantWithPOnlyLoop());
    await expect(fit).rejects.toThrow(
      /^line\.csv: the int8 graph raises the alarm \(above [\d.]+\) on \d+ of \d+ held-out normal windows where the fp32 graph does not \(the most: int8 [\d.]+, fp32 [\d.]+\); either this onnxruntime does not compute the int8 graph as written or its int8 weights cannot resolve this data as finely as the fp32 ones, so no model is written from it$/,
    );
  });
});
