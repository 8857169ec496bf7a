/**
 * `linewatch opcua-certificate --config F`: the gateway's own OPC UA client certificate of each OPC UA source's
 * `pki_dir`, made when missing (as the first connect would make it), and what a PLC's trust dialog shows of it (TIA
 * Portal, TwinCAT, UaExpert): its file, subject, ApplicationUri, SHA-1 and SHA-256 fingerprints and dates. So a PLC
 * can trust the gateway before its first connect. Reads the configuration as `export` does (no credential needed, no
 * model loaded) and opens no connection. An existing certificate is printed, never made again.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { configSchema } from '../config/schema.js';
import { credentialKey, resolvePaths } from '../config/load.js';
import { parseYamlDocument, readTextFile } from '../core/yaml-document.js';
import { ConfigError } from '../core/errors.js';
import { certificateFileFacts } from '../core/certificate-facts.js';
import { reportError } from './report-error.js';

/** Each `pki_dir` of the configuration's OPC UA sources, with the sources that use it. */
async function pkiDirs(configFile: string): Promise<Map<string, string[]>> {
  const { path, text } = await readTextFile(resolve(configFile), 'configuration');
  const config = parseYamlDocument(configSchema, text, path, process.env, credentialKey);
  resolvePaths(config, dirname(path));
  const dirs = new Map<string, string[]>();
  for (const source of config.sources)
    if (source.type === 'opcua') dirs.set(source.pki_dir!, [...(dirs.get(source.pki_dir!) ?? []), source.name]);
  if (dirs.size === 0)
    throw new ConfigError(path, ['sources: no OPC UA source (type: opcua), so no OPC UA client certificate']);
  return dirs;
}

/** Makes the certificate of a `pki_dir` when missing; returns its file and whether it was made now. */
async function ensure(pkiDir: string): Promise<{ file: string; made: boolean }> {
  const { OPCUACertificateManager } = await import('node-opcua');
  const { ensureOwnCertificate } = await import('../sources/opcua/own-certificate.js');
  // node-opcua's warnings to stderr, less its PKCS#1 notice (opcua-log.ts): not the certificate's.
  (await import('../sources/opcua/opcua-log.js')).routeOpcuaLogs();
  mkdirSync(pkiDir, { recursive: true });
  const manager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false });
  try {
    await manager.initialize();
    return await ensureOwnCertificate(manager, pkiDir);
  } finally {
    await manager.dispose();
  }
}

export async function opcuaCertificateCommand(opts: { config: string }): Promise<number> {
  try {
    for (const [pkiDir, sources] of await pkiDirs(opts.config)) {
      const { file, made } = await ensure(pkiDir);
      const f = certificateFileFacts(file);
      process.stdout.write(
        [
          `${file} (${made ? 'made now' : 'already there, kept'}; sources ${sources.join(', ')})`,
          `  subject:        ${f.subject}`,
          `  ApplicationUri: ${f.applicationUri ?? '(none)'}`,
          `  SHA-1:          ${f.sha1}`,
          `  SHA-256:        ${f.sha256}`,
          `  valid:          ${f.validFrom} → ${f.validTo}`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
