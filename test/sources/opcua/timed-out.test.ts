/** node-opcua's words for a request over its limit, said as timeout_ms's (timed-out.ts). */
import { describe, expect, it } from 'vitest';
import { describeTimedOut } from '../../../src/sources/opcua/timed-out.js';

describe('describeTimedOut', () => {
  it('names the request and the limit', () => {
    expect(describeTimedOut('Transaction has timed out ( timeout = 1000 ms , request = WriteRequest)')).toBe(
      'no answer to a Write request within 1000 ms (timeout_ms): the server is slow or stopped answering; raise ' +
        'timeout_ms where it is only slow',
    );
  });

  it('leaves another message alone', () => {
    expect(describeTimedOut('BadNodeIdUnknown')).toBeUndefined();
  });
});
