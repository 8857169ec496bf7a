/**
 * Properties of config loading (YAML text and `${ENV}` values are outside input): any text is
 * either a tree or a ConfigError naming where; any environment value lands in the tree as the
 * same text; missing variables are named with the path; `$${` stays a literal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { substituteEnv } from '../../src/core/env-substitution.js';
import { parseYamlDocument } from '../../src/core/yaml-document.js';
import { ConfigError } from '../../src/core/errors.js';

const RUNS = { numRuns: 150 };
/** Where: a YAML position, the root, or a path of plain names, indices and quoted odd keys; then what. */
const ISSUE =
  /^(line \d+, column \d+|YAML|\(root\)|([A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])(\.[A-Za-z_][\w-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): \S/;
const varName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
/** Text with no `$` and no `}`: what surrounds a placeholder. */
const plain = fc.string({ maxLength: 12 }).filter((s) => !s.includes('$'));

describe('${ENV} substitution (property)', () => {
  it('leaves any string without a placeholder as it is', () => {
    fc.assert(
      fc.property(plain, (s) => {
        const issues: string[] = [];
        expect(substituteEnv({ a: [s] }, {}, issues)).toEqual({ a: [s] });
        expect(issues).toEqual([]);
      }),
      RUNS,
    );
  });

  it('puts any value of a set variable in place, literally (no re-expansion of $ in the value)', () => {
    fc.assert(
      fc.property(plain, varName, fc.string({ maxLength: 16 }), plain, (before, name, value, after) => {
        fc.pre(before !== '' || after !== '');
        const issues: string[] = [];
        const out = substituteEnv({ k: `${before}\${${name}}${after}` }, { [name]: value }, issues);
        expect(out).toEqual({ k: `${before}${value}${after}` });
        expect(issues).toEqual([]);
      }),
      RUNS,
    );
  });

  it('uses the default when the variable is unset, and names the path when there is none', () => {
    fc.assert(
      fc.property(
        varName,
        plain.filter((d) => !d.includes('}')),
        (name, fallback) => {
          const issues: string[] = [];
          const out = substituteEnv({ list: [{ x: `a\${${name}:-${fallback}}`, y: `\${${name}}b` }] }, {}, issues);
          expect(out).toEqual({ list: [{ x: `a${fallback}`, y: 'b' }] });
          expect(issues).toEqual([`list[0].y: environment variable ${name} is not set`]);
        },
      ),
      RUNS,
    );
  });

  it('writes $${ as a literal ${ without looking the name up', () => {
    fc.assert(
      fc.property(varName, plain, (name, rest) => {
        const issues: string[] = [];
        expect(substituteEnv(`$\${${name}}${rest}`, { [name]: 'no' }, issues)).toBe(`\${${name}}${rest}`);
        expect(issues).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('YAML documents (property)', () => {
  const schema = z.strictObject({ password: z.string(), port: z.number().int(), name: z.string().optional() });

  it('keeps a whole-placeholder value as its exact text where the schema wants a string', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 65535 }), (secret, port) => {
        const parsed = parseYamlDocument(schema, 'password: ${PW}\nport: ${PORT}\n', '/etc/lw.yaml', {
          PW: secret,
          PORT: String(port),
        });
        expect(parsed).toEqual({ password: secret, port });
      }),
      RUNS,
    );
  });

  it('round-trips any document the schema accepts', () => {
    const doc = fc.record({ password: plain, port: fc.integer(), name: fc.option(plain, { nil: undefined }) });
    fc.assert(
      fc.property(doc, (d) => {
        const clean = Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
        expect(parseYamlDocument(schema, stringify(clean), '/etc/lw.yaml', {})).toEqual(clean);
      }),
      RUNS,
    );
  });

  it('answers any text with a tree or a ConfigError naming the file and a line or field', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
      fc
        .array(fc.constantFrom('a: ', '- ', '[', ']', '{', '}', ': ', '&x ', '*x', '"', "'", '\n', '  ', '${A}', '#'), {
          maxLength: 20,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          expect(parseYamlDocument(schema, t, '/etc/lw.yaml', { A: '1' })).toMatchObject({});
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          const { issues, message } = err as ConfigError;
          expect(message.startsWith('invalid configuration /etc/lw.yaml:\n  ')).toBe(true);
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue).toMatch(ISSUE);
        }
      }),
      RUNS,
    );
  });

  it('quotes a key that is not a plain name, so a blank or odd key can be seen', () => {
    expect(() => parseYamlDocument(schema, '" ": 1\n"a.b": 2\npassword: x\nport: 1\n', '/etc/lw.yaml', {})).toThrow(
      'invalid configuration /etc/lw.yaml:\n  [" "]: unknown key\n  ["a.b"]: unknown key',
    );
  });

  it('refuses an unknown tag at its line and column instead of printing a warning', () => {
    expect(() => parseYamlDocument(schema, 'password: !secret x\nport: 1\n', '/etc/lw.yaml', {})).toThrow(
      'invalid configuration /etc/lw.yaml:\n  line 1, column 11: Unresolved tag: !secret',
    );
  });
});
