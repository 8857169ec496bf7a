/**
 * Properties of model manifest loading (a manifest file is outside input): whatever a
 * manifest.json holds, loading either succeeds or fails with a ModelError naming the file and
 * the field; the shipped manifest round-trips.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import { loadManifest, type LoadedManifest } from '../../src/inference/manifest.js';

const RUNS = { numRuns: 60 };
const SHIPPED = new URL('../../models/pump-ae/', import.meta.url);
const shipped = JSON.parse(readFileSync(new URL('manifest.json', SHIPPED), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'lw-manifest-prop-'));
copyFileSync(new URL('model.int8.onnx', SHIPPED), join(dir, 'model.int8.onnx'));
const path = join(dir, 'manifest.json');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function load(text: string) {
  writeFileSync(path, text);
  return loadManifest(path).then(
    (loaded): { loaded?: LoadedManifest; err?: unknown } => ({ loaded }),
    (err: unknown): { loaded?: LoadedManifest; err?: unknown } => ({ err }),
  );
}

describe('model manifests (property)', () => {
  it('loads the shipped manifest as written', async () => {
    const { loaded } = await load(JSON.stringify(shipped));
    expect(loaded?.manifest).toEqual(shipped);
  });

  it('refuses a clear level next to nothing (an alarm that never clears), and takes one a calibration would give', async () => {
    const score = shipped.score as { threshold: number; off_threshold?: number };
    const { err } = await load(JSON.stringify({ ...shipped, score: { ...score, clear_threshold: 5e-324 } }));
    expect((err as ModelError).message).toBe(
      `model manifest ${path}: score.clear_threshold: 5e-324 is below 1 % of score.threshold ${score.threshold}: a raised alarm would never clear`,
    );
    const clear = (score.off_threshold ?? score.threshold) / 2;
    const { loaded } = await load(JSON.stringify({ ...shipped, score: { ...score, clear_threshold: clear } }));
    expect(loaded?.manifest.score.clear_threshold).toBe(clear);
  });

  it.each(['../model.int8.onnx', '/etc/passwd', ' ', '.hidden', 'sub/model.int8.onnx'])(
    'refuses a model file %j that is not a plain name in the model folder',
    async (file) => {
      const { err } = await load(JSON.stringify({ ...shipped, fp32_file: file }));
      expect((err as ModelError).message).toBe(
        `model manifest ${path}: fp32_file: expected a plain file name in the model folder (letters, digits, . _ + -, no path)`,
      );
      const { err: intErr } = await load(JSON.stringify({ ...shipped, file }));
      expect((intErr as ModelError).message).toMatch(/^model manifest .*: file: expected a plain file name/);
    },
  );

  it('answers any content with a manifest or a ModelError naming the file and what is wrong', async () => {
    const content = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          key: fc.constantFrom(...Object.keys(shipped)),
          value: fc.jsonValue({ maxDepth: 1 }),
          drop: fc.boolean(),
        })
        .map(({ key, value, drop }) => {
          const m: Record<string, unknown> = { ...shipped };
          if (drop) delete m[key];
          else m[key] = value;
          return JSON.stringify(m);
        }),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        const { loaded, err } = await load(text);
        if (loaded) {
          expect(loaded.manifest.name).toBe(JSON.parse(text).name);
          return;
        }
        expect(err).toBeInstanceOf(ModelError);
        const escaped = escapeRegExp(path);
        expect((err as ModelError).message).toMatch(
          new RegExp(
            `^(model manifest ${escaped}|model file ${escapeRegExp(dir)}/[^/\\s]+ \\(from ${escaped}\\)): .*\\S`,
          ),
        );
      }),
      RUNS,
    );
  });
});
