/**
 * The model manifest: what a model expects (channels, window, normalisation), how it scores
 * (function, threshold and how it was calibrated), how it was made, and the sha256 of its file.
 * Loading checks the manifest strictly (its schema holds the checks across fields too: a signed
 * release's manifest goes through the same) and the model file against its hash.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { plainFileNameSchema } from '../core/config-primitives.js';
import { fileErrorText, ModelError } from '../core/errors.js';
import { formatIssues } from '../core/format-issues.js';
import { TERM_KINDS } from '../core/types.js';

const manifestFields = z.strictObject({
  schema_version: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  /** Signed releases: a number that grows with every release of the model; a gateway refuses one not above what it
   * confirmed. */
  release_sequence: z.number().int().min(1).optional(),
  description: z.string().optional(),
  /** The int8 model file, a plain name in the manifest's folder. */
  file: plainFileNameSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
  fp32_file: plainFileNameSchema.optional(),
  fp32_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  input: z.strictObject({
    name: z.string().min(1),
    layout: z.literal('batch,time*channel'),
    channels: z.array(z.strictObject({ name: z.string().min(1), unit: z.string() })).min(1),
    window_length: z.number().int().min(1),
    sample_period_ms: z.number().int().min(1),
  }),
  /** The graph scores windows itself: a score per window and a mean squared error per channel. */
  output: z.strictObject({
    score: z.string().min(1),
    channel_error: z.string().min(1),
    /** Stats and hybrid models: every standardised term, kind after kind ([batch, kinds × channels]). */
    terms: z.strictObject({ name: z.string().min(1), kinds: z.array(z.enum(TERM_KINDS)).min(1) }).optional(),
  }),
  /**
   * Applied inside the graph (documented here so tools and people can see it). zscore: `mean` and `std` one per
   * channel. part_curve (part models trained since 2026-12-07): `mean` one per point and channel (the good parts' mean
   * curve, time-major), `std` one per channel (their spread about it), and the points a part's rows did not reach (NaN
   * in the input) left out of its score.
   */
  normalisation: z.strictObject({
    method: z.enum(['zscore', 'part_curve']),
    applied: z.literal('in-graph'),
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  }),
  score: z.strictObject({
    /**
     * mse: mean squared reconstruction error; max_abs_z: largest per-channel |z| of a statistical
     * detector; max_term_z: largest standardised term (residual, level, variability) of a stats or hybrid model.
     */
    function: z.enum(['mse', 'max_abs_z', 'max_term_z']),
    threshold: z.number().positive(),
    /** Where the alarm clears (hysteresis), calibrated with the threshold; below it. */
    off_threshold: z.number().positive().optional(),
    /** Where a raised alarm clears, when below off_threshold (the largest normal score of the calibration);
     * off_threshold then stays the level a sustained deviation must hold to raise it. */
    clear_threshold: z.number().positive().optional(),
    /**
     * A part model (part_curve, trained since 2026-12-08): a part whose rows reach fewer of its points than this is
     * judged unknown (core/points-read.ts); found on the held-out good parts (training/read-floor.ts, how in
     * details.min_read_points_rule). Absent: every part is judged.
     */
    min_read_points: z.number().int().min(1).optional(),
    calibration: z.string().min(1),
    /** What the calibration aimed at, e.g. { false_alarms_per_day: 1 }, and what it found. */
    target: z.record(z.string(), z.number()).optional(),
    details: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  }),
  quantization: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()).default({}),
  golden: z.strictObject({
    input: z.array(z.number()),
    score: z.number().nonnegative(),
    tolerance: z.number().positive(),
  }),
});

/** The lowest clear level a manifest may carry, as a share of its threshold. */
const MIN_CLEAR_SHARE = 0.01;

/** A manifest: its fields, and that they fit together (checked wherever one is read: a model folder, a release). */
export const manifestSchema = manifestFields.superRefine((m, ctx) => {
  const c = m.input.channels.length;
  const w = m.input.window_length;
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const perPoint = m.normalisation.method === 'part_curve';
  const floor = m.score.min_read_points;
  if (floor !== undefined && !perPoint)
    problem(
      ['score', 'min_read_points'],
      'only a part model (normalisation part_curve) leaves points out of its score',
    );
  else if (floor !== undefined && floor > w)
    problem(['score', 'min_read_points'], `${floor} is more than the window's ${w} points: no part could be judged`);
  if (m.normalisation.mean.length !== (perPoint ? c * w : c))
    problem(
      ['normalisation', 'mean'],
      perPoint
        ? `${m.normalisation.mean.length} values, expected ${c * w} (part_curve: one per point and channel, ${w} × ${c})`
        : `${m.normalisation.mean.length} values for ${c} channels`,
    );
  if (m.normalisation.std.length !== c)
    problem(['normalisation', 'std'], `${m.normalisation.std.length} values for ${c} channels`);
  if (m.golden.input.length !== c * w)
    problem(['golden', 'input'], `${m.golden.input.length} values, expected ${c * w} (${w} × ${c} channels)`);
  if (m.score.off_threshold !== undefined && !(m.score.off_threshold < m.score.threshold))
    problem(['score', 'off_threshold'], `${m.score.off_threshold} is not below score.threshold ${m.score.threshold}`);
  const clearAbove = m.score.off_threshold !== undefined ? 'off_threshold' : 'threshold';
  const clearBound = m.score.off_threshold ?? m.score.threshold;
  if (m.score.clear_threshold !== undefined && !(m.score.clear_threshold < clearBound))
    problem(['score', 'clear_threshold'], `${m.score.clear_threshold} is not below score.${clearAbove} ${clearBound}`);
  // A clear level next to nothing holds a raised alarm for good (and every later fault unannounced): a sanity bound,
  // far below any calibration's (the largest normal score lies within about 1/12 of the threshold on SKAB's files).
  const clearFloor = m.score.threshold * MIN_CLEAR_SHARE;
  if (m.score.clear_threshold !== undefined && !(m.score.clear_threshold >= clearFloor))
    problem(
      ['score', 'clear_threshold'],
      `${m.score.clear_threshold} is below ${MIN_CLEAR_SHARE * 100} % of score.threshold ${m.score.threshold}: a raised alarm would never clear`,
    );
});

