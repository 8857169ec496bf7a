import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test file writes its temporary folders (model folders, queues, keys, server data) under os.tmpdir().
 * The run points TMPDIR at one folder of its own, inherited by the test processes and the servers they start,
 * and removes it at the end, so a run leaves nothing behind in the machine's /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'linewatch-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
