import { defineConfig } from 'vitest/config';
import { isPkcs1Advice } from './src/sources/opcua/pkcs1-advice.js';

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
    // node-opcua's PKCS#1 v1.5 advice (src/sources/opcua/pkcs1-advice.ts), which a test file that imports node-opcua
    // prints about a second later, before its source or server would route node-opcua's log as the gateway does: left
    // out of the run's output. Every other line, node-opcua's other warnings and errors included, is shown.
    onConsoleLog: (log) => (isPkcs1Advice(log) ? false : undefined),
  },
});
