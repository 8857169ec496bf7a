import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A file that vi.mock()s a module is named *.mocked.test.ts: `npm run test:unit` shares modules between files
    // (--no-isolate) and runs those apart, isolated, so a mock never leaks into another file.
    // One temporary folder per run, removed at its end (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // onnxruntime-node and better-sqlite3 are native addons: run test files in child processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
