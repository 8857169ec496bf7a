/**
 * A real node-opcua server for the tests of max_message_bytes: `ns=1;s=flow` and `ns=1;s=speed` (Doubles, 7.5 and
 * 1450), `ns=1;s=blob` (a ByteString of `blobBytes`) and `ns=1;s=blob2`, `ns=1;s=blob3` (ByteStrings of
 * `otherBlobBytes`, 16 unless given), and at browse path /Objects/1:Bound/1:long a Double (3.25) whose string node
 * id is 70,000 characters long, at opc.tcp://127.0.0.1:PORT/UA/bound. `setBlob` gives the blob another size, as a
 * server whose responses grow would. With `longNamespaceUriChars`, the server has a namespace of a URI that long as
 * well, so that its namespace array is over a bound its other responses are under; `namespaceUri` is ns=1's URI.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, Variant, type UAVariable } from 'node-opcua';

export interface BlobServer {
  readonly server: OPCUAServer;
  readonly endpoint: string;
  /** The URI of namespace 1, where the nodes are (`nsu=<it>;s=flow` names ns=1;s=flow). */
  readonly namespaceUri: string;
  setBlob(bytes: number): void;
  close(): Promise<void>;
}

export async function startBlobServer(
  port: number,
  blobBytes: number,
  otherBlobBytes = 16,
  longNamespaceUriChars?: number,
): Promise<BlobServer> {
  const s = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath: '/UA/bound',
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: mkdtempSync(join(tmpdir(), 'lw-bound-server-pki-')),
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  await s.initialize();
  const addressSpace = s.engine.addressSpace!;
  const ns = addressSpace.getOwnNamespace();
  const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Bound' });
  ns.addVariable({
    organizedBy: folder,
    browseName: 'flow',
    nodeId: 's=flow',
    dataType: 'Double',
    value: new Variant({ dataType: DataType.Double, value: 7.5 }),
  });
  ns.addVariable({
    organizedBy: folder,
    browseName: 'speed',
    nodeId: 's=speed',
    dataType: 'Double',
    value: new Variant({ dataType: DataType.Double, value: 1450 }),
  });
  const blobOf = (bytes: number) => new Variant({ dataType: DataType.ByteString, value: Buffer.alloc(bytes, 0x41) });
  const blob: UAVariable = ns.addVariable({
    organizedBy: folder,
    browseName: 'blob',
    nodeId: 's=blob',
    dataType: 'ByteString',
    value: blobOf(blobBytes),
  });
  for (const name of ['blob2', 'blob3'])
    ns.addVariable({
      organizedBy: folder,
      browseName: name,
      nodeId: `s=${name}`,
      dataType: 'ByteString',
      value: blobOf(otherBlobBytes),
    });
  // At browse path /Objects/1:Bound/1:long: a Double whose node id is a string of 70,000 characters, so that the
  // path's translation (which carries the node id) is over a bound of 64 KiB where a read of its value is not.
  ns.addVariable({
    organizedBy: folder,
    browseName: 'long',
    nodeId: `s=${'L'.repeat(70_000)}`,
    dataType: 'Double',
    value: new Variant({ dataType: DataType.Double, value: 3.25 }),
  });
  if (longNamespaceUriChars !== undefined) addressSpace.registerNamespace(`urn:${'N'.repeat(longNamespaceUriChars)}`);
  await s.start();
  return {
    server: s,
    endpoint: `opc.tcp://127.0.0.1:${port}/UA/bound`,
    namespaceUri: ns.namespaceUri,
    setBlob: (bytes) => blob.setValueFromSource(blobOf(bytes)),
    close: () => s.shutdown(0),
  };
}
