/**
 * Node-RED's editor in headless Chromium (Debian's chromium driven by puppeteer-core) with the palette package
 * installed as `npm install <folder>` does it, and what a user does in it: open a node's dialog, type into its fields,
 * press its buttons, read a node's status under it on the canvas. Shared by the editor tests.
 */
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { startNodeRedIn, type NodeRedRuntime } from '../../src/testing/node-red-process.js';
import { launchBrowser } from '../helpers/browser.js';
// @ts-expect-error: a plain ES module script without type declarations
import { buildNodesPackage, PACKAGE_DIR } from '../../packages/node-red-contrib-linewatch/scripts/build.mjs';

export interface NodeRedEditor {
  readonly red: NodeRedRuntime;
  readonly page: Page;
  /** Page errors seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Builds the palette package, starts a Node-RED with it and opens its editor, once the linewatch palette shows. */
export async function openNodeRedEditor(): Promise<NodeRedEditor> {
  await buildNodesPackage();
  // The package folder installed the way `npm install <folder>` does it (a link).
  const userDir = await mkdtemp(join(tmpdir(), 'lw-editor-'));
  await mkdir(join(userDir, 'node_modules'));
  await symlink(PACKAGE_DIR, join(userDir, 'node_modules', 'node-red-contrib-linewatch'), 'dir');
  const red = await startNodeRedIn(userDir, {});
  const browser = await launchBrowser();
  const page = await browser.browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  await page.setViewport({ width: 1400, height: 900 });
  // Under a loaded CI machine (the whole suite on 2 cores) a dialog can take longer than puppeteer's 30 s default.
  page.setDefaultTimeout(90_000);
  await page.goto(red.url, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as any).RED?.nodes?.getType?.('linewatch-window') !== undefined, {
    timeout: 60_000,
  });
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="linewatch-window"]', { timeout: 30_000 });
  return {
    red,
    page,
    problems,
    close: async () => {
      await browser.close();
      await red.stop();
    },
  };
}

/** What a user does in the editor's page. */
export function editorActions(page: Page) {
  /**
   * Double-clicks a node on the canvas and waits for its edit dialog (`field`: a field only that dialog has). The
   * previous dialog's tray must be gone first; on a loaded 2-core machine a double-click can still be lost (the full
   * suite lost one in 3 runs, the dialog never opened in 90 s), so it is tried again, three times at most.
   */
  async function openDialog(id: string, field: string): Promise<void> {
    await page.waitForSelector('form#dialog-form', { hidden: true });
    const box = await (await page.waitForSelector(`g[id="${id}"] .red-ui-flow-node`))!.boundingBox();
    for (let attempt = 1; ; attempt++) {
      await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2, { count: 2, delay: 30 });
      try {
        await page.waitForSelector(`form#dialog-form ${field}`, { visible: true, timeout: 30_000 });
        return;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  }

  const valueOf = (selector: string) => page.$eval(selector, (el) => (el as HTMLInputElement).value);

  /**
   * Clears a field and types into it as a user does. Focus goes to the element itself, not to a point on the screen:
   * a dialog's tray slides in, and under a loaded machine a click at coordinates taken mid-slide misses.
   */
  async function fill(selector: string, value: string): Promise<void> {
    await page.$eval(selector, (el) => {
      (el as HTMLInputElement).focus();
      (el as HTMLInputElement).select();
    });
    await page.keyboard.press('Backspace');
    await page.type(selector, value);
  }

  /**
   * Fills a dialog's fields, then reads them back and fills again any that do not hold what was typed: the editor
   * moves the focus to a dialog's first field once its tray has slid in, and keys typed at that moment land there.
   */
  async function fillAll(fields: Record<string, string>): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong: [string, string][] = [];
      for (const [selector, value] of Object.entries(fields))
        if ((await valueOf(selector)) !== value) wrong.push([selector, value]);
      if (wrong.length === 0) return;
      for (const [selector, value] of wrong) await fill(selector, value);
    }
    expect(Object.fromEntries(await Promise.all(Object.keys(fields).map(async (k) => [k, await valueOf(k)])))).toEqual(
      fields,
    );
  }

  async function press(selector: string): Promise<void> {
    await page.waitForSelector(selector, { visible: true });
    await page.$eval(selector, (el) => (el as HTMLElement).click());
  }

  /** Adds a config node from the dialog's add button and fills its own dialog. */
  async function addConfig(property: string, fields: Record<string, string>): Promise<void> {
    await press(`#node-input-btn-${property}-add`);
    const selectors = Object.fromEntries(Object.entries(fields).map(([f, v]) => [`#node-config-input-${f}`, v]));
    for (const selector of Object.keys(selectors)) await page.waitForSelector(selector, { visible: true });
    await fillAll(selectors);
    await press('#node-config-dialog-ok');
    await page.waitForSelector(Object.keys(selectors)[0]!, { hidden: true });
  }

  async function done(): Promise<void> {
    await press('#node-dialog-ok');
    await page.waitForSelector('form#dialog-form', { hidden: true });
  }

  /** Each node's validity as the editor checks it before a deploy: valid, and its fields' messages ([] where none). */
  const validity = (ids: readonly string[]) =>
    page.evaluate(
      (list) =>
        Object.fromEntries(
          list.map((id) => {
            const n = (window as any).RED.nodes.node(id);
            (window as any).RED.editor.validateNode(n);
            return [id, { valid: n.valid as boolean, errors: (n.validationErrors ?? []) as string[] }];
          }),
        ),
      [...ids],
    );

  const statusOf = (id: string) =>
    page.evaluate((i) => document.querySelector(`g[id="${i}"] .red-ui-flow-node-status-label`)?.textContent ?? '', id);

  return { openDialog, valueOf, fill, fillAll, press, addConfig, done, statusOf, validity };
}
