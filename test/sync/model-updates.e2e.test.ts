/**
 * Signed model updates end to end: release notices over a real broker, releases downloaded from
 * a real HTTP server, verified, swapped in while the gateway scores the simulator's pump, kept
 * on probation, rolled back automatically when they misbehave and on an operator's request.
 *
 * Each test has a gateway of its own (the `gw` fixture of test/helpers/update-gateway.ts: daemon, model store, topic
 * prefix, so its own retained release notices and cloud messages, release server and signing sequence) and arranges
 * what it needs first (a release confirmed, one rolled back) with the helpers there and below, so it runs alone, in
 * any order, and at the same time as the others. Shared: the broker, the signing keys and the simulator (healthy and
 * only read).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect } from 'vitest';
import { startDaemon } from '../../src/daemon/daemon.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { SseParser } from '../../src/telemetry/event-stream.js';
import { nextEvent } from '../helpers/gateway-events.js';
import {
  announce,
  applyAndConfirm,
  brokerUrl,
  makeRelease,
  nextModelEvent,
  publishRetained,
  releaseTopic,
  requestRollback,
  scoredBy,
  useUpdateGateways,
  type TestGateway,
} from '../helpers/update-gateway.js';

const it = useUpdateGateways();

/** Announces `version` changed after it was signed; resolves with the updater's answer. */
async function offerTampered(gw: TestGateway, version: string): Promise<ModelUpdateEvent> {
  const url = await makeRelease(gw, version, undefined, async (dir) => {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    m.score.threshold = 0.5; // changed after signing
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
  });
  const event = nextModelEvent(gw);
  await announce(gw, version, url);
  return event;
}

/** Applies `version` with a threshold that flags every window; resolves with the outcome after it. */
async function applyTriggerHappy(gw: TestGateway, version: string): Promise<ModelUpdateEvent> {
  const url = await makeRelease(gw, version, (m) => (m.score.threshold = 1e-6));
  const applied = nextModelEvent(gw);
  await announce(gw, version, url);
  expect(await applied).toMatchObject({ outcome: 'applied', version });
  return nextModelEvent(gw);
}

/** Precondition: `version` applied, then rolled back on an operator's request. */
async function applyAndRollBack(gw: TestGateway, version: string): Promise<void> {
  const url = await makeRelease(gw, version);
  const applied = nextModelEvent(gw);
  await announce(gw, version, url);
  expect(await applied).toMatchObject({ outcome: 'applied', version });
  expect((await requestRollback(gw, { by: 'j.doe' })).status).toBe(200);
}

/** Opens the gateway's /api/events for model outcomes; resolves, once it is open, with the first one to come. */
function streamModelEvents(gw: TestGateway): Promise<{ first: Promise<Record<string, unknown>> }> {
  return new Promise((opened, failed) => {
    const req = request(`http://127.0.0.1:${gw.daemon.http!.port}/api/events?types=model`, (res) => {
      const parser = new SseParser();
      opened({
        first: new Promise((resolve) =>
          res.on('data', (chunk: Buffer) => {
            const model = parser.push(chunk.toString('utf8')).find((m) => m.event === 'model');
            if (!model) return;
            resolve(JSON.parse(model.data) as Record<string, unknown>);
            req.destroy();
          }),
        ),
      });
    });
    req.on('error', failed);
    req.end();
  });
}

