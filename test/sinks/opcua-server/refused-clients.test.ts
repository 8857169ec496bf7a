import { describe, expect, it } from 'vitest';
import type { RefusedClient } from '../../../src/sinks/opcua-server/refused-client.js';
import {
  LINES_PER_MINUTE,
  MAX_REMEMBERED,
  MAX_SHOWN,
  RefusedClients,
} from '../../../src/sinks/opcua-server/refused-clients.js';

/** A refusal of certificate `n` at `at`. */
const refusal = (n: number, at: number, cause: RefusedClient['cause'] = 'self_signed'): RefusedClient => ({
  at,
  cause,
  status: 'BadCertificateUntrusted',
  subject: `CN=client-${n}`,
  applicationUri: `urn:client-${n}`,
  sha256: `SHA-${n}`,
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  message: `refused client-${n}`,
});

describe('what the OPC UA server said of refused client certificates', () => {
  it('a certificate is said once however often it comes back, again only for another cause', () => {
    const said = new RefusedClients();
    const answers = [0, 1, 2].map((i) => said.take(refusal(1, i * 5_000)));
    expect([...answers, said.take(refusal(1, 20_000, 'expired'))]).toEqual([0, undefined, undefined, 0]);
    expect(said.status()?.certificates).toBe(2);
  });

  it("a certificate past a minute's lines is said at its next refusal after the minute (a flood does not hide it)", () => {
    const said = new RefusedClients();
    for (let n = 0; n < LINES_PER_MINUTE; n++) said.take(refusal(n, 1_000 + n));
    expect(said.take(refusal(500, 2_000))).toBeUndefined();
    expect(said.take(refusal(500, 30_000))).toBeUndefined();
    expect(said.take(refusal(500, 62_000))).toBe(1);
    expect(said.take(refusal(500, 63_000))).toBeUndefined();
    expect(said.status()?.certificates).toBe(LINES_PER_MINUTE + 1);
  });

  it(`at most ${LINES_PER_MINUTE} lines a minute: the certificates past them are counted and told with the next line`, () => {
    const said = new RefusedClients();
    const answers = Array.from({ length: LINES_PER_MINUTE + 3 }, (_, n) => said.take(refusal(n, 1_000 + n)));
    expect(answers.filter((a) => a === 0)).toHaveLength(LINES_PER_MINUTE);
    expect(answers.slice(LINES_PER_MINUTE)).toEqual([undefined, undefined, undefined]);
    expect(said.take(refusal(99, 61_000))).toBe(3);
    const status = said.status()!;
    expect([status.certificates, status.recent.length, status.recent.at(-1)?.subject]).toEqual([
      LINES_PER_MINUTE + 4,
      MAX_SHOWN,
      'CN=client-99',
    ]);
  });

  it(`remembers ${MAX_REMEMBERED} certificates: the oldest forgotten is said again`, () => {
    const said = new RefusedClients();
    // One a minute, so that the line bound says each.
    for (let n = 0; n <= MAX_REMEMBERED; n++) said.take(refusal(n, n * 60_000));
    const later = (MAX_REMEMBERED + 1) * 60_000;
    expect([said.take(refusal(0, later)), said.take(refusal(MAX_REMEMBERED, later + 1))]).toEqual([0, undefined]);
  });

  it('nothing to show while none was refused', () => {
    expect(new RefusedClients().status()).toBeUndefined();
  });
});
