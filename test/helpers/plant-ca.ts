/**
 * A plant's certificate authority as a test makes it with openssl (`openssl ca`, its own database in a folder): the
 * CA's certificate, client certificates it issues (an OPC UA ApplicationUri in subjectAltName, key identifiers so that
 * node-opcua finds the issuer), revocations and the CRL. What a plant's PKI hands a SCADA, made by the tool a plant's
 * PKI admin uses.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestCa } from '../../src/testing/mosquitto.js';

/** openssl in the CA's folder, with its configuration (node-opcua-pki sets OPENSSL_CONF for the whole process). */
const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', [...args, '-config', 'ca.cnf'], { cwd, stdio: 'pipe' });

const config = (dir: string) => `[ca]
default_ca = plant
[plant]
dir = ${dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = any
unique_subject = no
[any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** What a client certificate carries: the extensions an OPC UA application certificate needs, its ApplicationUri. */
const clientExtensions = (uri: string) => `basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment
extendedKeyUsage = clientAuth, serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = URI:${uri}
`;

/** A new key and its certificate request, subject `/CN=<name>/O=Acme`, made in `dir`. */
function request(dir: string, name: string, keyFile: string, requestFile: string): void {
  const args = ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}/O=Acme`];
  openssl([...args, '-keyout', keyFile, '-out', requestFile], dir);
}

/** A client certificate the CA issued: its PEM file and its key's. */
export interface IssuedCertificate {
  readonly certificateFile: string;
  readonly privateKeyFile: string;
}

export class PlantCa {
  private constructor(readonly dir: string) {}

  /** A new CA in `dir` (made), its subject `/CN=<name>/O=Acme`, valid 30 days. */
  static make(dir: string, name: string): PlantCa {
    PlantCa.database(dir);
    makeTestCa(dir, 'ca', {
      subject: `/CN=${name}/O=Acme`,
      days: 30,
      config: { file: join(dir, 'ca.cnf'), extensions: 'ca_ext' },
    });
    return new PlantCa(dir);
  }

  /** A CA in `dir` (made) that this CA issues: `/CN=<name>/O=Acme`, valid 30 days. */
  issueCa(dir: string, name: string): PlantCa {
    PlantCa.database(dir);
    request(dir, name, join(dir, 'ca.key'), join(dir, 'ca.csr'));
    openssl(
      ['ca', '-batch', '-notext', '-extensions', 'ca_ext', '-in', join(dir, 'ca.csr'), '-out', join(dir, 'ca.pem')],
      this.dir,
    );
    return new PlantCa(dir);
  }

  /** A CA's folder: openssl ca's database and configuration. */
  private static database(dir: string): void {
    mkdirSync(join(dir, 'issued'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'crlnumber'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), config(dir));
  }

  /** The CA's certificate (PEM). */
  get certificateFile(): string {
    return join(this.dir, 'ca.pem');
  }

  /** A client certificate issued now for 30 days: `/CN=<name>/O=Acme`, ApplicationUri `uri`. */
  issue(name: string, uri: string): IssuedCertificate {
    const privateKeyFile = join(this.dir, `${name}.key`);
    const certificateFile = join(this.dir, `${name}.pem`);
    writeFileSync(join(this.dir, `${name}.ext`), clientExtensions(uri));
    request(this.dir, name, privateKeyFile, join(this.dir, `${name}.csr`));
    openssl(
      ['ca', '-batch', '-notext', '-extfile', `${name}.ext`, '-in', `${name}.csr`, '-out', certificateFile],
      this.dir,
    );
    return { certificateFile, privateKeyFile };
  }

  /** Revokes an issued certificate (the next CRL lists it). */
  revoke(issued: IssuedCertificate): void {
    openssl(['ca', '-revoke', issued.certificateFile], this.dir);
  }

  /** The CA's CRL now, written to `file` (PEM). */
  writeCrl(file: string): void {
    openssl(['ca', '-gencrl', '-out', file], this.dir);
  }
}
