/** The words for a connection the broker accepted and then closed (mqtt-accepted-close.ts). */
import { describe, expect, it } from 'vitest';
import { closedAcceptedText } from '../../src/core/mqtt-accepted-close.js';

const CAUSES =
  'the broker refuses what this client sends first: over its packet size limit, or a topic its ACL denies ' +
  '(messages not acknowledged are sent again at each connect); see its log';

describe('closedAcceptedText', () => {
  it('names the client id another client may hold, and the broker’s reason by name', () => {
    expect(
      closedAcceptedText({
        afterMs: 3.6,
        clientId: 'linewatch-gw-1',
        before: 'before the client could use it',
        reasonCode: 142,
      }),
    ).toBe(
      'the broker accepted the connection (CONNACK), then closed it 4 ms later (its reason: Session taken over 142), ' +
        'before the client could use it: most likely another client connected with the same client id linewatch-gw-1 ' +
        `(the broker drops the older connection: two gateways with one name or client_id), or ${CAUSES}`,
    );
  });

  it('with a random client id (nobody else’s), only the refusal; a reason code MQTT 5 does not name, by number', () => {
    expect(
      closedAcceptedText({
        afterMs: 0,
        clientId: undefined,
        before: 'before it answered the subscription',
        reasonCode: 7,
      }),
    ).toBe(
      'the broker accepted the connection (CONNACK), then closed it 0 ms later (its reason: code 7), before it ' +
        `answered the subscription: most likely ${CAUSES}`,
    );
  });

  it('of one message (a client that publishes once), names it in place of the messages sent again', () => {
    expect(
      closedAcceptedText({
        afterMs: 1.2,
        clientId: undefined,
        before: 'before its PUBACK',
        sent: 'its message on plant7/big (4096 bytes)',
      }),
    ).toBe(
      'the broker accepted the connection (CONNACK), then closed it 1 ms later, before its PUBACK: most likely the ' +
        'broker refuses its message on plant7/big (4096 bytes): over its packet size limit, or a topic its ACL ' +
        'denies; see its log',
    );
  });
});
