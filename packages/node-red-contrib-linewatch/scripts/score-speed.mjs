// Scoring speed of the palette package's two runtimes on the shipped int8 pump models: windows/s
// for one window a run (a window node feeding a score node one message at a time) and for runs of
// 64 (the micro-batcher's cap), with the session options the nodes use (CPU, full optimisation,
// one intra-op thread).
// Usage: node scripts/score-speed.mjs [seconds per case, default 3] [model ..., default pump-hybrid pump-ae]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const seconds = Number(process.argv[2] ?? 3);
const models = process.argv.length > 3 ? process.argv.slice(3) : ['pump-hybrid', 'pump-ae'];

for (const [model, name] of models.flatMap((m) => ['onnxruntime-node', 'onnxruntime-web'].map((n) => [m, n]))) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'models', model, 'manifest.json'), 'utf8'));
  const bytes = readFileSync(join(ROOT, 'models', model, manifest.file));
  const features = manifest.golden.input.length;
  let ort;
  try {
    ort = await import(name);
  } catch (err) {
    console.log(`${name}: not installed (${err.message.split('\n')[0]})`);
    continue;
  }
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    // As the gateway's sessions (src/inference/onnx-session.ts): int8 weights, fp32 compute.
    extra: { session: { qdq_matmulnbits_accuracy_level: '1' } },
  });
  const input = session.inputNames[0];
  for (const batch of [1, 64]) {
    const data = new Float32Array(batch * features);
    for (let b = 0; b < batch; b++) data.set(manifest.golden.input, b * features);
    const feeds = { [input]: new ort.Tensor('float32', data, [batch, features]) };
    for (let i = 0; i < 20; i++) await session.run(feeds);
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      await session.run(feeds);
      runs++;
    }
    const s = (performance.now() - start) / 1000;
    console.log(
      `${model} ${name} ${ort.env.versions.common}: batch ${batch}: ${Math.round((runs * batch) / s)} windows/s (${((s / runs) * 1000).toFixed(3)} ms a run)`,
    );
  }
  await session.release();
}
