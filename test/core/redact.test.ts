/** URLs in what the gateway shows lose their credentials, query values and secret paths. */
import { describe, expect, it } from 'vitest';
import { keepingPaths, redactCredentials, redactDeep, redactSecrets } from '../../src/core/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['mqtt://bob:s3cret@broker:1883', 'mqtt://***@broker:1883'],
    ['connect to http://u:p@influx:8086/ failed', 'connect to http://***@influx:8086/ failed'],
    ['POST https://hooks.slack.com/services/T0/B0/XXXX answered 404', 'POST https://hooks.slack.com/*** answered 404'],
    ['http://127.0.0.1:8086/write?db=plant&u=admin&p=pw', 'http://127.0.0.1:8086/***?db=***&u=***&p=***'],
    ['influxdb http://influx:8086 unreachable', 'influxdb http://influx:8086 unreachable'],
    ['"url":"mqtts://a:b@h:8883"', '"url":"mqtts://***@h:8883"'],
    ['no url here', 'no url here'],
    // the punctuation after a URL is the sentence's
    ['GET http://h:80/r/manifest.json: answered 404', 'GET http://h:80/***: answered 404'],
    ['see https://ntfy.sh/topic.', 'see https://ntfy.sh/***.'],
    // a secret in the only path segment (a topic, a bot token)
    ['POST https://ntfy.sh/my-secret-topic-9f8e failed', 'POST https://ntfy.sh/*** failed'],
    ['https://api.telegram.org/bot123456:AAHsecretTOKEN/sendMessage', 'https://api.telegram.org/***'],
    // passwords holding what ends a URL in text (a bracket, a quote, a space, an @)
    ['cloud broker mqtts://gw:s3cr)t@broker:8883 unreachable', 'cloud broker mqtts://***@broker:8883 unreachable'],
    ["cloud broker mqtts://gw:pa'ss@broker:8883 down", 'cloud broker mqtts://***@broker:8883 down'],
    ['cloud broker mqtts://gw:pa ss word@broker:8883 down', 'cloud broker mqtts://***@broker:8883 down'],
    ['cloud broker mqtts://gw:p]w}x<y>@broker:8883 down', 'cloud broker mqtts://***@broker:8883 down'],
    ['influx http://admin:p@ss@influx:8086/ down', 'influx http://***@influx:8086/ down'],
    // OPC UA endpoint paths name the server, never a secret; credentials in the authority still go
    ['opc.tcp://plc-7:4840/UA/PumpServer unreachable', 'opc.tcp://plc-7:4840/UA/PumpServer unreachable'],
    ['OPC.TCP://op:pw@plc-7:4840/UA/PumpServer', 'OPC.TCP://***@plc-7:4840/UA/PumpServer'],
    // regression: a PLC's endpoint with no path, then a certificate subject with an @ (an untrusted server's error):
    // the text between was taken for user info and the error shown as "(opc.tcp://***@vm, valid …"
    [
      "device s7 (opc.tcp://127.0.0.1:4840): the server's certificate NodeOPCUA@vm[dfbd] is not trusted (… CN=NodeOPCUA@vm, valid 2026)",
      "device s7 (opc.tcp://127.0.0.1:4840): the server's certificate NodeOPCUA@vm[dfbd] is not trusted (… CN=NodeOPCUA@vm, valid 2026)",
    ],
    [
      'device s7 (opc.tcp://plc): certificate CN=ua@plc, valid',
      'device s7 (opc.tcp://plc): certificate CN=ua@plc, valid',
    ],
    ['opc.tcp://10.0.0.1:4840 refused NodeOPCUA@vm[ab]', 'opc.tcp://10.0.0.1:4840 refused NodeOPCUA@vm[ab]'],
    // ... while credentials after such a URL still go
    [
      '(opc.tcp://plc:4840): see mqtt://u:p w@broker:1883, retrying',
      '(opc.tcp://plc:4840): see mqtt://***@broker:1883, retrying',
    ],
    ['mqtts://gw:pa ss@broker:8883, retrying', 'mqtts://***@broker:8883, retrying'],
    // the OPC Foundation's namespace URIs name a public specification; the same path on another host is hidden
    ['namespace http://opcfoundation.org/UA/ is index 0', 'namespace http://opcfoundation.org/UA/ is index 0'],
    ['http://opcfoundation.org.evil.example/UA/x', 'http://opcfoundation.org.evil.example/***'],
    ['http://u:p@opcfoundation.org/UA/', 'http://***@opcfoundation.org/***'],
  ])('%s', (input, expected) => expect(redactSecrets(input)).toBe(expected));

  it('reaches every string of a nested value and leaves numbers alone', () => {
    expect(redactDeep({ a: ['x http://u:p@h/a/b'], n: 3, b: { c: 'mqtt://u:p@h' } })).toEqual({
      a: ['x http://***@h/***'],
      n: 3,
      b: { c: 'mqtt://***@h' },
    });
  });

  it('keeps the paths in an object marked URL_PATHS_KEPT (a model update outcome), hides them beside it', () => {
    const last = keepingPaths({ reason: 'release https://u:p@cdn.example/r/2.0.0/?sig=abc', more: ['https://h/a/b'] });
    expect(redactDeep({ models: [{ last }], hook: 'https://hooks.example/services/T0/X' })).toEqual({
      models: [{ last: { reason: 'release https://***@cdn.example/r/2.0.0/?sig=***', more: ['https://h/a/b'] } }],
      hook: 'https://hooks.example/***',
    });
  });
});

describe('redactCredentials (what goes back to where a URL came from)', () => {
  it.each([
    [
      'GET https://fleet:pw@cdn.example/r/2.0.0/manifest.json answered 404',
      'GET https://***@cdn.example/r/2.0.0/manifest.json answered 404',
    ],
    [
      'release https://cdn.example/r/2.0.0/?sig=abc&se=2027: not under',
      'release https://cdn.example/r/2.0.0/?sig=***&se=***: not under',
    ],
    ['no url here', 'no url here'],
  ])('%s → %s', (text, shown) => {
    expect(redactCredentials(text)).toBe(shown);
  });
});
