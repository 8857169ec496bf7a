/** The one MQTT connection setup: every client of a broker gets its TLS files, credentials and its own client id. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerErrorText, mqttClientOptions, protocolVersionHint } from '../../src/core/mqtt-connection.js';
import { markResetUnaccepted } from '../../src/core/mqtt-version-hints.js';

describe('mqttClientOptions', () => {
  it("gives every role the broker's TLS files and credentials, and keeps client ids apart", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-mqtt-tls-'));
    for (const f of ['ca.pem', 'client.pem', 'client.key']) await writeFile(join(dir, f), `pem of ${f}`);
    const broker = {
      url: 'mqtts://broker.example:8883',
      username: 'gw',
      password: 'secret',
      client_id: 'line-3',
      ca_file: join(dir, 'ca.pem'),
      cert_file: join(dir, 'client.pem'),
      key_file: join(dir, 'client.key'),
    };
    const sync = mqttClientOptions(broker, { role: 'cloud sync', defaultClientId: 'linewatch-gw' });
    const notices = mqttClientOptions(broker, {
      role: 'release notices',
      defaultClientId: 'linewatch-updates-1',
      idSuffix: '-updates',
      options: { reconnectPeriod: 1000 },
    });
    for (const o of [sync, notices]) {
      expect(String(o.ca)).toBe('pem of ca.pem');
      expect(String(o.cert)).toBe('pem of client.pem');
      expect(String(o.key)).toBe('pem of client.key');
      expect([o.username, o.password]).toEqual(['gw', 'secret']);
    }
    expect([sync.clientId, notices.clientId]).toEqual(['line-3', 'line-3-updates']);
    expect(notices.reconnectPeriod).toBe(1000);
    const plain = mqttClientOptions({ url: 'mqtt://127.0.0.1:1883' }, { role: 'action a', defaultClientId: 'lw-a' });
    expect(plain).toEqual({ clientId: 'lw-a' });
  });

  it("tells an MQTT 5 broker the client's incoming bound as its Maximum Packet Size, keeping its other properties", () => {
    const incoming = { maxPacketBytes: 65_536, onRefused: () => undefined };
    const broker = { url: 'mqtt://127.0.0.1:1883' };
    const v5 = mqttClientOptions(broker, {
      role: 'release notices',
      defaultClientId: 'lw-u',
      options: { protocolVersion: 5, properties: { sessionExpiryInterval: 60 } },
      incoming,
    });
    expect(v5.properties).toEqual({ sessionExpiryInterval: 60, maximumPacketSize: 65_536 });
    // MQTT 3.1.1 has no such property (the socket guard alone bounds it), and without a bound none is told.
    const v4 = mqttClientOptions(broker, {
      role: 'r',
      defaultClientId: 'lw-u',
      options: { protocolVersion: 4 },
      incoming,
    });
    expect(v4.properties).toBeUndefined();
    const unbound = mqttClientOptions(broker, { role: 'r', defaultClientId: 'lw-u', options: { protocolVersion: 5 } });
    expect(unbound.properties).toBeUndefined();
  });

  it('names the setting that connects with MQTT 3.1.1 where a broker refuses MQTT 5', () => {
    const refused = new Error('Connection refused: Unacceptable protocol version');
    expect(protocolVersionHint(refused, 5, 'cloud.mqtt.protocol_version')).toBe(
      ' (the broker does not speak MQTT 5: set cloud.mqtt.protocol_version: 4)',
    );
    expect(protocolVersionHint(refused, 4, 'cloud.mqtt.protocol_version')).toBe('');
    expect(protocolVersionHint(new Error('Connection refused: Not authorized'), 5, 'x')).toBe('');
  });

  it('names the role, the setting and the file that cannot be read, and a certificate without its key', () => {
    expect(() =>
      mqttClientOptions(
        { url: 'mqtts://b:8883', ca_file: '/nonexistent/ca.pem' },
        { role: 'release notices', defaultClientId: 'x' },
      ),
    ).toThrow('release notices: ca_file /nonexistent/ca.pem cannot be read (no such file)');
    expect(() =>
      mqttClientOptions({ url: 'mqtts://b:8883', cert_file: __filename }, { role: 'cloud sync', defaultClientId: 'x' }),
    ).toThrow('cloud sync: cert_file and key_file go together (a client certificate needs its key)');
  });

  it('says which ca_file did not vouch for a broker certificate that is not trusted; other errors stay as they are', () => {
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(brokerErrorText(untrusted, { url: 'mqtts://b:8883', ca_file: '/etc/linewatch/plant-ca.pem' })).toBe(
      "the broker's TLS certificate is not trusted: ca_file /etc/linewatch/plant-ca.pem holds no CA that signed it (self-signed certificate in certificate chain)",
    );
    expect(brokerErrorText(untrusted, { url: 'mqtts://b:8883' })).toBe(
      "the broker's TLS certificate is not trusted: no ca_file is set, and no CA of the system signed it (self-signed certificate in certificate chain)",
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8883'), { code: 'ECONNREFUSED' });
    expect(brokerErrorText(refused, { url: 'mqtts://b:8883', ca_file: '/ca.pem' })).toBe(
      'connect ECONNREFUSED 127.0.0.1:8883',
    );
  });
});

describe('markResetUnaccepted', () => {
  it('marks a reset before a CONNACK only: one after the broker accepted the connection gets no protocol hint', () => {
    const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const before = reset();
    const after = reset();
    expect([markResetUnaccepted(before, false), markResetUnaccepted(after, true)]).toEqual([true, false]);
    expect(protocolVersionHint(before, 5, 'protocol_version')).toBe(
      ' (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets it so; ' +
        'set protocol_version: 4 if it does not speak MQTT 5)',
    );
    expect(protocolVersionHint(after, 5, 'protocol_version')).toBe('');
    // With 3.1.1 already, the version is not why.
    expect(protocolVersionHint(before, 4, 'protocol_version')).toBe('');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(markResetUnaccepted(refused, false)).toBe(false);
  });
});
