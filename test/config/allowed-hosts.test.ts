/**
 * http.allowed_hosts in a configuration (DNS rebinding beyond loopback): each entry a name or address with an optional
 * port, a bad one refused naming it and its place; refused on a loopback host (which answers loopback names only); and
 * an API beyond loopback without it, which answers any Host, is a warning from validate and at start.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configNotes, logConfigNotes } from '../../src/config/config-notes.js';
import { configSchema } from '../../src/config/schema.js';
import { accepted, issuesOf } from '../helpers/config-issues.js';
import { logLines } from '../helpers/log-lines.js';

const BASE =
  'sources:\n  - { name: plc, type: modbus_tcp, host: 127.0.0.1, asset: a, registers: [{ channel: x, address: 0, type: uint16 }] }\nassets: []\n';
const READ = 'read_token: read-token-0123456789';
const SHAPE =
  "is not a host name or address with an optional port, as a client's Host header names the gateway " +
  '(gateway.plant.local, 10.0.0.5, 10.0.0.5:8080, [fd00::5]:8080): no scheme, path or wildcard';

const ANY_HOST = (reads: string) =>
  "warning: http.host: 0.0.0.0 answers requests under any Host header: a web page opened on the plant network can point its own name at this gateway's address (DNS rebinding) and read /healthz, /readyz and /metrics" +
  `${reads}; set http.allowed_hosts to the names and addresses clients reach the API by (loopback names are always answered)`;

describe('http.allowed_hosts', () => {
  it('takes names and addresses, with or without a port', async () => {
    const hosts = ['gateway.plant.local', '10.0.0.5:8080', '[fd00::5]:8080', 'fd00::7', 'gw'];
    const config = await accepted(`http: { host: 0.0.0.0, ${READ}, allowed_hosts: ${JSON.stringify(hosts)} }\n${BASE}`);
    expect(config.http.allowed_hosts).toEqual(hosts);
  });

  it('refuses an entry that is not host[:port], naming it and its place', async () => {
    // A control character is written escaped (the message reaches a terminal).
    const bad = [
      'http://gw',
      'gw/metrics',
      '*.plant.local',
      'gw:99999',
      'user@gw',
      '',
      'fd00::5:8080:x',
      '[fd00::5',
      'gw\u001b[2J',
    ];
    const issues = await issuesOf(
      `http: { host: 0.0.0.0, ${READ}, allowed_hosts: ${JSON.stringify(['gw', ...bad])} }\n${BASE}`,
    );
    expect(issues).toEqual(bad.map((entry, i) => `http.allowed_hosts[${i + 1}]: ${JSON.stringify(entry)} ${SHAPE}`));
    expect(issues.at(-1)).toContain('"gw\\u001b[2J"');
  });

  it('is refused on a loopback host, which answers loopback names only', async () => {
    expect(await issuesOf(`http: { host: 127.0.0.1, allowed_hosts: [gw] }\n${BASE}`)).toEqual([
      'http.allowed_hosts: the API listens on loopback (127.0.0.1) and answers loopback names only (localhost, ' +
        '127.0.0.1, [::1]); allowed_hosts names the Host values a host beyond loopback answers: remove it',
    ]);
  });
});

describe('an API beyond loopback without http.allowed_hosts', () => {
  const notes = (http: string) =>
    configNotes(configSchema.parse(parse(`http: ${http}\n${BASE}`)))
      .map((n) => `${n.level}: ${n.text}`)
      .filter((n) => n.includes('http.'));

  it('is a warning naming the risk and the key, public_reads named where it is set', () => {
    expect(notes(`{ host: 0.0.0.0, ${READ} }`)).toEqual([ANY_HOST('')]);
    expect(notes('{ host: 0.0.0.0, public_reads: true }')).toEqual([ANY_HOST(' and, with public_reads, /api/')]);
  });

  it('is not one with allowed_hosts, on loopback, or with the API off', () => {
    expect(notes(`{ host: 0.0.0.0, ${READ}, allowed_hosts: [gw] }`)).toEqual([]);
    expect(notes('{ host: 127.0.0.1 }')).toEqual([]);
    expect(notes('{ host: 0.0.0.0, enabled: false }')).toEqual([]);
  });

  it('is logged as a warning at start', () => {
    const { logger, lines } = logLines();
    logConfigNotes(configSchema.parse(parse(`http: { host: 0.0.0.0, ${READ} }\n${BASE}`)), logger);
    expect(lines.filter((l) => l.msg.includes('http.')).map((l) => [l.level, l.component, l.msg])).toEqual([
      [40, 'config', ANY_HOST('').slice('warning: '.length)],
    ]);
  });
});
