/** http settings' validation, through the whole loader (errors name the setting's path). */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

function config(http: string): string {
  return `
http:
${http}
sources:
  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }
`;
}

describe('http.readyz_grace_retries', () => {
  it('is at most 10 retry cycles: more would hide a sink down from a readiness probe for minutes', async () => {
    expect((await accepted(config('  readyz_grace_retries: 10'))).http.readyz_grace_retries).toBe(10);
    // actual: accepted, a sink that fails for good answered ready for as long as a million retry cycles.
    expect(await issuesOf(config('  readyz_grace_retries: 1000000'))).toEqual([
      'http.readyz_grace_retries: Too big: expected number to be <=10',
    ]);
    expect(await issuesOf(config('  readyz_grace_retries: 11'))).toEqual([
      'http.readyz_grace_retries: Too big: expected number to be <=10',
    ]);
  });
});
