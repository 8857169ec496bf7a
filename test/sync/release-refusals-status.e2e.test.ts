/**
 * Release notices refused, as an operator reads them in /api/status (a real broker, a real gateway scoring the
 * simulator's pump, releases signed and served as a publisher does): the last refusal of each model, with when, the
 * version and why (never the notice's text), until a later release of that model is applied.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect } from 'vitest';
import {
  announce,
  applyRelease,
  brokerUrl,
  makeRelease,
  nextModelEvent,
  publishRetained,
  useUpdateGateways,
  type TestGateway,
} from '../helpers/update-gateway.js';

const it = useUpdateGateways();

type Refusal = { model?: string; version?: string; at: number; reason: string; from?: string };

async function refusals(gw: TestGateway): Promise<Refusal[] | undefined> {
  const res = await fetch(`http://127.0.0.1:${gw.daemon.http!.port}/api/status`);
  return ((await res.json()) as { releaseRefusals?: Refusal[] }).releaseRefusals;
}

describe('release notices refused, in /api/status', () => {
  it('keeps the last refusal of each model (signature, malformed, no asset runs it) until a release is applied', async ({
    gw,
  }) => {
    const start = Date.now();
    // A notice that is no JSON, on a topic of its own, its text never shown.
    await publishRetained(`${gw.prefix}/releases/valve-ae`, 'not json: s3cret-payload');
    await publishRetained(
      `${gw.prefix}/releases/fan-ae`,
      JSON.stringify({ model: 'fan-ae', version: '2.0.0', url: 'http://127.0.0.1:9/fan/' }),
    );
    // Signed, then its manifest changed: the signature no longer verifies. Handled after the two above (one chain).
    const url = await makeRelease(gw, '1.1.0', undefined, (dir) =>
      writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'pump-ae', version: '1.1.0', tampered: true })),
    );
    const rejected = nextModelEvent(gw);
    await announce(gw, '1.1.0', url);
    const { reason } = await rejected;
    expect(reason).toMatch(
      /^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/1\.1\.0\/: the signature does not verify/,
    );
    const seen = await refusals(gw);
    // Before: no releaseRefusals at all; the first two only in the log, the third only until the next outcome.
    expect(seen).toEqual([
      { model: 'pump-ae', version: '1.1.0', at: expect.any(Number), reason },
      {
        model: 'fan-ae',
        version: '2.0.0',
        at: expect.any(Number),
        reason: 'no asset here runs a model named fan-ae',
        passedOver: true,
      },
      {
        model: 'valve-ae',
        at: expect.any(Number),
        reason: 'not a notice: not JSON',
        from: `mqtt ${gw.prefix}/releases/valve-ae`,
        // No asset here runs valve-ae: another gateway's, as fan-ae's.
        passedOver: true,
      },
    ]);
    for (const r of seen!) expect(r.at).toBeGreaterThanOrEqual(start);
    expect(JSON.stringify(seen)).not.toContain('s3cret');

    await applyRelease(gw, '1.2.0');
    // The release of pump-ae applied: its refusal is over; the others stay.
    expect((await refusals(gw))!.map((r) => r.model)).toEqual(['fan-ae', 'valve-ae']);
    await publishRetained(`${gw.prefix}/releases/valve-ae`, '');
    await publishRetained(`${gw.prefix}/releases/fan-ae`, '');
  });

  it("keeps the refusal of a model run here when malformed notices flood in on other models' topics", async ({
    gw,
  }) => {
    const url = await makeRelease(gw, '1.1.0', undefined, (dir) =>
      writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'pump-ae', version: '1.1.0', tampered: true })),
    );
    const rejected = nextModelEvent(gw);
    await announce(gw, '1.1.0', url);
    const { reason } = await rejected;
    expect(await rejected).toMatchObject({ outcome: 'rejected', version: '1.1.0' });
    expect(reason).toMatch(
      /^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/1\.1\.0\/: the signature does not verify/,
    );
    // Anyone who may publish under the prefix: notices that do not parse, each on a topic of its own (not retained:
    // nothing to clear after), more than the bound.
    const flooder = await mqtt.connectAsync(brokerUrl());
    const flood = Array.from({ length: 40 }, (_, i) => `junk-${i}`);
    for (const name of flood) await flooder.publishAsync(`${gw.prefix}/releases/${name}`, 'x', { qos: 1 });
    await flooder.endAsync();
    await expect.poll(async () => (await refusals(gw))?.map((r) => r.model), { timeout: 10_000 }).toContain('junk-39');
    const seen = (await refusals(gw))!;
    // Before: the 40 malformed notices pushed pump-ae's bad_signature out (32 kept, the oldest went).
    expect(seen.find((r) => r.model === 'pump-ae')).toMatchObject({
      version: '1.1.0',
      reason,
    });
    expect(seen.find((r) => r.model === 'junk-39')).toEqual({
      model: 'junk-39',
      at: expect.any(Number),
      reason: 'not a notice: not JSON',
      from: `mqtt ${gw.prefix}/releases/junk-39`,
      passedOver: true,
    });
    expect(seen.length).toBe(32);
  });
});
