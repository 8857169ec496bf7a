/**
 * Properties of what a release brings from outside (notice, manifest.json, manifest.sig): any
 * bytes are refused with a ReleaseRejected naming the release and why, never a crash; a change
 * to a signed manifest is a bad signature; a signed manifest that is not a manifest is named as
 * such; notices keep exactly what they announce.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { releaseNoticeSchema } from '../../src/sync/release-notice.js';
import { ReleaseRejected, verifySigned } from '../../src/sync/release.js';

const RUNS = { numRuns: 60 };
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const SHIPPED = readFileSync(new URL('../../models/pump-ae/manifest.json', import.meta.url));
const origin = 'https://releases.example/pump-ae/2.0.0';
const signed = (manifest: Uint8Array) => Buffer.from(sign(null, manifest, privateKey).toString('base64'));

/** What verifySigned (the signature and the manifest, before anything is loaded) throws for `files`. */
async function rejection(files: Parameters<typeof verifySigned>[0]): Promise<ReleaseRejected> {
  let err: unknown;
  try {
    verifySigned(files, publicKey);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ReleaseRejected);
  return err as ReleaseRejected;
}

describe('release verification (property)', () => {
  it('refuses any manifest and signature bytes that were not signed with the key, naming the release', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 100 }), async (manifest, sig) => {
        const err = await rejection({ manifest, signature: sig, model: new Uint8Array(), origin });
        expect(err.code).toBe('bad_signature');
        expect(err.message).toBe(
          `release ${origin}: the signature does not verify against the configured public key: the manifest changed since it was signed, or another key signed it`,
        );
      }),
      RUNS,
    );
  });

  it('refuses the shipped manifest changed in any byte after signing', async () => {
    const sig = signed(SHIPPED);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SHIPPED.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
        const changed = Uint8Array.from(SHIPPED);
        changed[at] ^= flip;
        expect((await rejection({ manifest: changed, signature: sig, model: new Uint8Array(), origin })).code).toBe(
          'bad_signature',
        );
      }),
      RUNS,
    );
  });

  it('names a signed manifest that is not JSON or not a manifest, by field', async () => {
    const signedText = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      // The shipped manifest with one top-level field removed or replaced.
      fc
        .record({
          key: fc.constantFrom(...Object.keys(JSON.parse(SHIPPED.toString()))),
          value: fc.jsonValue({ maxDepth: 1 }),
        })
        .map(({ key, value }) => JSON.stringify({ ...JSON.parse(SHIPPED.toString()), [key]: value })),
    );
    await fc.assert(
      fc.asyncProperty(signedText, async (text) => {
        const manifest = Buffer.from(text);
        const err = await rejection({ manifest, signature: signed(manifest), model: new Uint8Array([1]), origin });
        expect(['bad_manifest', 'hash_mismatch']).toContain(err.code);
        expect(err.message).toMatch(
          new RegExp(
            `^release ${origin.replace(/\./g, '\\.')}: (manifest\\.json(: | is not JSON: )\\S|\\S+ has sha256 [0-9a-f]{64}, the signed manifest says )`,
          ),
        );
      }),
      RUNS,
    );
  });
});

describe('release notices (property)', () => {
  it('keeps model, version and URL exactly as announced', () => {
    const notice = fc.record({
      model: fc.string({ minLength: 1, maxLength: 20 }),
      version: fc.string({ minLength: 1, maxLength: 20 }),
      url: fc.webUrl(),
    });
    fc.assert(
      fc.property(notice, (n) => {
        expect(releaseNoticeSchema.parse(JSON.parse(JSON.stringify(n)))).toEqual(n);
      }),
      RUNS,
    );
  });

  it('answers any JSON with a notice or a schema error naming the field, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (value) => {
        const parsed = releaseNoticeSchema.safeParse(value);
        if (parsed.success) expect(Object.keys(parsed.data).sort()).toEqual(['model', 'url', 'version']);
        else
          for (const issue of parsed.error.issues)
            expect([undefined, 'model', 'version', 'url']).toContain(issue.path[0]);
      }),
      RUNS,
    );
  });
});
