/**
 * An operator's rollback once a model update is confirmed (no update on probation), end to end: the same
 * POST /api/models/{asset}/rollback puts back the release confirmed before the one the asset runs, or its configured
 * model, verified again from the store; reported as every outcome (the answer, /api/status, the metric, the cloud
 * topic); recorded, so that a restart runs it and the retained notice of the release rolled back is not applied again,
 * and no older signed release comes back from the network. Each test has its own daemon, model store, release server
 * and retained notices (test/helpers/update-gateway.ts); a real broker and the simulator's pump.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { logLines } from '../helpers/log-lines.js';
import {
  announce,
  applyAndConfirm,
  makeRelease,
  nextModelEvent,
  requestRollback,
  restartGateway,
  scoredBy,
  useUpdateGateways,
  type TestGateway,
} from '../helpers/update-gateway.js';

const it = useUpdateGateways();

const storeJson = async (gw: TestGateway, file: string) =>
  JSON.parse(await readFile(join(gw.store, 'pump-1', file), 'utf8')) as Record<string, unknown>;

async function api(gw: TestGateway, path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${gw.daemon.http!.port}${path}`);
}

/** Announces `version`, signed as `sequence`; resolves with the gateway's answer. */
async function offer(gw: TestGateway, version: string, sequence: number) {
  const url = await makeRelease(gw, version, undefined, undefined, sequence);
  const event = nextModelEvent(gw);
  await announce(gw, version, url);
  return event;
}