export type ModelManifest = z.infer<typeof manifestSchema>;

export interface LoadedManifest {
  readonly manifest: ModelManifest;
  readonly manifestPath: string;
  readonly modelPath: string;
  readonly modelBytes: Uint8Array;
}

/** What a folder needs to be a model folder, for messages that refuse one. */
export const MODEL_FOLDER_HOLDS = 'a model folder holds the manifest.json and ONNX files that linewatch train writes';

/** A model folder's manifest, and the signature beside it in a signed release. */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Resolves a model reference (a directory holding manifest.json, or a manifest file). */
export async function resolveManifestPath(ref: string): Promise<string> {
  const info = await stat(ref).catch((err: NodeJS.ErrnoException) => {
    throw new ModelError(
      'MODEL_INVALID',
      `model ${ref}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`,
    );
  });
  return info.isDirectory() ? join(ref, 'manifest.json') : ref;
}

/**
 * A model folder's file, read whole: refused where it is not a regular file (a FIFO would block the read for ever, a
 * link to /dev/zero would fill the memory), each problem by the plain words of fileErrorText.
 */
export async function readModelFile(path: string, what: string): Promise<Buffer> {
  const info = await stat(path).catch((err: unknown) => {
    throw new ModelError('MODEL_INVALID', `${what}: ${fileErrorText(err) ?? (err as Error).message}`, err);
  });
  if (!info.isFile()) throw new ModelError('MODEL_INVALID', `${what}: not a regular file`);
  return readFile(path);
}

/**
 * A model's fp32 graph (the manifest's fp32_file), read and checked against its fp32_sha256; undefined where the
 * manifest names none. What validate --model checks and quantize starts from.
 */
export async function readFp32Graph(
  loaded: LoadedManifest,
): Promise<{ file: string; path: string; bytes: Buffer; sha256: string } | undefined> {
  const m = loaded.manifest;
  if (m.fp32_file === undefined) return undefined;
  const path = join(dirname(loaded.manifestPath), m.fp32_file);
  const bytes = await readModelFile(path, `fp32 model file ${path}`);
  const actual = sha256Hex(bytes);
  if (actual !== m.fp32_sha256)
    throw new ModelError(
      'MODEL_INVALID',
      m.fp32_sha256 === undefined
        ? `fp32 model file ${path}: the manifest ${loaded.manifestPath} gives no fp32_sha256 to check it against`
        : `fp32 model file ${path}: sha256 ${actual} does not match the manifest's fp32_sha256 ${m.fp32_sha256}`,
    );
  return { file: m.fp32_file, path, bytes, sha256: actual };
}

/** Reads and checks a manifest and its model file. Every failure names the file. */
export async function loadManifest(ref: string): Promise<LoadedManifest> {
  const manifestPath = resolve(await resolveManifestPath(ref));
  if (!existsSync(manifestPath))
    throw new ModelError('MODEL_INVALID', `model ${ref}: no manifest.json there; ${MODEL_FOLDER_HOLDS}`);
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(manifestPath, `model manifest ${manifestPath}`)).toString('utf8'));
  } catch (err) {
    if (err instanceof ModelError) throw err;
    // A file named in place of the folder (a CSV, an ONNX file): what it is not, rather than where its JSON breaks.
    if (manifestPath === resolve(ref) && basename(manifestPath) !== MANIFEST_FILE)
      throw new ModelError(
        'MODEL_INVALID',
        `model ${ref}: a file that is not JSON, so neither a model folder nor its ${MANIFEST_FILE}; ${MODEL_FOLDER_HOLDS}`,
        err,
      );
    throw new ModelError('MODEL_INVALID', `model manifest ${manifestPath}: ${(err as Error).message}`, err);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelError(
      'MODEL_INVALID',
      `model manifest ${manifestPath}: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  }
  const manifest = parsed.data;
  const modelPath = resolve(dirname(manifestPath), manifest.file);
  const modelBytes = await readModelFile(modelPath, `model file ${modelPath} (from ${manifestPath})`);
  const actual = sha256Hex(modelBytes);
  if (actual !== manifest.sha256) {
    throw new ModelError(
      'MODEL_INVALID',
      `model file ${modelPath}: sha256 ${actual} does not match the manifest's ${manifest.sha256}`,
    );
  }
  return { manifest, manifestPath, modelPath, modelBytes };
}
