/**
 * A passing test run does not show node-opcua's RSA PKCS#1 v1.5 advice (NODE-OPCUA-W27), which every test file that
 * imports node-opcua printed on Node 20 about a second later (before its source or server routes node-opcua's log);
 * its other warnings and its errors are shown as before, where a failing test needs them. Checked on the lines
 * node-opcua itself prints, through the run's console filter (vitest.config.ts).
 */
import { format } from 'node:util';
import { make_warningLog } from 'node-opcua';
import { afterEach, describe, expect, it, vi } from 'vitest';
import config from '../../../vitest.config.js';

afterEach(() => vi.restoreAllMocks());

/** The console lines node-opcua's own warning logger prints for `messages`, as the test run receives them. */
function printedBy(...messages: unknown[][]): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
  for (const m of messages) make_warningLog('test')(...m);
  vi.restoreAllMocks();
  return lines;
}

/** Whether the run shows a line written to `type`. */
const shown = (line: string, type: 'stdout' | 'stderr' = 'stdout') =>
  config.test!.onConsoleLog!(line, type, undefined) !== false;

describe("a test run's output", () => {
  it('leaves out the PKCS#1 v1.5 advice, both of its lines', () => {
    const lines = printedBy(
      ['[NODE-OPCUA-W27]', 'node version', process.version],
      ['  you need to use node flag --security-revert=CVE-2023-46809 if you have issue with RSA PKCS#1 v1.5'],
    );
    expect(lines.length).toBe(2);
    expect(lines.map((l) => shown(l))).toEqual([false, false]);
  });

  it("shows node-opcua's other warnings and its errors", () => {
    const [w30] = printedBy(['[NODE-OPCUA-W30 namespace#addVariable a getter has been specified']);
    expect(w30).toContain('[NODE-OPCUA-W30');
    expect(shown(w30)).toBe(true);
    expect(shown('node-opcua: [NODE-OPCUA-E11] ReadResponse: BinaryStream: cannot grow', 'stderr')).toBe(true);
    expect(shown('device tank (opc.tcp://127.0.0.1:4840): no answer within timeout_ms (3000 ms)', 'stderr')).toBe(true);
  });
});