// One test at a time: six daemons at once on a loaded 2-core CI machine would race the 4 s probation.
describe('model updates', () => {
  it('rejects a tampered release and keeps scoring with the old model', async ({ gw }) => {
    const event = await offerTampered(gw, '1.0.1-tampered');
    expect(event).toMatchObject({
      asset: 'pump-1',
      outcome: 'rejected',
      version: '1.0.1-tampered',
      previousVersion: '1.0.0+seed7',
    });
    expect(event.reason).toMatch(
      /^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/1\.0\.1-tampered\/: the signature does not verify against the configured public key: the manifest changed since it was signed, or another key signed it$/,
    );
    await scoredBy(gw, '1.0.0+seed7');
  });

  it("says a refusal in /api/status as the log and the cloud do: the release URL's path, no credentials", async ({
    gw,
  }) => {
    const url = (await makeRelease(gw, '1.0.2')).replace('http://', 'http://fleet:hunter2@');
    const event = nextModelEvent(gw);
    const streamed = await streamModelEvents(gw);
    await announce(gw, '1.0.2', `${url}?sig=tok3n`);
    const { reason } = await event;
    expect(reason).toContain(`http://***@127.0.0.1:${new URL(gw.releases.url).port}/1.0.2/`);
    const status = (await (await fetch(`http://127.0.0.1:${gw.daemon.http!.port}/api/status`)).json()) as {
      models: { asset: string; last?: { reason?: string } }[];
    };
    // Was 'http://***@127.0.0.1:PORT/***': the release's path hidden, which the log and the cloud name.
    expect(status.models.find((m) => m.asset === 'pump-1')!.last).toMatchObject({ outcome: 'rejected', reason });
    const topic = `${gw.prefix}/demo-gateway/model/pump-1`;
    while (!gw.cloud.some((c) => c.topic === topic)) await new Promise((r) => gw.consumer.once('message', r));
    expect(gw.cloud.find((c) => c.topic === topic)!.msg.reason).toBe(reason);
    expect((await streamed.first).reason).toBe(reason); // /api/events too
    expect(JSON.stringify(status)).not.toMatch(/hunter2|tok3n/);
  });

  it('applies a good release without a gap in scoring, shadowed on probation, and confirms it after', async ({
    gw,
  }) => {
    await scoredBy(gw, '1.0.0+seed7'); // the release comes while the gateway scores the pump
    const url = await makeRelease(gw, '1.1.0');
    const applied = nextModelEvent(gw);
    await announce(gw, '1.1.0', url);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.1.0', previousVersion: '1.0.0+seed7' });
    // On probation the model before keeps scoring for the gateway (its alarms, outputs, stored scores).
    const versions = new Set<string>();
    const off = gw.daemon.gateway.events.subscribe('scores', (scores) => {
      for (const s of scores) if (s.asset === 'pump-1') versions.add(s.modelVersion);
    });
    // The release judged beside it: scores go on until its own counts show a window (its run ends after the gateway's).
    // The status is taken then, in the same step: a loaded machine may end the 4 s probation before a request returns.
    const confirmed = nextModelEvent(gw);
    const onProbation = () => gw.daemon.gateway.status();
    let status = onProbation();
    while (status.models!.find((m) => m.asset === 'pump-1')!.probation!.windowsJudged === 0) {
      await nextEvent(gw.daemon.gateway.events, 'scores');
      status = onProbation();
    }
    // What drives the alarms is named as what runs (was the release, 1.1.0, beside a latest score of 1.0.0+seed7).
    expect(status.assets.find((a) => a.name === 'pump-1')).toMatchObject({
      model: 'pump-ae',
      modelVersion: '1.0.0+seed7',
      latest: { modelVersion: '1.0.0+seed7' },
    });
    const models = status.models!.find((m) => m.asset === 'pump-1') as Record<string, any>;
    expect(models).toMatchObject({
      version: '1.0.0+seed7',
      previousVersion: '1.0.0+seed7',
      probation: {
        version: '1.1.0',
        mode: 'shadow',
        until: models.probation.since + 4000,
        minWindows: 4,
        windowsFlagged: 0, // the same model, signed again: it flags nothing the one before did not
        latest: { asset: 'pump-1', modelVersion: '1.1.0' },
      },
    });
    expect(models.probation.windowsJudged).toBeGreaterThan(0);
    expect(models).not.toHaveProperty('probationVersion');
    expect(await confirmed).toMatchObject({ outcome: 'confirmed', version: '1.1.0' });
    off();
    expect([...versions]).toEqual(['1.0.0+seed7']);
    await scoredBy(gw, '1.1.0'); // confirmed: its results are the gateway's
  });

  it('rolls back by itself a release that flags a healthy line, shadowed: no alarm raised', async ({ gw }) => {
    await applyAndConfirm(gw, '1.1.0');
    const raised: string[] = [];
    const off = gw.daemon.gateway.events.subscribe('alarm', (a) => raised.push(`${a.asset} ${a.state}`));
    const rolled = await applyTriggerHappy(gw, '1.3.0-trigger-happy');
    off();
    // Before shadowing, the release's alarm sounded the horn and stayed to be acknowledged after its rollback.
    expect(raised).toEqual([]);
    expect(rolled).toMatchObject({
      outcome: 'rolled_back',
      version: '1.1.0',
      previousVersion: '1.3.0-trigger-happy',
      rolledBackVersion: '1.3.0-trigger-happy',
      runningVersion: '1.1.0',
    });
    expect(rolled.reason).toMatch(
      /^misbehaved on probation: the release flagged \d+ of the \d+ windows that the model before it \(1\.1\.0\) judged normal \(limit \d+ %\): it would raise false alarms on a healthy line; retrain or recalibrate/,
    );
    await scoredBy(gw, '1.1.0');
  });

  it("rolls back on an operator's request through the API, and reports every outcome to the cloud", async ({ gw }) => {
    // Every outcome before this one: a release rejected, one confirmed, one rolled back by itself.
    expect(await offerTampered(gw, '1.0.1-tampered')).toMatchObject({ outcome: 'rejected' });
    await applyAndConfirm(gw, '1.1.0');
    expect(await applyTriggerHappy(gw, '1.3.0-trigger-happy')).toMatchObject({ outcome: 'rolled_back' });
    const url = await makeRelease(gw, '1.4.0');
    const applied = nextModelEvent(gw);
    await announce(gw, '1.4.0', url);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.4.0' });
    const res = await requestRollback(gw, { by: 'j.doe', comment: 'drift after retrofit' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'rolled_back', version: '1.1.0', by: 'j.doe' });
    // With nothing on probation any more, a request goes back from the confirmed 1.1.0 (local-rollback.e2e.test.ts).
    const again = await requestRollback(gw, { by: 'j.doe' });
    expect([again.status, await again.json()]).toEqual([
      200,
      expect.objectContaining({ outcome: 'rolled_back', version: '1.0.0+seed7', previousVersion: '1.1.0' }),
    ]);
    const noAsset = await requestRollback(gw, { by: 'j.doe' }, 'pump-9');
    expect([noAsset.status, await noAsset.json()]).toEqual([
      404,
      { error: 'no asset "pump-9" (assets: pump-1, press-1)' },
    ]);
    while (gw.cloud.filter((c) => c.topic === `${gw.prefix}/demo-gateway/model/pump-1`).length < 8)
      await new Promise((r) => gw.consumer.once('message', r));
    expect(gw.cloud.map((c) => c.msg.outcome)).toEqual([
      'rejected',
      'applied',
      'confirmed',
      'applied',
      'rolled_back',
      'applied',
      'rolled_back',
      'rolled_back',
    ]);
  });

  it('runs the last confirmed update again after a restart (not one that was rolled back)', async ({ gw }) => {
    await applyAndConfirm(gw, '1.1.0');
    await applyAndRollBack(gw, '1.4.0'); // its notice stays retained: the restarted gateway gets it again
    await gw.daemon.stop();
    // The goodbye, retained, names the model the asset ran (not the configured one).
    const status = await mqtt.connectAsync(brokerUrl());
    const retained = new Promise<Record<string, unknown>>((resolve) =>
      status.once('message', (_t, payload) => resolve(JSON.parse(payload.toString()))),
    );
    await status.subscribeAsync(`${gw.prefix}/demo-gateway/status`, { qos: 1 });
    expect(await retained).toMatchObject({
      state: 'offline',
      models: [{ asset: 'pump-1', model: 'pump-ae', version: '1.1.0' }, { asset: 'press-1' }],
    });
    await status.endAsync();
    gw.daemon = await startDaemon(gw.loaded, silentLogger());
    await scoredBy(gw, '1.1.0');
  });

  it('runs the release confirmed before where the newest is damaged on disk, says so, and takes the newest again', async ({
    gw,
  }) => {
    await applyAndConfirm(gw, '1.1.0');
    await applyAndConfirm(gw, '1.2.0');
    await gw.daemon.stop();
    await publishRetained(releaseTopic(gw), ''); // no retained notice: the restarted gateway gets 1.2.0 only when asked
    // Fault: the newest confirmed release's model file damaged on disk.
    const file = join(gw.store, 'pump-1', '1.2.0', 'model.int8.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    gw.daemon = await startDaemon(gw.loaded, silentLogger());
    await scoredBy(gw, '1.1.0');
    const health = async () => (await fetch(`http://127.0.0.1:${gw.daemon.http!.port}/healthz`)).json();
    const degraded = () => gw.daemon.gateway.status().assets.find((a) => a.name === 'pump-1')!.degraded;
    expect(await health()).toMatchObject({ status: 'ok', degraded_assets: ['pump-1'] });
    const fallbackMetric = async () =>
      (await (await fetch(`http://127.0.0.1:${gw.daemon.http!.port}/metrics`)).text())
        .split('\n')
        .find((l) => l.startsWith('linewatch_asset_model_fallback{asset="pump-1"}'));
    expect(await fallbackMetric()).toBe('linewatch_asset_model_fallback{asset="pump-1"} 1');
    expect(degraded()).toMatch(
      /^runs the earlier confirmed update 1\.1\.0, not its confirmed update 1\.2\.0: release .*\/pump-1\/1\.2\.0: model\.int8\.onnx has sha256 [0-9a-f]{64}, the signed manifest says [0-9a-f]{64} \(\d+ bytes read; the manifest records no size: fewer bytes than the signed file has is a truncated upload or download\) \(publish that release again, or a newer one\)$/,
    );
    // Another version signed with the same sequence (and the same model file) is no such release: refused.
    const other = await makeRelease(gw, '1.2.1', undefined, undefined, 2);
    const refused = nextModelEvent(gw);
    await announce(gw, '1.2.1', other);
    expect((await refused).reason).toMatch(
      /^not_newer: release .*: release_sequence 2 is not above 2, the last this gateway confirmed for pump-1$/,
    );
    // The same signed release (sequence, version and hash), announced again, is taken and confirmed again.
    const applied = nextModelEvent(gw);
    await announce(gw, '1.2.0', `${gw.releases.url}/1.2.0/`);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.2.0', previousVersion: '1.1.0' });
    expect(await nextModelEvent(gw)).toMatchObject({ outcome: 'confirmed', version: '1.2.0' });
    expect(await health()).toMatchObject({ status: 'ok', degraded_assets: [] });
    expect(await fallbackMetric()).toBe('linewatch_asset_model_fallback{asset="pump-1"} 0');
  });

  it('refuses a signed release whose sequence is not above the confirmed one (a downgrade), and one with no sequence, writing nothing', async ({
    gw,
  }) => {
    await applyAndConfirm(gw, '1.1.0', 2);
    const older = await makeRelease(gw, '0.9.0', undefined, undefined, 1); // 1.1.0, confirmed, was sequence 2
    let event = nextModelEvent(gw);
    await announce(gw, '0.9.0', older);
    expect(await event).toMatchObject({ outcome: 'rejected', version: '0.9.0' });
    expect((await event).reason).toMatch(
      /^not_newer: release .*: release_sequence 1 is not above 2, the last this gateway confirmed for pump-1$/,
    );
    const unnumbered = await makeRelease(gw, '2.0.0-unnumbered', undefined, undefined, null);
    event = nextModelEvent(gw);
    await announce(gw, '2.0.0-unnumbered', unnumbered);
    expect((await event).reason).toMatch(
      /^not_newer: .*has no release_sequence \(sign it with linewatch model sign --sequence N\)$/,
    );
    expect(existsSync(join(gw.store, 'pump-1', '0.9.0'))).toBe(false);
    expect(existsSync(join(gw.store, 'pump-1', '2.0.0-unnumbered'))).toBe(false);
    await scoredBy(gw, '1.1.0');
  });

  it("refuses a release not above the release_sequence of the asset's configured model, with nothing confirmed", async ({
    gw,
  }) => {
    await gw.daemon.stop();
    const configured = gw.loaded.models.get('pump-1')!;
    (gw.loaded.models as Map<string, typeof configured>).set('pump-1', {
      ...configured,
      manifest: { ...configured.manifest, release_sequence: 5 },
    });
    gw.daemon = await startDaemon(gw.loaded, silentLogger());
    const older = await makeRelease(gw, '1.1.0', undefined, undefined, 4);
    const event = nextModelEvent(gw);
    await announce(gw, '1.1.0', older);
    expect(await event).toMatchObject({ outcome: 'rejected', version: '1.1.0' });
    expect((await event).reason).toMatch(
      /^not_newer: release .*: release_sequence 4 is not above 5, that of the model pump-1 is configured with$/,
    );
    expect(existsSync(join(gw.store, 'pump-1', '1.1.0'))).toBe(false);
    await scoredBy(gw, '1.0.0+seed7');
  });
});
