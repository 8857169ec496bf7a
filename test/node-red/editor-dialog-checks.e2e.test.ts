/**
 * What the window and model dialogs check before a deploy, in Node-RED's own editor (headless Chromium,
 * editor-page.ts): a register list the runtime would refuse turns its field red, and the node before a deploy, with the
 * runtime's own message naming the line; a model path the model node cannot load turns red with why (the runtime
 * answers, GET linewatch/model), one it can load shows its shape; a window dialog whose Runs when windows other rows
 * than its model learnt shows the warning the node gives at deploy.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { editorActions, openNodeRedEditor, type NodeRedEditor } from './editor-page.js';

let editor: NodeRedEditor;
let ui: ReturnType<typeof editorActions>;

beforeAll(async () => {
  editor = await openNodeRedEditor();
  ui = editorActions(editor.page);
  // A model of the user's own that learnt only the rows where mode=RUN (the shipped pump-ae, its manifest told so).
  const dir = join(editor.red.userDir, 'models', 'pump-run');
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  manifest.training.running_when = { channel: 'mode', equals: 'RUN' };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}, 180_000);

afterAll(async () => {
  await editor?.close();
});

async function importNodes(nodes: Record<string, unknown>[]): Promise<void> {
  await editor.page.evaluate((ns) => {
    (window as any).RED.view.importNodes(ns, { generateIds: false, touchImport: true });
  }, nodes);
}

const windowNode = (props: Record<string, unknown>) => ({
  type: 'linewatch-window',
  asset: 'pump-1',
  channels: 'a,b',
  length: '3',
  wires: [[], []],
  ...props,
});

/** A model node and a window node that uses it (`props` over the window's), placed on the canvas. */
const importWithModel = (model: { id: string; path: string }, props: Record<string, unknown>) =>
  importNodes([{ type: 'linewatch-model', providers: 'cpu', ...model }, windowNode({ model: model.id, ...props })]);

const flagged = (selector: string) => editor.page.$eval(selector, (el) => el.classList.contains('input-error'));
const shown = (selector: string) =>
  editor.page.$eval(selector, (el) => ((el as HTMLElement).offsetParent !== null ? el.textContent : null));

const UINT17 =
  'Registers: register list line 2 ("pressure 1 uint17"): type "uint17" is not one of int16, uint16, int32, uint32, int64, uint64, float32, float64, bit (bit.N for bit N)';

describe('the register list in the window dialog', () => {
  it('flags a list the runtime would refuse on the node and on its field, naming the line; a fixed one passes', async () => {
    await importNodes([
      windowNode({ id: 'g1', x: 200, y: 100, format: 'registers', registers: 'flow 0 uint16\npressure 1 uint17' }),
      windowNode({ id: 'g2', x: 400, y: 100, format: 'registers', registers: 'flow uint16' }),
      windowNode({ id: 'g3', x: 600, y: 100, format: 'registers', registers: 'flow 0 float32 ABDC 0.1' }),
      // Not read as registers: the list is not used, nor checked.
      windowNode({ id: 'g4', x: 800, y: 100, format: 'object', registers: 'flow 0 uint17' }),
    ]);
    expect(await ui.validity(['g1', 'g2', 'g3', 'g4'])).toEqual({
      g1: { valid: false, errors: [UINT17] },
      g2: {
        valid: false,
        errors: ['Registers: register list line 1 ("flow uint16"): offset "uint16" must be a register index from 0'],
      },
      g3: {
        valid: false,
        errors: [
          'Registers: register list line 1 ("flow 0 float32 ABDC 0.1"): "ABDC" is neither a byte order (ABCD, CDAB, BADC, DCBA) nor a scale',
        ],
      },
      g4: { valid: true, errors: [] },
    });
    await ui.openDialog('g1', '#node-input-registers');
    await expect.poll(() => flagged('#node-input-registers')).toBe(true);
    await ui.fillAll({ '#node-input-registers': 'flow 0 uint16\npressure 1 uint32 CDAB 0.01' });
    await expect.poll(() => flagged('#node-input-registers')).toBe(false);
    await ui.fillAll({ '#node-input-registers': 'flow 0 uint16\npressure 1 uint17' });
    await expect.poll(() => flagged('#node-input-registers')).toBe(true);
    // Another input: the list is not read.
    await editor.page.select('#node-input-format', 'object');
    await expect.poll(() => flagged('#node-input-registers')).toBe(false);
    await editor.page.select('#node-input-format', 'registers');
    await ui.fillAll({ '#node-input-registers': 'flow 0 uint16\npressure 1 uint32 CDAB 0.01' });
    await ui.done();
    expect(await ui.validity(['g1'])).toEqual({ g1: { valid: true, errors: [] } });
    expect(editor.problems).toEqual([]);
  }, 180_000);
});

