/**
 * Opens a page from disk in headless Chromium (puppeteer-core driving the system browser:
 * `bash scripts/install-test-deps.sh` installs it, env CHROMIUM_PATH overrides the path) and
 * collects what a user would call broken: console errors, page errors, failed requests, and any
 * request other than the page itself (a report must be self-contained).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OpenedPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  readonly problems: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a throwaway profile; `close()` also deletes the profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    const why = process.env.CI ? 'CI is set, so this test fails instead of skipping' : 'the browser test needs it';
    throw new Error(
      `Chromium not found at ${CHROMIUM} (${why}): run \`bash scripts/install-test-deps.sh\`, or set CHROMIUM_PATH`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'lw-chromium-'));
  const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
  args.push(
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  );
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function openFilePage(path: string, viewport = { width: 1040, height: 900 }): Promise<OpenedPage> {
  const { browser, close } = await launchBrowser();
  const url = pathToFileURL(path).href;
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request other than the page: ${r.url()}`);
  });
  await page.setViewport(viewport);
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response?.ok()) throw new Error(`${url} did not load: ${response?.status()}`);
  return {
    browser,
    page,
    url,
    problems,
    close,
  };
}
