import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ListenError } from '../../src/core/errors.js';
import { checkInputPaths, choiceFlag, numberFlag, portFlag, portTakenHint, UsageError } from '../../src/cli/usage.js';

describe('portFlag', () => {
  it.each([
    ['0', 0],
    ['8080', 8080],
    ['65535', 65535],
  ])('accepts %s', (value, port) => expect(portFlag('http-port', value)).toBe(port));

  it.each(['abc', '', '-1', '65536', '80.5'])('refuses %j naming the flag', (value) => {
    expect(() => portFlag('http-port', value)).toThrow(
      new UsageError(`--http-port ${value}: expected a port number from 0 to 65535`),
    );
  });
});

describe('portTakenHint', () => {
  const taken = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:5020'), {
    code: 'EADDRINUSE',
  });

  it('names the flag that gave the taken port, and how to pick another', () => {
    expect(portTakenHint(taken, { 'http-port': 8081, 'modbus-port': 5020 })).toEqual(
      new UsageError(
        '--modbus-port 5020: another program listens on port 5020 already; pick another with --modbus-port (0: any free port)',
      ),
    );
    // The daemon's own message, from a config key the demo's user never wrote.
    const daemon = new ListenError(8080, 'EADDRINUSE', 'http.port 8080 (demo.yaml): another program listens on …');
    expect((portTakenHint(daemon, { 'http-port': 8080 }) as Error).message).toBe(
      '--http-port 8080: another program listens on port 8080 already; pick another with --http-port (0: any free port)',
    );
  });

  it('leaves other errors, and ports no flag gave, as they are', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:5020');
    expect(portTakenHint(refused, { 'modbus-port': 5020 })).toBe(refused);
    expect(portTakenHint(taken, { 'http-port': 8080 })).toBe(taken);
    const denied = new ListenError(80, 'EACCES', 'http.port 80 (demo.yaml): cannot listen on 127.0.0.1:80: EACCES');
    expect(portTakenHint(denied, { 'http-port': 80 })).toBe(denied);
  });
});

describe('numberFlag', () => {
  it('accepts a number from the minimum', () => expect(numberFlag('duration-s', '2.5')).toBe(2.5));
  it.each(['soon', '', '-1', 'Infinity'])('refuses %j naming the flag', (value) => {
    expect(() => numberFlag('duration-s', value)).toThrow(
      new UsageError(`--duration-s ${value}: expected a number from 0`),
    );
  });
});

describe('checkInputPaths', () => {
  const command = (args: string[]) => {
    const cmd = new Command('verify').option('--model <dir>').option('--public-key <file>').exitOverride();
    cmd.parse(args, { from: 'user' });
    return cmd;
  };

  it('passes paths that exist, leaving them as typed', () => {
    const cmd = command(['--model', 'models/pump-ae', '--public-key', 'package.json']);
    expect(checkInputPaths(cmd)).toBeUndefined();
    expect(cmd.opts()).toEqual({ model: 'models/pump-ae', publicKey: 'package.json' });
  });

  it('names the first flag whose path is missing, spelt as typed', () => {
    expect(() => checkInputPaths(command(['--model', 'models/pump-ae', '--public-key', 'nope.pem']))).toThrow(
      new UsageError('--public-key nope.pem: no such file or folder'),
    );
  });
});

describe('choiceFlag', () => {
  const PRECISIONS = ['int8', 'fp32', 'both'] as const;

  it('takes a value among the choices', () => {
    expect(choiceFlag('precision', 'fp32', PRECISIONS)).toBe('fp32');
  });

  it.each([
    // One letter of four: offered (nearestName's rule); int8 is the nearest precision there is.
    ['int4', '--precision int4: expected one of int8, fp32, both; did you mean int8?'],
    ['FP32', '--precision FP32: expected one of int8, fp32, both; did you mean fp32?'],
    ['bothh', '--precision bothh: expected one of int8, fp32, both; did you mean both?'],
    ['fp', '--precision fp: expected one of int8, fp32, both'],
  ])('refuses %j with the choices and the one it likely misspells', (value, message) => {
    expect(() => choiceFlag('precision', value, PRECISIONS)).toThrow(new UsageError(message));
  });
});
