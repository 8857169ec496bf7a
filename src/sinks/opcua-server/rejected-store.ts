/**
 * The OPC UA server's certificate stores (its own and the user-token one) with a bounded rejected/ folder. node-opcua
 * writes each client certificate it does not know to rejected/, named after the certificate's subject, and keeps it
 * in memory: a client presenting a new self-signed certificate at each connection (about 7 a second from one client)
 * would fill the disk and the heap without end, and a subject longer than a file name made the write fail with an
 * internal error that told the client the PKI folder's path. Here a certificate is kept in rejected/ only while the
 * folder holds fewer than MAX_REJECTED_CERTIFICATES, and only if it is at most MAX_REJECTED_CERTIFICATE_BYTES; a
 * subject that makes too long a name is not kept either. The client is refused the same (BadCertificateUntrusted)
 * whether its certificate is kept or not; what is not kept is logged (one line a minute for each reason).
 *
 * Each refusal is also handed to `refused` with where the file is and whether the server holds the certificate of
 * the CA that issued it: node-opcua says nothing but its own warnings (the thumbprint), so the server's log could not
 * say which client was refused nor how to trust it (refused-client.ts).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OPCUACertificateManager, type OPCUACertificateManagerOptions, type StatusCode } from 'node-opcua';
import { firstOfChain } from '../../core/certificate-facts.js';
import { LogThrottle } from '../../core/log-throttle.js';
import type { ClientRefusal } from './refused-client.js';

/** Client certificates kept in rejected/ at most (an operator moves the one to trust to trusted/certs/). */
export const MAX_REJECTED_CERTIFICATES = 100;
/** A certificate larger than this is not kept (a client's is 1 to 2 KB; 16 KiB leaves room for a chain). */
export const MAX_REJECTED_CERTIFICATE_BYTES = 16 * 1024;

/** Why a rejected certificate was not kept in rejected/, for the log. */
export interface NotKept {
  readonly reason: 'full' | 'too_large' | 'name';
  /** The reason in words. */
  readonly why: string;
  readonly folder: string;
  /** Certificates not kept since the last line (a line a minute at most). */
  readonly unlogged: number;
}

const WHY: Record<NotKept['reason'], string> = {
  full: `the folder holds ${MAX_REJECTED_CERTIFICATES} already (remove those you do not mean to trust)`,
  too_large: `it is over ${MAX_REJECTED_CERTIFICATE_BYTES} bytes`,
  name: 'its subject is too long for a file name',
};

type Certificate = Buffer;
type Answer = (err: Error | null, status?: StatusCode) => void;

/** node-opcua's name of a certificate in rejected/ ends with its SHA-1 thumbprint: `<common name>[<sha1>].pem`. */
const rejectedNameEnd = (leaf: Buffer) => `[${createHash('sha1').update(leaf).digest('hex')}].pem`;

export class BoundedCertificateStore extends OPCUACertificateManager {
  private pending = 0;
  /** A line a minute for each reason. */
  private readonly throttles = new Map<NotKept['reason'], LogThrottle>();
  /** Why a certificate being checked was not kept in rejected/, by its thumbprint's file name end, until told. */
  private readonly notKeptNow = new Map<string, string>();

  constructor(
    options: OPCUACertificateManagerOptions,
    private readonly notKept: (what: NotKept) => void,
    private readonly now: () => number = Date.now,
    /** Each certificate refused, with where node-opcua put it. */
    private readonly refused?: (refusal: ClientRefusal) => void,
  ) {
    super(options);
  }

  override checkCertificate(chain: Certificate | Certificate[]): Promise<StatusCode>;
  override checkCertificate(chain: Certificate | Certificate[], answer: Answer): void;
  override checkCertificate(chain: Certificate | Certificate[], answer?: Answer): Promise<StatusCode> | void {
    const checked = (super.checkCertificate(chain) as Promise<StatusCode>).then(async (status) => {
      // What is said never changes the verdict: a failure to say it is dropped.
      if (status.isNotGood() && this.refused) await this.tellRefused(chain, status.name).catch(() => undefined);
      return status;
    });
    if (!answer) return checked;
    checked.then(
      (status) => answer(null, status),
      (err: Error) => answer(err),
    );
  }

  private async tellRefused(chain: Certificate | Certificate[], status: string): Promise<void> {
    const leaf = firstOfChain(Array.isArray(chain) ? chain[0] : chain);
    const end = rejectedNameEnd(leaf);
    const notKept = this.notKeptNow.get(end);
    this.notKeptNow.delete(end);
    const name = (await readdir(this.rejectedFolder).catch(() => [] as string[])).find((f) => f.endsWith(end));
    // The CA's certificate as node-opcua looks it up (issuers/certs/, then trusted/certs/, by key identifier); the
    // leaf itself where it is self-signed, none where it names no issuer key or the server holds no such CA.
    const issuer = await this.findIssuerCertificate(leaf).catch(() => null);
    this.refused!({
      certificate: leaf,
      status,
      issuerHeld: issuer !== null && !issuer.equals(leaf),
      ...(name ? { file: join(this.rejectedFolder, name) } : {}),
      ...(notKept ? { notKept } : {}),
    });
  }

  override async rejectCertificate(certificateOrChain: Certificate | Certificate[]): Promise<void> {
    const bytes = [certificateOrChain].flat().reduce((n, c) => n + c.length, 0);
    const leaf = [certificateOrChain].flat()[0];
    if (bytes > MAX_REJECTED_CERTIFICATE_BYTES) return this.tell('too_large', leaf);
    if ((await this.rejectedCount()) + this.pending >= MAX_REJECTED_CERTIFICATES) return this.tell('full', leaf);
    this.pending++;
    try {
      await super.rejectCertificate(certificateOrChain);
    } catch (err) {
      // ENAMETOOLONG: a subject too long for a file name. Refused all the same, and its message (the folder's path)
      // goes to the log, not to the client.
      if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') return this.tell('name', leaf);
      throw err;
    } finally {
      this.pending--;
    }
  }

  private async rejectedCount(): Promise<number> {
    return (await readdir(this.rejectedFolder).catch(() => [])).length;
  }

  private tell(reason: NotKept['reason'], leaf: Certificate): void {
    // Read back by checkCertificate once node-opcua's check ends; bounded where nothing reads it (a direct call).
    if (this.notKeptNow.size >= MAX_REJECTED_CERTIFICATES) this.notKeptNow.clear();
    this.notKeptNow.set(rejectedNameEnd(firstOfChain(leaf)), WHY[reason]);
    let throttle = this.throttles.get(reason);
    if (!throttle) this.throttles.set(reason, (throttle = new LogThrottle(60_000)));
    const unlogged = throttle.take(this.now());
    if (unlogged !== undefined) this.notKept({ reason, why: WHY[reason], folder: this.rejectedFolder, unlogged });
  }
}
