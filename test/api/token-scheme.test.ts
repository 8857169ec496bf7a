import { describe, expect, it } from 'vitest';
import { tokenMatches } from '../../src/api/handlers.js';

describe('the Authorization header', () => {
  it('takes the Bearer scheme in any case (RFC 9110: schemes are case-insensitive), and the token exactly', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect(tokenMatches(`${scheme} s3cret-token`, 's3cret-token'), scheme).toBe(true);
    expect(tokenMatches('Bearer S3CRET-TOKEN', 's3cret-token')).toBe(false);
    expect(tokenMatches('Basic s3cret-token', 's3cret-token')).toBe(false);
    expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(false);
    expect(tokenMatches(undefined, 's3cret-token')).toBe(false);
  });
});
