/**
 * Fault injection: a runtime that does not compute the int8 graph as written. onnxruntime-node's MatMulNBits at its
 * default accuracy level (4) rounds the row autoencoder's inputs to int8; on a channel another one sets exactly (a
 * P-only controller's output) that alone put every Tennessee Eastman window above the alarm. Fitting refuses to write
 * such a model and says what the int8 graph did, instead of shipping one that alarms on normal operation.
 */
import { describe, expect, it, vi } from 'vitest';
import { fitHybrid, plantWithPOnlyLoop } from '../helpers/two-source-plant.js';

vi.mock('onnxruntime-node', async (importOriginal) => {
  const ort = await importOriginal<typeof import('onnxruntime-node')>();
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (
    model: Uint8Array,
    options: Record<string, unknown>,
  ) => ReturnType<typeof ort.InferenceSession.create>;
  const InferenceSession = {
    ...ort.InferenceSession,
    create: (model: Uint8Array, options: Record<string, unknown>) =>
      create(model, { ...options, extra: { session: { qdq_matmulnbits_accuracy_level: '4' } } }),
  };
  return { ...ort, InferenceSession, default: { ...ort, InferenceSession } };
});

describe('a runtime that rounds the int8 row autoencoder', () => {
  it('is refused when fitting, naming how many held-out normal windows its int8 graph alone would alarm on', async () => {
    const fit = fitHybrid(plantWithPOnlyLoop());
    await expect(fit).rejects.toThrow(
      /^line\.csv: the int8 graph raises the alarm \(above [\d.]+\) on \d+ of \d+ held-out normal windows where the fp32 graph does not \(the most: int8 [\d.]+, fp32 [\d.]+\); either this onnxruntime does not compute the int8 graph as written or its int8 weights cannot resolve this data as finely as the fp32 ones, so no model is written from it$/,
    );
  });
});
