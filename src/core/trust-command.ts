/**
 * The command that trusts a certificate node-opcua put in a PKI folder's rejected/ (pure): a move to that folder's
 * trusted/certs/, each path one shell word, so that a name taken from a certificate (`$(…)`, quotes, blanks) is pasted
 * as a name, never run. And the trusted folders a CA's certificate and CRL go in, as shell words: paths made from the
 * PKI folder alone.
 */
import { join } from 'node:path';
import { commandLine, shellWord } from './shell-word.js';

/** `<pkiDir>/trusted/certs/` or `<pkiDir>/trusted/crl/`, one shell word. */
export function trustedFolder(pkiDir: string, kind: 'certs' | 'crl'): string {
  return shellWord(`${join(pkiDir, 'trusted', kind)}/`);
}

/** `mv <file> <pkiDir>/trusted/certs/`, quoted for a POSIX shell. */
export function trustCommand(file: string, pkiDir: string): string {
  return `${commandLine(['mv', file])} ${trustedFolder(pkiDir, 'certs')}`;
}
