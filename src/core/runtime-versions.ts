/** The versions of what linewatch runs on, for --version and the linewatch_build_info metric. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let found: string | undefined;

/** onnxruntime-node's version, read from its package.json (loading the native binding is not needed). */
export function onnxruntimeVersion(): string {
  found ??= readOnnxruntimeVersion();
  return found;
}

function readOnnxruntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('onnxruntime-node'));
    for (;;) {
      const file = join(dir, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'onnxruntime-node' && pkg.version) return pkg.version;
      } catch {
        // no package.json at this level: go up
      }
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'not installed';
  }
}
