import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configurationReference } from '../../src/config/reference.js';
import { alarmActionSchema, partActionSchema, sourceSchema } from '../../src/config/schema.js';
import { formatIssues } from '../../src/core/format-issues.js';
import { ACTION_TYPES, SINK_TYPES, SOURCE_TYPES, WINDOW_TYPES } from '../../src/registry/components.js';
import { windowSchema } from '../../src/windows/schema.js';
import type { z } from 'zod';

/** The problems of a sample against a schema, as the config loader words them. */
function problems(schema: z.ZodType, sample: string): string[] {
  const parsed = schema.safeParse(parseYaml(sample));
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` makes of the schemas today (run it after changing a schema)', () => {
    const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(configurationReference());
  });

  it('shows every registered type with its sample', () => {
    const doc = configurationReference();
    for (const t of [...SOURCE_TYPES, ...ACTION_TYPES, ...WINDOW_TYPES]) expect(doc).toContain(`\`${t.type}\``);
    for (const t of SINK_TYPES) expect(doc).toContain(`\`storage.${t.key}\``);
    for (const t of [...SOURCE_TYPES, ...ACTION_TYPES, ...WINDOW_TYPES, ...SINK_TYPES])
      expect(doc).toContain(t.sample.trimEnd());
  });
});

describe('component samples', () => {
  it.each(SOURCE_TYPES.map((t) => [t.type, t] as const))('the %s sample is a valid source', (_, t) => {
    expect(problems(t.schema, t.sample)).toEqual([]);
    expect(problems(sourceSchema, t.sample)).toEqual([]);
    const config = t.schema.parse(parseYaml(t.sample));
    // Its own checks too (channels claimed once, fields that go together).
    const owner = new Map<string, string>();
    const claim = (asset: string, channel: string, where: string) => {
      const prior = owner.get(`${asset}/${channel}`);
      if (!prior) owner.set(`${asset}/${channel}`, where);
      return prior;
    };
    expect(t.check(config as never, 'sources[0]', { claim, claimLine: () => undefined })).toEqual([]);
  });

  it.each(ACTION_TYPES.map((t) => [t.type, t] as const))('the %s sample is a valid alarm and part action', (_, t) => {
    expect(problems(alarmActionSchema, t.sample)).toEqual([]);
    expect(problems(partActionSchema, t.sample)).toEqual([]);
  });

  it.each(SINK_TYPES.map((t) => [t.key, t] as const))('the storage.%s sample is valid', (_, t) => {
    expect(problems(t.schema, t.sample)).toEqual([]);
  });

  it.each(WINDOW_TYPES.map((t) => [t.type, t] as const))('the %s window sample is valid', (_, t) => {
    expect(problems(windowSchema, t.sample)).toEqual([]);
  });

  it('a sample with a mistake is refused, naming the field', () => {
    const [modbus] = SOURCE_TYPES;
    expect(problems(modbus.schema, modbus.sample.replace('poll_interval_ms: 200', 'poll_interval: 200'))).toEqual([
      'poll_interval: unknown key',
    ]);
  });
});
