/**
 * The palette package in Node-RED's own editor, in headless Chromium (Debian's chromium driven by
 * puppeteer-core): the palette shows the labels, each node's edit dialog opens on a double click
 * and is filled in as a user fills it (the model and gateway configurations created from the
 * dialogs' add buttons, the API token typed as a credential), the flow is deployed with the
 * Deploy button, and each node's status under it in the editor comes from the running nodes:
 * the window and score nodes from the shipped pump model, the daemon node connected to a real
 * gateway (the demo configuration on the line simulator).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { DAEMON_EVENT_TYPES } from '../../src/telemetry/event-stream.js';
import type { NodeRedRuntime } from '../../src/testing/node-red-process.js';
import { ROOT } from '../helpers/cli.js';
import { editorActions, openNodeRedEditor, type NodeRedEditor } from './editor-page.js';

const TOKEN = 'editor-test-token-7';
let sim: RunningSimulator;
let daemon: Daemon;
let daemonPort: number;
let editor: NodeRedEditor;
let red: NodeRedRuntime;
let page: Page;
let problems: string[];
let ui: ReturnType<typeof editorActions>;

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 31 });
  daemonPort = await freePort();
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: String(daemonPort),
    LINEWATCH_API_TOKEN: TOKEN,
  });
  loaded.config.storage.local = undefined;
  daemon = await startDaemon(loaded, silentLogger());
  editor = await openNodeRedEditor();
  ({ red, page, problems } = editor);
  ui = editorActions(page);
}, 180_000);

afterAll(async () => {
  await editor?.close();
  await daemon?.stop();
  await sim?.close();
});

describe('the linewatch nodes in the Node-RED editor', () => {
  it('shows the palette labels', async () => {
    const labels = await page.evaluate(() =>
      Object.fromEntries(
        ['linewatch-window', 'linewatch-score', 'linewatch-alarm', 'linewatch-daemon'].map((t) => [
          t,
          document
            .querySelector(`.red-ui-palette-node[data-palette-type="${t}"] .red-ui-palette-label`)
            ?.textContent?.replace(/\s+/g, ' '),
        ]),
      ),
    );
    expect(labels).toEqual({
      'linewatch-window': 'window',
      'linewatch-score': 'score',
      'linewatch-alarm': 'alarm',
      'linewatch-daemon': 'gateway events',
    });
  });

  it('edits each node in its dialog, deploys, and shows each running node status', async () => {
    // Four unconfigured nodes on the canvas, as dropped from the palette.
    await page.evaluate(() => {
      const RED = (window as any).RED;
      RED.view.importNodes(
        [
          { id: 'w1', type: 'linewatch-window', x: 400, y: 200, wires: [[], []] },
          { id: 's1', type: 'linewatch-score', x: 400, y: 300, wires: [[]] },
          { id: 'a1', type: 'linewatch-alarm', x: 400, y: 400, wires: [[], []] },
          { id: 'd1', type: 'linewatch-daemon', x: 400, y: 500, wires: [[]] },
        ],
        { generateIds: false, touchImport: true },
      );
    });

    await ui.openDialog('w1', '#node-input-maxAgeMs');
    await ui.fillAll({ '#node-input-asset': 'pump-1' });
    await ui.addConfig('model', { name: 'pump model', path: 'models/pump-ae' });
    await ui.fillAll({ '#node-input-hop': '5' });
    await ui.done();

    await ui.openDialog('s1', '#node-input-topK');
    // Pick the model made in the window's dialog from the drop-down.
    const modelOption = await page.waitForFunction(
      () =>
        [...(document.querySelector('#node-input-model') as HTMLSelectElement).options].find(
          (o) => o.textContent === 'pump model',
        )?.value,
      { timeout: 30_000 },
    );
    const modelId = (await modelOption.jsonValue()) as string;
    await page.select('#node-input-model', modelId);
    await ui.fillAll({ '#node-input-topK': '2' });
    await ui.done();

    await ui.openDialog('a1', '#node-input-clearRatio');
    await ui.fillAll({ '#node-input-asset': 'pump-1' });
    await page.select('#node-input-priority', 'critical');
    await ui.done();

    await ui.openDialog('d1', '#node-input-events');
    await ui.addConfig('gateway', { name: 'demo gateway', url: `http://127.0.0.1:${daemonPort}`, token: TOKEN });
    await ui.fillAll({ '#node-input-events': 'alarm,score' });
    await ui.done();

    await ui.press('#red-ui-header-button-deploy');
    await expect.poll(() => ui.statusOf('w1'), { timeout: 30_000 }).toBe('7 channels × 20, waiting');
    await expect.poll(() => ui.statusOf('s1'), { timeout: 30_000 }).toMatch(/^pump-ae \S+ on cpu$/);
    await expect.poll(() => ui.statusOf('a1'), { timeout: 30_000 }).toBe('normal');
    await expect.poll(() => ui.statusOf('d1'), { timeout: 30_000 }).toBe(`connected to 127.0.0.1:${daemonPort}`);

    // The token is a credential: in flows_cred.json, not in the flow.
    const flows = await readFile(join(red.userDir, 'flows.json'), 'utf8');
    expect(flows).not.toContain(TOKEN);
    const saved = JSON.parse(flows) as { id: string; [k: string]: unknown }[];
    expect(saved.find((n) => n.id === 'a1')).toMatchObject({ asset: 'pump-1', priority: 'critical' });
    expect(await readFile(join(red.userDir, 'flows_cred.json'), 'utf8')).toContain(TOKEN);
    expect(problems).toEqual([]);
  }, 180_000);

  it('flags a number the runtime would refuse, on the node and on the field, with the field named', async () => {
    // Walk w1: each of these was accepted by the dialogs (hop -3, top channels 0, clear ratio 3, ...), and the node
    // only turned red after the deploy, naming the YAML key (hop_samples) rather than the field.
    await page.evaluate(() => {
      (window as any).RED.view.importNodes(
        [
          { id: 'm4', type: 'linewatch-model', path: 'models/pump-ae', providers: 'cpucuda' },
          {
            id: 'w4',
            type: 'linewatch-window',
            asset: 'pump-1',
            model: 'm4',
            hop: '-3',
            maxAgeMs: '0',
            x: 250,
            y: 650,
          },
          { id: 's4', type: 'linewatch-score', model: 'm4', topK: '2.5', threshold: '.', x: 450, y: 650 },
          { id: 'a4', type: 'linewatch-alarm', onDelayMs: '-5', clearRatio: '3', maxShelveS: '0', x: 650, y: 650 },
        ],
        { generateIds: false, touchImport: true },
      );
    });
    const errors = await ui.validity(['m4', 'w4', 's4', 'a4']);
    expect(errors).toEqual({
      m4: { valid: false, errors: ['Providers: cpucuda is not one of tensorrt, cuda, cpu'] },
      w4: {
        valid: false,
        // 'model': Node-RED flags a node whose configuration node (m4, its providers) is invalid.
        errors: [
          'model',
          'Hop: a whole number from 1, or empty for the default',
          'Max age: a whole number from 1, or empty for the default',
        ],
      },
      s4: {
        valid: false,
        errors: [
          'model',
          'Threshold: a number above 0, or empty for the default',
          'Top channels: a whole number from 1, or empty for the default',
        ],
      },
      a4: {
        valid: false,
        errors: [
          'On delay: a whole number from 0, or empty for the default',
          'Clear ratio: a number above 0 to 1, or empty for the default',
          'Max shelve: a number above 0 to 2678400, or empty for the default',
        ],
      },
    });
    // In the dialog the field turns red as it is typed, and a good value clears it.
    await ui.openDialog('w4', '#node-input-maxAgeMs');
    const hopFlagged = () => page.$eval('#node-input-hop', (el) => el.classList.contains('input-error'));
    expect(await hopFlagged()).toBe(true);
    await ui.fillAll({ '#node-input-hop': '5' });
    await expect.poll(hopFlagged).toBe(false);
    await ui.press('#node-dialog-cancel');
    expect(problems).toEqual([]);
  }, 180_000);

  it("flags an event kind the gateway events node's runtime would refuse, naming the daemon's kinds", async () => {
    // Walk w1: the Events field took any text ("alarms"); the node only failed after the deploy.
    await page.evaluate(() => {
      (window as any).RED.view.importNodes(
        [
          { id: 'g5', type: 'linewatch-gateway', url: 'http://127.0.0.1:8080' },
          { id: 'd5', type: 'linewatch-daemon', gateway: 'g5', events: 'alarms, part', x: 250, y: 750 },
          { id: 'd6', type: 'linewatch-daemon', gateway: 'g5', events: 'score alarm,journal_gap', x: 450, y: 750 },
          { id: 'd7', type: 'linewatch-daemon', gateway: 'g5', events: '', x: 650, y: 750 },
        ],
        { generateIds: false, touchImport: true },
      );
    });
    const validity = await ui.validity(['d5', 'd6', 'd7']);
    expect(validity).toEqual({
      d5: { valid: false, errors: [`Events: alarms is not one of ${DAEMON_EVENT_TYPES.join(', ')}`] },
      d6: { valid: true, errors: [] },
      d7: { valid: true, errors: [] },
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('flags a gateway URL the runtime would refuse, a user or password in it among them, with the reason', async () => {
    // Walk nrwalk (2026-12-07): http://user:secret@host took the dialog's check (a regex for http(s)://) and was
    // refused only after the deploy.
    await page.evaluate(() => {
      (window as any).RED.view.importNodes(
        [
          { id: 'g8', type: 'linewatch-gateway', url: 'http://operator:secret@127.0.0.1:8080' },
          { id: 'g9', type: 'linewatch-gateway', url: 'ftp://127.0.0.1:8080' },
          { id: 'g10', type: 'linewatch-gateway', url: 'http://' },
          { id: 'g11', type: 'linewatch-gateway', url: 'https://gateway.line-1.example:8443/' },
        ],
        { generateIds: false, touchImport: true },
      );
    });
    const validity = await ui.validity(['g8', 'g9', 'g10', 'g11']);
    expect(validity).toEqual({
      g8: {
        valid: false,
        errors: [
          "URL: no user or password in it (the runtime refuses it): the gateway's API token goes in its own field",
        ],
      },
      g9: { valid: false, errors: ['URL: use http:// or https://'] },
      g10: { valid: false, errors: ['URL: not a URL (e.g. http://127.0.0.1:8080)'] },
      g11: { valid: true, errors: [] },
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows a drop-down a flow leaves out at the runtime's default, not blank", async () => {
    // As a flow written by hand (or before the field existed) imports: without align, mode, format, priority.
    await page.evaluate(() => {
      (window as any).RED.view.importNodes(
        [
          { id: 'w2', type: 'linewatch-window', asset: 'pump-1', x: 700, y: 200, wires: [[], []] },
          { id: 'a2', type: 'linewatch-alarm', asset: 'pump-1', x: 700, y: 400, wires: [[], []] },
        ],
        { generateIds: false, touchImport: true },
      );
    });
    await ui.openDialog('w2', '#node-input-maxAgeMs');
    const selects = ['align', 'mode', 'trigger', 'format'].map((p) => `#node-input-${p}`);
    expect(await Promise.all(selects.map(ui.valueOf))).toEqual(['batch', 'sliding', 'flag', 'object']);
    await ui.press('#node-dialog-cancel');
    await ui.openDialog('a2', '#node-input-clearRatio');
    expect(await ui.valueOf('#node-input-priority')).toBe('high');
    await ui.press('#node-dialog-cancel');
    expect(problems).toEqual([]);
  }, 180_000);
});
