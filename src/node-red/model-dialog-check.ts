/**
 * What the model dialog (and the window dialog of a node that uses the model) asks the runtime about a model path
 * before a deploy: does it name a model folder linewatch can load, and if so its shape (channels, window length,
 * sample period), kind (continuous or part) and running condition; with a window dialog's Runs when fields, the
 * warning the window node would give at deploy where they differ from the model's (runningDifference, as at deploy).
 * Never a file's contents, never a listing: the path, typed in a browser, is hostile. It is bounded, resolved as the
 * model node resolves it (links followed), and may name only a folder holding a regular manifest.json (or that
 * manifest.json itself, as the model node takes it); anything else gets one answer, whether it exists or not.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { missingModelHint } from '../config/model-ref.js';
import { learntRunningWhen } from '../config/running-when.js';
import { loadManifest, MANIFEST_FILE, MODEL_FOLDER_HOLDS, type LoadedManifest } from '../inference/manifest.js';
import { partCutOf } from '../windows/cycle/part-cut.js';
import { parseRegisterFields, unreadChannels } from './register-list.js';
import { nodeModelPath, PACKAGE_ROOT, substitutedVariable } from './model-path.js';
import type { NodeDefinition, RedApi } from './red-api.js';
import { runningDifference, runningSettings, runningText } from './running-settings.js';

/** Where the dialogs ask (relative to Node-RED's admin root), and the permission it needs (`read` holds it). */
export const MODEL_CHECK_PATH = 'linewatch/model';
export const MODEL_CHECK_PERMISSION = 'linewatch-model.read';
/** The longest model path taken, and the longest of the window dialog's fields sent with it. */
export const MODEL_PATH_MAX = 1024;
const FIELD_MAX = 200;
/** The longest register list sent with it (in the URL: Node's 16 KiB of headers; a line a channel, ~250 channels). */
export const REGISTERS_MAX = 8000;
/** The largest manifest read (the shipped ones are 4 to 12 kB). */
export const MANIFEST_MAX_BYTES = 1 << 20;

/** The window dialog's fields that decide its rows (running-settings.ts), sent with the model path. */
const WINDOW_FIELDS = ['asset', 'mode', 'running', 'runningChannel', 'runningValue', 'settleMs'] as const;

export type ModelCheck =
  | { readonly ok: false; readonly why: string }
  /** A path Node-RED sets from an environment variable when the flow starts: not read here, checked at deploy. */
  | { readonly ok: 'at deploy'; readonly why: string }
  | {
      readonly ok: true;
      readonly name: string;
      readonly kind: 'continuous' | 'part';
      readonly channels: readonly string[];
      readonly windowLength: number;
      readonly periodMs: number;
      /** The condition it learnt under (training.running_when), or null where it learnt every row. */
      readonly running: string | null;
      /** Where the window dialog's fields window other rows: the window node's warning at deploy. */
      readonly runningWarning?: string;
      /** Where the window dialog's register list has no line for a channel of the model: the deploy's refusal. */
      readonly registersProblem?: string;
    };

/** A request's answer: 400 with the parameter's problem, or 200 with the check. */
export type ModelCheckAnswer = { status: 400; body: { error: string } } | { status: 200; body: ModelCheck };

/** A query parameter: absent, or text of at most `max` characters without control characters; else the problem. */
function parameter(
  query: Readonly<Record<string, unknown>>,
  key: string,
  max: number,
  allowed = '',
): string | { error: string } {
  const v = query[key];
  if (v === undefined) return '';
  if (typeof v !== 'string') return { error: `${key}: expected one text value` };
  if (v.length > max) return { error: `${key}: longer than ${max} characters` };
  // eslint-disable-next-line no-control-regex
  if ([...v].some((c) => /[\u0000-\u001f\u007f]/.test(c) && !allowed.includes(c)))
    return { error: `${key}: holds a control character` };
  return v;
}

