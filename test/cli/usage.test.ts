import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { checkInputPaths, numberFlag, portFlag, UsageError } from '../../src/cli/usage.js';

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

  it('passes paths that exist', () => {
    expect(() => checkInputPaths(command(['--model', 'models/pump-ae', '--public-key', 'package.json']))).not.toThrow();
  });

  it('names the first flag whose path is missing, spelt as typed', () => {
    expect(() => checkInputPaths(command(['--model', 'models/pump-ae', '--public-key', 'nope.pem']))).toThrow(
      new UsageError('--public-key nope.pem: no such file or folder'),
    );
  });
});
