/**
 * node-opcua's own warnings: on stderr, marked as its, except the PKCS#1 v1.5 advice that no policy we use needs and
 * the dump of an untrusted server certificate, which the source's own error says in one line.
 */
import { make_warningLog } from 'node-opcua';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routeOpcuaLogs, sendOpcuaLogsTo } from '../../../src/sources/opcua/opcua-log.js';
import { logLines } from '../../helpers/log-lines.js';

afterEach(() => vi.restoreAllMocks());

/** What node-opcua's loggers wrote to stdout and stderr while `act` ran. */
function captured(act: () => void): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((out.stderr += String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((...args) => void (out.stdout += `${args.join(' ')}\n`));
  act();
  vi.restoreAllMocks();
  return out;
}

describe("node-opcua's log", () => {
  routeOpcuaLogs();

  it('goes to stderr, marked, and never to stdout', () => {
    const out = captured(() => {
      make_warningLog('test')('[NODE-OPCUA-W30] a getter has been specified');
      make_warningLog('test')('certificate is not trusted');
    });
    expect(out).toEqual({
      stdout: '',
      stderr: 'node-opcua: [NODE-OPCUA-W30] a getter has been specified\nnode-opcua: certificate is not trusted\n',
    });
  });

  it('leaves out the RSA PKCS#1 v1.5 advice, both of its lines', () => {
    const out = captured(() => {
      make_warningLog('test')('[NODE-OPCUA-W27]', 'node version', 'v20.20.2');
      make_warningLog('test')(
        '  you need to use node flag --security-revert=CVE-2023-46809 if you have issue with RSA PKCS#1 v1.5',
      );
    });
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it("leaves out an untrusted server certificate's dump, and not the warning after it", () => {
    const warn = make_warningLog('test');
    const out = captured(() => {
      warn('serverCertificate = ', '58f995439c2d5e4856e711a944eed43496dbf761');
      warn('serverCertificate = ', 'MIIELjCCAxagAwIBAgIRAOO');
      warn("[NODE-OPCUA-W25] client's server certificate verification has failed ", 'BadCertificateUntrusted');
      warn('                 clientCertificateManager.rootDir = ', '/pki');
      warn('                   thumbprint: 58f995439c2d5e4856e711a944eed43496dbf761');
      warn('                 verify that the server certificate is trusted');
      warn('session closed');
      warn('                 an indented line after a kept one');
    });
    expect(out.stderr).toBe(
      'node-opcua: session closed\nnode-opcua:                  an indented line after a kept one\n',
    );
  });

  it('keeps the chain of a certificate that failed for another reason than trust (it holds the validity dates)', () => {
    const warn = make_warningLog('test');
    const out = captured(() => {
      warn('serverCertificate = ', 'MIIELjCCAxagAwIBAgIRAOO');
      warn("[NODE-OPCUA-W25] client's server certificate verification has failed ", 'BadCertificateTimeInvalid');
      warn('                   validity:   2020-12-05T14:14:21.000Z → 2021-12-05T14:14:21.000Z');
    });
    expect(out.stderr).toBe(
      "node-opcua: [NODE-OPCUA-W25] client's server certificate verification has failed  BadCertificateTimeInvalid\n" +
        'node-opcua:                    validity:   2020-12-05T14:14:21.000Z → 2021-12-05T14:14:21.000Z\n',
    );
  });

  it("leaves out the client's refusals of a message over its receive limits, and keeps a server's", () => {
    const out = captured(() => {
      make_warningLog('test')('maximum chunk size exceeded (maxChunkSize=65536 current chunk size = 825110831)');
      make_warningLog('test')('Error  ', 'client0', 'max message size exceeded: 65536 : total message size 131072');
      make_warningLog('test')(
        'Error  ',
        'client12',
        'packet assembler: maximum chunk size exceeded (maxChunkSize=8192)',
      );
      make_warningLog('test')('Error  ', 'client3', 'max chunk count exceeded: 4');
      make_warningLog('test')('Error  ', 'server2', 'max message size exceeded: 65536 : total message size 131072');
      make_warningLog('test')('Error  ', 'client4', 'Invalid secure channel Id');
    });
    expect(out).toEqual({
      stdout: '',
      stderr:
        'node-opcua: Error   server2 max message size exceeded: 65536 : total message size 131072\n' +
        'node-opcua: Error   client4 Invalid secure channel Id\n',
    });
  });

  it("goes into the logger it is sent to, as JSON lines of node-opcua's; to stderr again after", () => {
    const log = logLines();
    sendOpcuaLogsTo(log.logger);
    const routed = captured(() => {
      make_warningLog('test')('Creating default certificate ... please wait');
      make_warningLog('test')('Error  ', 'client4', 'Invalid secure channel Id');
      make_warningLog('test')('Error  ', 'client0', 'max message size exceeded: 65536 : total message size 131072');
    });
    sendOpcuaLogsTo(undefined);
    const after = captured(() => make_warningLog('test')('session closed'));
    expect(routed).toEqual({ stdout: '', stderr: '' });
    expect(log.lines.map((l) => [l.level, l.component, l.msg])).toEqual([
      [40, 'node-opcua', 'Creating default certificate ... please wait'],
      [40, 'node-opcua', 'Error   client4 Invalid secure channel Id'],
    ]);
    expect(after).toEqual({ stdout: '', stderr: 'node-opcua: session closed\n' });
  });
});
