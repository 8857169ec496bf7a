import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BoundedCertificateStore,
  MAX_REJECTED_CERTIFICATE_BYTES,
  type NotKept,
} from '../../../src/sinks/opcua-server/rejected-store.js';

describe('the OPC UA server certificate store', () => {
  it('a certificate over the size bound is not kept; one line a minute says so, with how many went unsaid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-uaserver-store-'));
    let now = 1_000_000;
    const told: NotKept[] = [];
    const store = new BoundedCertificateStore(
      { rootFolder: dir },
      (what) => told.push(what),
      () => now,
    );
    try {
      await store.initialize();
      const huge = Buffer.alloc(MAX_REJECTED_CERTIFICATE_BYTES + 1, 0x30);
      await store.rejectCertificate(huge);
      await store.rejectCertificate(huge);
      now += 60_000;
      await store.rejectCertificate(huge);
      expect(await readdir(store.rejectedFolder)).toEqual([]);
      expect(told.map((t) => [t.reason, t.unlogged, t.why])).toEqual([
        ['too_large', 0, `it is over ${MAX_REJECTED_CERTIFICATE_BYTES} bytes`],
        ['too_large', 1, `it is over ${MAX_REJECTED_CERTIFICATE_BYTES} bytes`],
      ]);
    } finally {
      await store.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
