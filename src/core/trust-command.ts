/**
 * The command that trusts a certificate node-opcua put in a PKI folder's rejected/ (pure): a move to that folder's
 * trusted/certs/, each path one shell word, so that a name taken from a certificate (`$(…)`, quotes, blanks) is pasted
 * as a name, never run.
 */
import { join } from 'node:path';
import { commandLine } from './shell-word.js';

/** `mv <file> <pkiDir>/trusted/certs/`, quoted for a POSIX shell. */
export function trustCommand(file: string, pkiDir: string): string {
  return commandLine(['mv', file, `${join(pkiDir, 'trusted', 'certs')}/`]);
}
