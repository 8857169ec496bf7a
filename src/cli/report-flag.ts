/** `--report PATH` (train, eval), checked before any work: a page's file name where a folder stands is refused. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { namesReportFile } from '../report/render-report.js';
import { UsageError } from './usage.js';

/**
 * Refuses `--report NAME.html` where NAME.html is a folder (one an earlier linewatch made: it wrote
 * NAME.html/index.html), which the page cannot be written over, naming the folder and the way out.
 */
export function refuseReportFolder(target: string | undefined): void {
  if (target === undefined || !namesReportFile(target)) return;
  let folder = false;
  try {
    folder = statSync(target).isDirectory();
  } catch {
    return; // nothing there yet: the page is written as that file
  }
  if (folder)
    throw new UsageError(
      `--report ${target}: a name ending in .html names the page's file, and ${target} is a folder (linewatch ` +
        `before 2026-12-07 wrote ${join(target, 'index.html')} there); remove the folder or give another name`,
    );
}