describe('local rollback of a confirmed model update', () => {
  it('goes back to the release confirmed before, reports it, and runs it after a restart, not the one rolled back', async ({
    gw,
  }) => {
    await applyAndConfirm(gw, '1.1.0'); // sequence 1
    await applyAndConfirm(gw, '1.2.0'); // sequence 2; its notice stays retained
    await scoredBy(gw, '1.2.0');
    const res = await requestRollback(gw, { by: 'j.doe', comment: 'drift after retrofit' });
    expect(res.status).toBe(200);
    // Which release was rolled back and which runs now, in the answer and in /api/status's last outcome.
    const rolledBack = {
      outcome: 'rolled_back',
      version: '1.1.0',
      previousVersion: '1.2.0',
      rolledBackVersion: '1.2.0',
      runningVersion: '1.1.0',
      by: 'j.doe',
    };
    expect(await res.json()).toMatchObject({
      asset: 'pump-1',
      ...rolledBack,
      reason: 'requested by j.doe: drift after retrofit',
    });
    await scoredBy(gw, '1.1.0');
    const status = (await (await api(gw, '/api/status')).json()) as { models: Record<string, unknown>[] };
    expect(status.models.find((m) => m.asset === 'pump-1')).toMatchObject({
      version: '1.1.0',
      last: rolledBack,
    });
    expect(status.models.find((m) => m.asset === 'pump-1')).not.toHaveProperty('probation');
    const metrics = await (await api(gw, '/metrics')).text();
    expect(metrics).toContain('linewatch_model_updates_total{asset="pump-1",outcome="rolled_back"} 1');
    const topic = `${gw.prefix}/demo-gateway/model/pump-1`;
    while (!gw.cloud.some((c) => c.topic === topic && c.msg.outcome === 'rolled_back'))
      await new Promise((r) => gw.consumer.once('message', r));
    expect(gw.cloud.filter((c) => c.topic === topic).map((c) => c.msg.outcome)).toEqual([
      'applied',
      'confirmed',
      'applied',
      'confirmed',
      'rolled_back',
    ]);
    expect(gw.cloud.at(-1)!.msg).toMatchObject({ version: '1.1.0', previousVersion: '1.2.0', by: 'j.doe' });
    // Recorded: 1.1.0 first, 1.2.0's sequence kept as the floor, 1.2.0 rolled back and its folder gone.
    expect(await storeJson(gw, 'active.json')).toMatchObject({
      version: '1.1.0',
      sequence: 1,
      earlier: [],
      floor: { sequence: 2, version: '1.2.0' },
    });
    expect(await storeJson(gw, 'rolled-back.json')).toEqual(['1.2.0']);
    expect(existsSync(join(gw.store, 'pump-1', '1.2.0'))).toBe(false);

    // The restarted gateway runs 1.1.0; 1.2.0's retained notice comes at once and is passed over.
    const log = logLines('info');
    await restartGateway(gw, log.logger);
    // Refused as any release is: in the log, the status, the metric and the cloud's outcome topic.
    await log.next(
      /^asset pump-1: model pump-ae 1\.2\.0 rejected: rolled_back_before: pump-ae 1\.2\.0 was rolled back/,
    );
    expect(gw.daemon.gateway.status().models!.find((m) => m.asset === 'pump-1')!.last).toMatchObject({
      outcome: 'rejected',
      version: '1.2.0',
      reason:
        'rolled_back_before: pump-ae 1.2.0 was rolled back on pump-1 before; not applied again (publish a new version, signed with a release sequence above the last this gateway took)',
    });
    await scoredBy(gw, '1.1.0');
    expect(gw.daemon.gateway.status().models!.find((m) => m.asset === 'pump-1')!.version).toBe('1.1.0');
    // Another release signed with 1.2.0's sequence is no newer one: the rollback opened no door to a replay.
    expect((await offer(gw, '1.2.1', 2)).reason).toMatch(
      /^not_newer: release .*: release_sequence 2 is not above 2, that of 1\.2\.0, which this gateway confirmed for pump-1 before a local rollback$/,
    );
    // A newer release is taken, and confirmed with 1.1.0 before it.
    expect(await offer(gw, '1.3.0', 3)).toMatchObject({
      outcome: 'applied',
      version: '1.3.0',
      previousVersion: '1.1.0',
    });
    expect(await nextModelEvent(gw)).toMatchObject({ outcome: 'confirmed', version: '1.3.0' });
    await gw.daemon.stop(); // once the confirmation is recorded (it is reported before)
    const active = await storeJson(gw, 'active.json');
    expect([active.version, active.earlier, active.floor]).toEqual([
      '1.3.0',
      [expect.objectContaining({ version: '1.1.0' })],
      undefined,
    ]);
  });

  it('goes back to the configured model where no earlier release is left, and then has nothing to go back to', async ({
    gw,
  }) => {
    const none = await requestRollback(gw, { by: 'j.doe' });
    expect([none.status, await none.json()]).toEqual([
      409,
      {
        error:
          'asset pump-1: no model update to roll back: it runs pump-ae 1.0.0+seed7, the model it is configured with, ' +
          'and there is nothing earlier to go back to (rollback is possible while an update is on probation, or from ' +
          'a confirmed update)',
      },
    ]);
    await applyAndConfirm(gw, '1.1.0'); // sequence 1
    const res = await requestRollback(gw, { by: 'j.doe' });
    expect([res.status, await res.json()]).toEqual([
      200,
      expect.objectContaining({ outcome: 'rolled_back', version: '1.0.0+seed7', previousVersion: '1.1.0' }),
    ]);
    await scoredBy(gw, '1.0.0+seed7');
    expect((await requestRollback(gw, { by: 'j.doe' })).status).toBe(409);
    // No release recorded to run, the floor kept: a restart runs the configured model, and 1.1.0's sequence stands;
    // and why it runs it: the rollback, when and by whom.
    const rollback = { version: '1.1.0', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), by: 'j.doe' };
    expect(await storeJson(gw, 'active.json')).toEqual({
      floor: { sequence: 1, version: '1.1.0' },
      local_rollback: rollback,
    });
    const before = gw.daemon.gateway.status().models!.find((m) => m.asset === 'pump-1');
    expect(before).toMatchObject({ version: '1.0.0+seed7', localRollback: rollback });
    const log = logLines('info');
    await restartGateway(gw, log.logger);
    // Said at start, and in the status (its last outcome, the rollback, is gone with the restart).
    const said = await log.next(/^asset pump-1: running the configured model /);
    expect(said.msg).toBe(
      `asset pump-1: running the configured model pump-ae 1.0.0+seed7: j.doe rolled back 1.1.0 at ` +
        `${before!.localRollback!.at} (POST /api/models/pump-1/rollback), 1.1.0 is not applied again`,
    );
    expect(gw.daemon.gateway.status().models!.find((m) => m.asset === 'pump-1')).toMatchObject({
      version: '1.0.0+seed7',
      localRollback: before!.localRollback,
    });
    await scoredBy(gw, '1.0.0+seed7');
    expect((await offer(gw, '1.0.5', 1)).reason).toMatch(
      /^not_newer: release .*: release_sequence 1 is not above 1, that of 1\.1\.0, which this gateway confirmed for pump-1 before a local rollback$/,
    );
    expect(existsSync(join(gw.store, 'pump-1', '1.0.5'))).toBe(false);
  });

  it('refuses to go back to a release whose files no longer verify, naming it, and runs on as it was', async ({
    gw,
  }) => {
    await applyAndConfirm(gw, '1.1.0');
    await applyAndConfirm(gw, '1.2.0');
    // Fault: the model file of the release confirmed before damaged on disk.
    const file = join(gw.store, 'pump-1', '1.1.0', 'model.int8.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    const res = await requestRollback(gw, { by: 'j.doe' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^asset pump-1: cannot roll back to 1\.1\.0, confirmed before 1\.2\.0: its release in .*\/pump-1\/1\.1\.0 does not verify or load any more: release .*\/pump-1\/1\.1\.0: model\.int8\.onnx has sha256 [0-9a-f]{64}, the signed manifest says [0-9a-f]{64} \(\d+ bytes read; [^)]*\); pump-1 runs 1\.2\.0 still$/,
    );
    await scoredBy(gw, '1.2.0');
    const active = await storeJson(gw, 'active.json');
    expect([active.version, active.earlier, active.floor]).toEqual([
      '1.2.0',
      [expect.objectContaining({ version: '1.1.0' })],
      undefined,
    ]);
    expect(existsSync(join(gw.store, 'pump-1', 'rolled-back.json'))).toBe(false);
    expect(gw.daemon.gateway.status().models!.find((m) => m.asset === 'pump-1')!.last).toMatchObject({
      outcome: 'confirmed',
      version: '1.2.0',
    });
  });

  it('regression: refuses a rollback whose by is longer than a name, so active.json stays readable and keeps its floor', async ({
    gw,
  }) => {
    await applyAndConfirm(gw, '1.1.0'); // sequence 1
    await applyAndConfirm(gw, '1.2.0'); // sequence 2
    await scoredBy(gw, '1.2.0');
    // A name pasted with a log under it: active.json records who rolled back, and one over its 64 KiB read bound
    // (65,858 bytes with this one) was not read at the next start, its floor with it, so a release signed at 1.2.0's
    // sequence was applied after the restart.
    const res = await requestRollback(gw, { by: `j.doe ${'x'.repeat(65_500)}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'by: at most 200 characters, who is doing this (a name or badge)' });
    await restartGateway(gw);
    // The floor read back from active.json: 1.2.0's sequence, the last confirmed.
    expect((await offer(gw, '1.1.5', 2)).reason).toMatch(
      /^not_newer: release http:\/\/127\.0\.0\.1:\d+\/1\.1\.5\/: release_sequence 2 is not above 2, the last this gateway confirmed for pump-1$/,
    );
  });
});
