import { describe, expect, it } from 'vitest';
import { MAX_REFUSAL_TEXT, MAX_REFUSALS, ReleaseRefusals, topicModel } from '../../src/sync/release-refusals.js';

describe('the last release refusal of each model', () => {
  it('keeps at most MAX_REFUSALS models, the one refused longest ago going first', () => {
    const r = new ReleaseRefusals();
    for (let i = 0; i <= MAX_REFUSALS; i++) r.refused({ model: `m${i}`, at: i, reason: 'no asset here runs it' });
    const models = r.list().map((x) => x.model);
    expect(models.length).toBe(MAX_REFUSALS);
    expect(models[0]).toBe(`m${MAX_REFUSALS}`);
    expect(models).not.toContain('m0');
  });

  it("keeps a refusal of a model run here when other models' passed-over notices flood in", () => {
    const r = new ReleaseRefusals();
    r.refused({ model: 'pump-ae', version: '2.0.0', at: 0, reason: 'bad_signature: …' });
    for (let i = 1; i <= 3 * MAX_REFUSALS; i++)
      r.refused({ model: `other${i}`, at: i, reason: 'no asset here runs it', passedOver: true });
    const models = r.list().map((x) => x.model);
    expect(models.length).toBe(MAX_REFUSALS);
    expect(models).toContain('pump-ae');
    expect(models[0]).toBe(`other${3 * MAX_REFUSALS}`);
    expect(r.list().find((x) => x.model === 'other1')).toBeUndefined();
  });

  it('cuts each text to its bound and takes credentials out of a URL in it', () => {
    const r = new ReleaseRefusals();
    r.refused({
      model: 'x'.repeat(1000),
      version: 'v'.repeat(1000),
      at: 1,
      reason: `bad_signature: release http://fleet:hunter2@h/r/?sig=tok3n: ${'y'.repeat(2000)}`,
    });
    const [kept] = r.list();
    expect([kept.model!.length, kept.version!.length, kept.reason.length]).toEqual([
      MAX_REFUSAL_TEXT / 4,
      MAX_REFUSAL_TEXT / 4,
      MAX_REFUSAL_TEXT,
    ]);
    expect(kept.reason.startsWith('bad_signature: release http://***@h/r/?sig=***: yyy')).toBe(true);
    expect(kept.reason.endsWith('y…')).toBe(true);
  });

  it('replaces a model’s refusal with its next, and clears it once a release of it is applied', () => {
    const r = new ReleaseRefusals();
    const base = { asset: 'pump-1', model: 'pump-ae', previousVersion: '1.0.0' };
    r.outcome({ ...base, version: '1.1.0', outcome: 'rejected', reason: 'not_newer: …', ts: 1 });
    r.outcome({ ...base, version: '1.2.0', outcome: 'rejected', reason: 'bad_signature: …', ts: 2 });
    r.refused({ model: 'fan-ae', at: 3, reason: 'not a notice: not JSON', from: 'mqtt lw/releases/fan-ae' });
    expect(r.list()).toEqual([
      { model: 'fan-ae', at: 3, reason: 'not a notice: not JSON', from: 'mqtt lw/releases/fan-ae' },
      { model: 'pump-ae', version: '1.2.0', at: 2, reason: 'bad_signature: …' },
    ]);
    r.outcome({ ...base, version: '1.3.0', outcome: 'applied', ts: 4 });
    expect(r.list().map((x) => x.model)).toEqual(['fan-ae']);
  });

  it('reads the model a notice was for from its MQTT topic, none from a poll', () => {
    expect(topicModel('mqtt lw/releases/pump-ae')).toBe('pump-ae');
    expect(topicModel('https://releases.example.com/notices.json')).toBeUndefined();
  });
});
