/**
 * security.md says where the gateway's own OPC UA certificate comes from and how each side comes to trust the other's:
 * a walk from Telegraf found none of it written. The paths and words it gives are the ones the source itself names in
 * its errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownCertificateFile } from '../../src/sources/opcua/opcua-connect.js';
import { ROOT } from '../helpers/cli.js';

const page = readFileSync(join(ROOT, 'docs/security.md'), 'utf8');
const section = page.split(/^## /m).find((s) => s.startsWith('OPC UA certificates\n')) ?? '';

describe('security.md: OPC UA certificates', () => {
  it("names the gateway's own certificate where the source's errors do", () => {
    // The file the source's error names when a server refuses the gateway's certificate.
    expect(section).toContain(`\`${ownCertificateFile('<pki_dir>')}\``);
    expect(section).toContain("the server does not trust this gateway's certificate");
    expect(section).toContain('`<pki_dir>/own/private/private_key.pem`');
  });

  it("says what each side's refusal reads and where a server's certificate is trusted", () => {
    expect(section).toContain('BadSecurityChecksFailed');
    expect(section).toContain('<pki_dir>/rejected/');
    expect(section).toContain('trusted/certs/');
    expect(section).toContain('BadUserAccessDenied');
  });
});
