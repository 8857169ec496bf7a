/**
 * The window node's running condition in Node-RED's own editor (headless Chromium, editor-page.ts): a condition typed
 * in the dialog is deployed and the running node says it in its status; the dialog shows Run channel and Run value only
 * where Runs when compares, and a flow saved without the fields at the model's default, not blank; a bad condition is
 * flagged on its field as it is typed and on the node before a deploy, naming the field, as the runtime refuses it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorActions, openNodeRedEditor, type NodeRedEditor } from './editor-page.js';

let editor: NodeRedEditor;
let ui: ReturnType<typeof editorActions>;

beforeAll(async () => {
  editor = await openNodeRedEditor();
  ui = editorActions(editor.page);
}, 180_000);

afterAll(async () => {
  await editor?.close();
});

/** Window nodes without a model (channels a and b, windows of 3) with `props`, placed on the canvas. */
async function importWindows(nodes: Record<string, unknown>[]): Promise<void> {
  const placed = nodes.map((n, i) => ({
    type: 'linewatch-window',
    asset: 'pump-1',
    channels: 'a,b',
    length: '3',
    x: 200 + 160 * i,
    y: 150 + Number(n.row ?? 0) * 100,
    wires: [[], []],
    ...n,
  }));
  await editor.page.evaluate((ns) => {
    (window as any).RED.view.importNodes(ns, { generateIds: false, touchImport: true });
  }, placed);
}

/** Each node's validity and the messages the editor shows for it. */
const validity = (ids: string[]) =>
  editor.page.evaluate(
    (list) =>
      Object.fromEntries(
        list.map((id) => {
          const n = (window as any).RED.nodes.node(id);
          (window as any).RED.editor.validateNode(n);
          return [id, { valid: n.valid, errors: n.validationErrors ?? [] }];
        }),
      ),
    ids,
  );

const visible = (selector: string) => editor.page.$eval(selector, (el) => (el as HTMLElement).offsetParent !== null);
const flagged = (selector: string) => editor.page.$eval(selector, (el) => el.classList.contains('input-error'));

describe("the window node's running condition in the editor", () => {
  it('deploys a condition typed in the dialog: the running node says it in its status', async () => {
    await importWindows([{ id: 'r1' }]);
    await ui.openDialog('r1', '#node-input-running');
    await editor.page.select('#node-input-running', 'equals');
    await ui.fillAll({
      '#node-input-runningChannel': 'mode',
      '#node-input-runningValue': 'RUN',
      '#node-input-settleMs': '2000',
    });
    await ui.done();
    await ui.press('#red-ui-header-button-deploy');
    await expect.poll(() => ui.statusOf('r1'), { timeout: 30_000 }).toBe('2 channels × 3, waiting, runs when mode=RUN');
    const saved = JSON.parse(await readFile(join(editor.red.userDir, 'flows.json'), 'utf8')) as { id: string }[];
    expect(saved.find((n) => n.id === 'r1')).toMatchObject({
      running: 'equals',
      runningChannel: 'mode',
      runningValue: 'RUN',
      settleMs: '2000',
    });
    expect(editor.problems).toEqual([]);
  }, 180_000);

  it('shows Run channel and Run value where Runs when compares; a bad value turns red with the rule', async () => {
    // As a flow saved before the fields existed imports: without running, runningChannel, runningValue, settleMs.
    await importWindows([{ id: 'r2', row: 1 }]);
    await ui.openDialog('r2', '#node-input-running');
    expect(await ui.valueOf('#node-input-running')).toBe('model');
    expect([await visible('#node-input-runningChannel'), await visible('#node-input-settleMs')]).toEqual([false, true]);
    await editor.page.select('#node-input-running', 'above');
    expect(await visible('#node-input-runningChannel')).toBe(true);
    await expect.poll(() => flagged('#node-input-runningChannel')).toBe(true);
    await ui.fillAll({ '#node-input-runningChannel': 'speed', '#node-input-runningValue': 'fast' });
    await expect.poll(() => flagged('#node-input-runningChannel')).toBe(false);
    await expect.poll(() => flagged('#node-input-runningValue')).toBe(true);
    await ui.fillAll({ '#node-input-runningValue': '100' });
    await expect.poll(() => flagged('#node-input-runningValue')).toBe(false);
    await editor.page.select('#node-input-running', 'always');
    expect([await visible('#node-input-runningValue'), await visible('#node-input-settleMs')]).toEqual([false, false]);
    await ui.press('#node-dialog-cancel');
    expect(await validity(['r2'])).toEqual({ r2: { valid: true, errors: [] } });
    expect(editor.problems).toEqual([]);
  }, 180_000);

  it('flags a bad condition on the node before a deploy, naming the field as the runtime does', async () => {
    await importWindows([
      { id: 'r3', row: 2, running: 'above', runningChannel: 'speed', runningValue: 'fast' },
      { id: 'r4', row: 2, running: 'equals', runningChannel: '', runningValue: '', settleMs: '-1' },
      { id: 'r5', row: 2, running: 'sometimes' },
      {
        id: 'r6',
        row: 2,
        mode: 'cycle',
        triggerChannel: 'c',
        running: 'equals',
        runningChannel: 'run',
        runningValue: 1,
      },
    ]);
    expect(await validity(['r3', 'r4', 'r5', 'r6'])).toEqual({
      r3: { valid: false, errors: ['Run value: above compares with a number, not "fast"'] },
      r4: {
        valid: false,
        errors: [
          "Run channel: required where Runs when compares (the RUN bit, mode word or speed's channel)",
          'Run value: required (the value Run channel is compared with)',
          'Settle: a whole number from 0, or empty for the default',
        ],
      },
      r5: {
        valid: false,
        errors: ['Runs when: "sometimes" is not one of model, equals, not_equals, above, below, always'],
      },
      r6: {
        valid: false,
        errors: [
          "Runs when: applies to sliding windows; a part's window is cut by its trigger (set it to the model's)",
        ],
      },
    });
    expect(editor.problems).toEqual([]);
  }, 60_000);
});