/** The folder a model path names, links resolved: a folder holding a regular manifest.json of bounded size, or none. */
async function modelFolder(path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    const info = await stat(real);
    const folder = info.isDirectory() ? real : info.isFile() && basename(real) === MANIFEST_FILE ? dirname(real) : '';
    if (!folder) return undefined;
    const manifest = await realpath(join(folder, MANIFEST_FILE));
    const m = await stat(manifest);
    return basename(manifest) === MANIFEST_FILE && m.isFile() && m.size <= MANIFEST_MAX_BYTES ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** The shipped model a relative path likely misspells, where it points inside the linewatch package; else nothing. */
function shippedHint(ref: string): string {
  if (isAbsolute(ref) || relative(PACKAGE_ROOT, join(PACKAGE_ROOT, dirname(ref))).startsWith('..')) return '';
  return missingModelHint(PACKAGE_ROOT, ref);
}

/** Why a manifest did not load, without the file's text (JSON's errors quote it). */
function loadProblem(err: unknown, folder: string): string {
  if ((err as Error).cause instanceof SyntaxError) return `model manifest ${join(folder, MANIFEST_FILE)}: not JSON`;
  return (err as Error).message;
}

/** The deploy's refusal of a register list without a line for a channel of the model; none where it cannot parse. */
function registersProblemOf(channels: readonly string[], registers: string | undefined): string | undefined {
  if (registers === undefined) return undefined;
  try {
    return unreadChannels(channels, parseRegisterFields(registers));
  } catch {
    // A list the dialog flags itself (the same parser, in the editor).
    return undefined;
  }
}

/** The model's answer, with the window dialog's running warning where its fields are given and differ. */
function described(loaded: LoadedManifest, window: NodeDefinition | undefined, registers?: string): ModelCheck {
  const { manifest } = loaded;
  const learnt = learntRunningWhen(manifest.training, `model ${manifest.name}`);
  let runningWarning: string | undefined;
  if (window) {
    const where = `window ${String(window.asset || 'asset')}`;
    const windows = window.mode === 'cycle' ? 'cycle' : 'sliding';
    try {
      const running = runningSettings(window, manifest.training, where, windows);
      runningWarning = runningDifference(running, manifest.training, manifest.name, where, windows);
    } catch {
      // A field the dialog flags itself (its validators): no comparison to make.
    }
  }
  const channels = manifest.input.channels.map((c) => c.name);
  const registersProblem = registersProblemOf(channels, registers);
  return {
    ok: true,
    name: manifest.name,
    kind: partCutOf(manifest.training) ? 'part' : 'continuous',
    channels,
    windowLength: manifest.input.window_length,
    periodMs: manifest.input.sample_period_ms,
    running: learnt ? runningText(learnt) : null,
    ...(runningWarning ? { runningWarning } : {}),
    ...(registersProblem ? { registersProblem } : {}),
  };
}

/** Answers a dialog's question (`query`: path, and the window dialog's fields where it asks). */
export async function checkModelForDialog(
  query: Readonly<Record<string, unknown>>,
  userDir: string | undefined,
): Promise<ModelCheckAnswer> {
  const ref = parameter(query, 'path', MODEL_PATH_MAX);
  if (typeof ref !== 'string') return { status: 400, body: ref };
  if (ref.trim() === '') return { status: 400, body: { error: 'path: required (the model folder to check)' } };
  const fields: Record<string, string> = {};
  for (const key of WINDOW_FIELDS) {
    const v = parameter(query, key, FIELD_MAX);
    if (typeof v !== 'string') return { status: 400, body: v };
    if (v !== '') fields[key] = v;
  }
  const registers = parameter(query, 'registers', REGISTERS_MAX, '\n\r\t');
  if (typeof registers !== 'string') return { status: 400, body: registers };
  const trimmed = ref.trim();
  // Node-RED substitutes it when the flow starts; a browser is never told a variable's value, nor whether it is set.
  const variable = substitutedVariable(ref);
  if (variable !== undefined) {
    const why = `model path from environment variable ${variable}: Node-RED sets it when the flow starts (the flow's or the process's env); the model it names is checked at deploy`;
    return { status: 200, body: { ok: 'at deploy', why } };
  }
  const folder = await modelFolder(nodeModelPath(trimmed, userDir));
  if (!folder) {
    const partial = /\$\{\S+?\}|\$\(\S+?\)/.test(trimmed)
      ? ' (Node-RED substitutes an environment variable only where ${VAR} is the whole path)'
      : '';
    const why = `model ${trimmed}: no folder holding a ${MANIFEST_FILE} there (a relative path is looked up in the Node-RED user directory, then in the linewatch package); ${MODEL_FOLDER_HOLDS}${shippedHint(trimmed)}${partial}`;
    return { status: 200, body: { ok: false, why } };
  }
  const window = 'running' in fields ? { id: '', type: 'linewatch-window', ...fields } : undefined;
  try {
    const list = query.registers === undefined ? undefined : registers;
    return { status: 200, body: described(await loadManifest(folder), window, list) };
  } catch (err) {
    return { status: 200, body: { ok: false, why: loadProblem(err, folder) } };
  }
}

/** The dialogs' endpoint: GET <admin root>/linewatch/model?path=…, for users who may read the flows' settings. */
export function registerModelCheckEndpoint(RED: RedApi): void {
  RED.httpAdmin.get(`/${MODEL_CHECK_PATH}`, RED.auth.needsPermission(MODEL_CHECK_PERMISSION), (req, res, next) => {
    checkModelForDialog(req.query, RED.settings.userDir).then(
      ({ status, body }) => res.status(status).json(body),
      next,
    );
  });
}
