/**
 * security.md says where the gateway's own OPC UA certificate comes from and how each side comes to trust the other's:
 * a walk from Telegraf found none of it written, and the server's refusal of ours (BadSecurityChecksFailed) names no
 * certificate. The paths it gives are the ones the source itself names in its errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { untrustedAdvice } from '../../src/sources/opcua/opcua-connect.js';
import { ROOT } from '../helpers/cli.js';

const page = readFileSync(join(ROOT, 'docs/security.md'), 'utf8');
const section = page.split(/^## /m).find((s) => s.startsWith('OPC UA certificates\n')) ?? '';

describe('security.md: OPC UA certificates', () => {
  it("names the gateway's own certificate where the source's errors do", () => {
    // With nothing in rejected/, the source's advice names our own certificate for the server to trust.
    const own = /the server does not trust ours, (\S+);/.exec(untrustedAdvice('<pki_dir>', 'BadCertificateUntrusted'));
    expect(own?.[1]).toBe(join('<pki_dir>', 'own', 'certs', 'client_certificate.pem'));
    expect(section).toContain(`\`${own?.[1]}\``);
    expect(section).toContain('`<pki_dir>/own/private/private_key.pem`');
  });

  it("says what each side's refusal reads and where a server's certificate is trusted", () => {
    expect(section).toContain('BadSecurityChecksFailed');
    expect(section).toContain('<pki_dir>/rejected/');
    expect(section).toContain('trusted/certs/');
    expect(section).toContain('BadUserAccessDenied');
  });
});
