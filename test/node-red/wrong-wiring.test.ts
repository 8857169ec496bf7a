/**
 * Messages wired into the wrong node, as a newcomer wires a flow (walk w1): each refusal says what the node got and
 * what to wire in, not the first field the payload lacks.
 */
import { describe, expect, it } from 'vitest';
import { parseRegisterFields, samplesFromMessage } from '../../src/node-red/message-samples.js';
import { windowFromPayload } from '../../src/node-red/score-node.js';

const channels = ['flow', 'pressure'];

describe('a score node fed what is no window', () => {
  it('names a Modbus read wired straight in as the array it is', () => {
    // Before: "msg.payload.asset: expected the asset name".
    expect(() => windowFromPayload(new Array(16).fill(0), channels, 4)).toThrow(
      'msg.payload: expected a window {asset, channels, length, start, end, data} from linewatch-window, got an array of 16 (wire samples into a linewatch-window node first)',
    );
  });

  it('names the keys of a sample object wired straight in', () => {
    expect(() => windowFromPayload({ flow: 1.5, pressure: 3 }, channels, 4)).toThrow(
      'msg.payload: expected a window {asset, channels, length, start, end, data} from linewatch-window, got an object with keys flow, pressure',
    );
  });

  it('still names the field a window-shaped payload lacks', () => {
    expect(() => windowFromPayload({ channels, length: 4, data: [] }, channels, 4)).toThrow(
      'msg.payload.asset: expected the asset name',
    );
  });
});

describe('a window node left on object input fed Modbus registers', () => {
  it('says to set Input to the registers array', () => {
    const format = { format: 'object' as const, asset: 'pump-1' };
    expect(() => samplesFromMessage({ payload: [1, 2, 3] }, format, 0)).toThrow(
      'msg.payload: expected an object of channel values like {"flow": 12.5}, got an array of 3 (registers from a Modbus read: set Input to "Modbus registers array" and list them)',
    );
    // The same array decodes once the node is set to it.
    const registers = {
      format: 'registers' as const,
      asset: 'pump-1',
      registers: parseRegisterFields('flow 0 uint16'),
    };
    expect(samplesFromMessage({ payload: [7] }, registers, 0).map((s) => [s.channel, s.value])).toEqual([['flow', 7]]);
  });
});
