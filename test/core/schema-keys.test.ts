/** An unknown configuration key is named with the key it most likely misspells, found in the schema at its path. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { formatIssues } from '../../src/core/format-issues.js';
import { keysAt } from '../../src/core/schema-keys.js';

describe('keysAt', () => {
  it('finds the keys of the object at a path through arrays, optional, default and union branches', () => {
    const schema = z.strictObject({
      sources: z.array(
        z.union([
          z.strictObject({ type: z.literal('a'), host: z.string(), port: z.number().default(1) }),
          z.strictObject({ type: z.literal('b'), url: z.string().optional() }),
        ]),
      ),
      http: z.strictObject({ port: z.number() }).optional(),
    });
    expect(keysAt(schema, []).sort()).toEqual(['http', 'sources']);
    expect(keysAt(schema, ['sources', 0]).sort()).toEqual(['host', 'port', 'type', 'url']);
    expect(keysAt(schema, ['http'])).toEqual(['port']);
    expect(keysAt(schema, ['nothing', 'here'])).toEqual([]);
  });

  it("takes a union's branch by the literal keys the input holds, and follows lazy and intersected schemas", () => {
    const schema = z.strictObject({
      sources: z.array(
        z.union([
          z.strictObject({ type: z.literal('a'), host: z.string() }),
          z.strictObject({ type: z.literal('b'), url: z.string() }),
        ]),
      ),
      extra: z.lazy(() => z.intersection(z.object({ left: z.number() }), z.object({ right: z.number() }))),
    });
    const input = { sources: [{ type: 'a', hots: 'plc' }, { type: 'b' }, { type: 'c' }] };
    expect(keysAt(schema, ['sources', 0], input).sort()).toEqual(['host', 'type']);
    expect(keysAt(schema, ['sources', 1], input).sort()).toEqual(['type', 'url']);
    // A type no branch names: every branch's keys.
    expect(keysAt(schema, ['sources', 2], input).sort()).toEqual(['host', 'type', 'url']);
    expect(keysAt(schema, ['extra']).sort()).toEqual(['left', 'right']);
  });

  it("reaches a Modbus register's keys in the gateway's own schema", () => {
    expect(keysAt(configSchema, ['sources', 0, 'registers', 3])).toEqual(expect.arrayContaining(['scale', 'channel']));
  });
});

describe('formatIssues with the schema', () => {
  it('says which key was meant, at the path of the mistake', () => {
    const schema = z.strictObject({ sources: z.array(z.strictObject({ unit_id: z.number(), host: z.string() })) });
    const parsed = schema.safeParse({ sources: [{ unit_idd: 1, host: 'plc', colour: 'red' }] });
    expect(parsed.success).toBe(false);
    expect(formatIssues(parsed.error!.issues, schema)).toEqual([
      'sources[0].unit_id: Invalid input: expected number, received undefined',
      'sources[0].unit_idd: unknown key; did you mean unit_id?',
      'sources[0].colour: unknown key',
    ]);
    // Without the schema, as before.
    expect(formatIssues(parsed.error!.issues)[1]).toBe('sources[0].unit_idd: unknown key');
  });
});

describe("the gateway's configuration", () => {
  it('offers a Modbus source only Modbus keys', () => {
    const input = {
      sources: [{ name: 'plc', type: 'modbus_tcp', host: '127.0.0.1', endpoint_url: 'opc.tcp://x', registers: [] }],
      assets: [],
    };
    const parsed = configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const lines = formatIssues(parsed.error!.issues, configSchema, input);
    expect(lines).toContain('sources[0].endpoint_url: unknown key');
    expect(keysAt(configSchema, ['sources', 0], input)).not.toContain('endpoint');
  });
});

describe('formatIssues on an indentation slip and a misspelt value', () => {
  const yamlLike = (window: unknown, extra: Record<string, unknown>) => ({
    sources: [],
    assets: [{ name: 'pump', model: 'pump-hybrid', window, ...extra }],
  });

  it('says an empty section is empty, and names the section a stray key belongs under', () => {
    // `window:` with `hop_samples: 5` indented as its sibling instead of under it.
    const input = yamlLike(null, { hop_samples: 5 });
    const parsed = configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const lines = formatIssues(parsed.error!.issues, configSchema, input);
    expect(lines).toContain(
      'assets[0].window: empty; expected a mapping (its keys on the lines below, indented further)',
    );
    expect(lines).toContain(
      'assets[0].hop_samples: unknown key; it is a key of assets[0].window: indent it under window',
    );
  });

  it('names no section where none takes the key, and keeps the misspelling hint first', () => {
    const input = yamlLike({ hop_samples: 5 }, { colour: 'red', alram: {} });
    const lines = formatIssues(configSchema.safeParse(input).error!.issues, configSchema, input);
    expect(lines).toContain('assets[0].colour: unknown key');
    expect(lines).toContain('assets[0].alram: unknown key; did you mean alarm?');
  });

  it('offers the allowed value a misspelt one most likely meant, and both where two are as near', () => {
    const input = {
      sources: [
        {
          name: 'plc',
          type: 'modbus_tcp',
          host: '127.0.0.1',
          unit_id: 1,
          asset: 'pump',
          registers: [
            { channel: 'a', table: 'holdings', address: 0, type: 'uint16' },
            { channel: 'b', address: 1, type: 'float' },
          ],
        },
      ],
      assets: [],
    };
    const lines = formatIssues(configSchema.safeParse(input).error!.issues, configSchema, input);
    expect(lines).toContain(
      'sources[0].registers[0].table: expected one of "holding", "input", "coil", "discrete"; did you mean "holding"?',
    );
    const type = lines.find((l) => l.startsWith('sources[0].registers[1].type:'));
    // Two equally near: both offered (it offered neither, and a newcomer had to guess).
    expect(type).toMatch(
      /^sources\[0\]\.registers\[1\]\.type: expected one of "int16", .*"string"; did you mean "float32" or "float64"\?$/,
    );
  });
});

describe('formatIssues on a required key left out', () => {
  const source = { name: 'plc', type: 'modbus_tcp', host: '127.0.0.1', asset: 'pump', registers: [] };

  it("says the key is missing and what it is, from the schema's own description", () => {
    const { host: _left, ...input0 } = source;
    const input = { sources: [input0], assets: [{ name: 'pump' }] };
    const lines = formatIssues(configSchema.safeParse(input).error!.issues, configSchema, input);
    expect(lines).toContain('sources[0].host: missing; it is required (Host name or IP address of the device)');
    expect(lines).toContain(
      'assets[0].model: missing; it is required (Model directory (holding manifest.json) or manifest file, relative to the config file)',
    );
    expect(lines.join('\n')).not.toContain('received undefined');
  });

  it('keeps the type message for a key that is there with the wrong type', () => {
    const input = { sources: [{ ...source, host: 5 }], assets: [] };
    const lines = formatIssues(configSchema.safeParse(input).error!.issues, configSchema, input);
    expect(lines).toContain('sources[0].host: Invalid input: expected string, received number');
  });
});