describe('the model path in the model dialog', () => {
  it('turns a path the node cannot load red with why; shows the shape of one it can', async () => {
    await importNodes([windowNode({ id: 'p1', x: 200, y: 250 })]);
    await ui.openDialog('p1', '#node-input-model');
    await ui.press('#node-input-btn-model-add');
    await editor.page.waitForSelector('#node-config-input-path', { visible: true });
    await ui.fillAll({ '#node-config-input-path': 'models/pump-hybird' });
    await expect.poll(() => flagged('#node-config-input-path'), { timeout: 30_000 }).toBe(true);
    expect(await shown('#lw-model-check')).toMatch(
      /^model models\/pump-hybird: no folder holding a manifest\.json there .*; did you mean models\/pump-hybrid\?$/,
    );
    await ui.fillAll({ '#node-config-input-path': 'models/pump-hybrid' });
    await expect.poll(() => flagged('#node-config-input-path'), { timeout: 30_000 }).toBe(false);
    await expect
      .poll(() => shown('#lw-model-check'))
      .toBe(
        'pump-hybrid: continuous, 7 channels (vibration_1, vibration_2, motor_current, voltage, pressure, temperature, flow) × 32 samples every 200 ms; learnt every row',
      );
    await ui.press('#node-config-dialog-cancel');
    await ui.press('#node-dialog-cancel');
    expect(editor.problems).toEqual([]);
  }, 180_000);
});

describe("the window dialog against its model (the runtime's checks)", () => {
  it('says under the list which channels of the model it has no line for, as the deploy refuses it', async () => {
    await importWithModel(
      { id: 'ma', path: 'models/pump-ae' },
      { id: 'u1', x: 200, y: 550, format: 'registers', registers: 'vibration_1 0 uint16' },
    );
    await ui.openDialog('u1', '#node-input-registers');
    await expect
      .poll(() => shown('#lw-window-registers-note'), { timeout: 30_000 })
      .toBe(
        'register list: no line for vibration_2, motor_current, voltage, pressure, temperature, flow (the window takes vibration_1, vibration_2, motor_current, voltage, pressure, temperature, flow): without one every window would be incomplete',
      );
    const all = 'vibration_1 0\nvibration_2 1\nmotor_current 2\nvoltage 3\npressure 4\ntemperature 5\nflow 6';
    await ui.fillAll({ '#node-input-registers': all });
    await editor.page.$eval('#node-input-registers', (el) => (window as any).$(el).trigger('change'));
    await expect.poll(() => shown('#lw-window-registers-note'), { timeout: 30_000 }).toBe(null);
    await ui.press('#node-dialog-cancel');
    expect(editor.problems).toEqual([]);
  }, 180_000);

  it('shows the warning the node gives at deploy where Runs when is another condition, none where the same', async () => {
    await importWithModel(
      { id: 'mr', path: 'models/pump-run' },
      { id: 'r1', x: 200, y: 400, running: 'equals', runningChannel: 'mode', runningValue: 'AUTO' },
    );
    await ui.openDialog('r1', '#node-input-running');
    await expect
      .poll(() => shown('#lw-window-running-note'), { timeout: 30_000 })
      .toBe(
        'window pump-1: Runs when mode=AUTO, but model pump-ae learnt the rows where mode=RUN (training.running_when): the rows scored are not those learnt, unless the two say the same thing under other names',
      );
    await editor.page.select('#node-input-running', 'model');
    await expect.poll(() => shown('#lw-window-running-note'), { timeout: 30_000 }).toBe(null);
    await editor.page.select('#node-input-running', 'always');
    await expect
      .poll(() => shown('#lw-window-running-note'), { timeout: 30_000 })
      .toMatch(/^window pump-1: Runs when is always: every row is windowed and scored/);
    await ui.press('#node-dialog-cancel');
    expect(editor.problems).toEqual([]);
  }, 180_000);
});
