/**
 * A real node-opcua server for the tests of max_message_bytes: `ns=1;s=flow` and `ns=1;s=speed` (Doubles, 7.5 and
 * 1450), `ns=1;s=blob` (a ByteString of `blobBytes`) and `ns=1;s=blob2`, `ns=1;s=blob3` (ByteStrings of
 * `otherBlobBytes`, 16 unless given), and at browse path /Objects/1:Bound/1:long a Double (3.25) whose string node
 * id is 70,000 characters long, at opc.tcp://127.0.0.1:PORT/UA/bound. `setBlob` gives the blob another size, as a
 * server whose responses grow would. With `longNamespaceUriChars`, the server has a namespace of a URI that long as
 * well, so that its namespace array is over a bound its other responses are under; `namespaceUri` is ns=1's URI.
 * startBoundIgnoringBlobServer puts it behind a HEL rewriter; blobTankConfig is a gateway's configuration of it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, Variant, type UAVariable } from 'node-opcua';
import { freePort } from '../../src/core/free-port.js';
import { startHelloRewriter } from './hello-rewriter.js';

export interface BlobServer {
  readonly server: OPCUAServer;
  readonly endpoint: string;
  /** The URI of namespace 1, where the nodes are (`nsu=<it>;s=flow` names ns=1;s=flow). */
  readonly namespaceUri: string;
  setBlob(bytes: number): void;
  close(): Promise<void>;
}

/**
 * A node-opcua server on 127.0.0.1:`port` at `resourcePath`, initialized (its address space ready for nodes), not
 * started; its PKI in a new temporary folder, accepting any client certificate.
 */
export async function initializedServer(port: number, resourcePath: string): Promise<OPCUAServer> {
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath,
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: mkdtempSync(join(tmpdir(), 'lw-test-server-pki-')),
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  await server.initialize();
  return server;
}

export async function startBlobServer(
  port: number,
  blobBytes: number,
  otherBlobBytes = 16,
  longNamespaceUriChars?: number,
): Promise<BlobServer> {
  const s = await initializedServer(port, '/UA/bound');
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

/**
 * A blob server behind a HEL rewriter (hello-rewriter.ts), as a server that ignores the client's receive limits:
 * `endpoint` is the rewriter's; `close` closes both.
 */
export async function startBoundIgnoringBlobServer(blobBytes: number): Promise<BlobServer> {
  const port = await freePort();
  const server = await startBlobServer(port, blobBytes);
  const rewriter = await startHelloRewriter(port);
  return {
    ...server,
    endpoint: server.endpoint.replace(/:\d+\//, `:${rewriter.port}/`),
    close: async () => {
      await rewriter.close();
      await server.close();
    },
  };
}

/**
 * A gateway configuration (YAML) with data in `dir` and one OPC UA source, `tank` (asset tank-1) at `endpoint`, bound
 * to 64 KiB, on the blob server's flow, blob and speed (`ns=1;s=<channel>`).
 */
export const blobTankConfig = (dir: string, endpoint: string) => `
data_dir: ${dir}
sources:
  - name: tank
    type: opcua
    endpoint: ${endpoint}
    asset: tank-1
    max_message_bytes: 65536
    pki_dir: ${join(dir, 'pki')}
    nodes:
      - { channel: flow, node_id: "ns=1;s=flow" }
      - { channel: blob, node_id: "ns=1;s=blob" }
      - { channel: speed, node_id: "ns=1;s=speed" }
`;
