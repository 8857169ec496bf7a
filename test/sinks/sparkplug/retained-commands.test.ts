/** Which refused packets the node clears at its next connection: retained ones on its own command topics only. */
import { describe, expect, it } from 'vitest';
import { clearCommand, RetainedCommands } from '../../../src/sinks/sparkplug/retained-commands.js';

const id = { group: 'g', node: 'n' };
const refusedOn = (topic: string, retained = true) => ({
  type: 'publish',
  bytes: 70_000,
  topic,
  ...(retained ? { retained: true as const } : {}),
});

describe('RetainedCommands', () => {
  it.each([
    ['a publish not retained (sent live: it does not come back)', refusedOn('spBv1.0/g/NCMD/n', false)],
    ["another node's NCMD", refusedOn('spBv1.0/g/NCMD/other')],
    ["another group's NCMD", refusedOn('spBv1.0/h/NCMD/n')],
    ['a topic under a device (not a DCMD of the node)', refusedOn('spBv1.0/g/DCMD/n/press/x')],
    ['a DCMD with no device', refusedOn('spBv1.0/g/DCMD/n/')],
    ['a packet that is no publish', { type: 'suback', bytes: 70_000 }],
  ])('leaves %s alone', (_what, packet) => {
    const retained = new RetainedCommands(id);
    expect(retained.refused(packet)).toBeUndefined();
    expect(retained.take()).toEqual([]);
  });

  it("clears a retained NCMD or DCMD of the node's once; says when one comes back after it was cleared", () => {
    const retained = new RetainedCommands(id);
    expect(retained.refused(refusedOn('spBv1.0/g/NCMD/n'))).toEqual({
      clear: 'spBv1.0/g/NCMD/n',
      clearedBefore: false,
    });
    expect(retained.refused(refusedOn('spBv1.0/g/DCMD/n/press-1'))).toEqual({
      clear: 'spBv1.0/g/DCMD/n/press-1',
      clearedBefore: false,
    });
    expect(retained.take()).toEqual(['spBv1.0/g/NCMD/n', 'spBv1.0/g/DCMD/n/press-1']);
    expect(retained.take()).toEqual([]);
    expect(retained.refused(refusedOn('spBv1.0/g/NCMD/n'))).toEqual({ clear: 'spBv1.0/g/NCMD/n', clearedBefore: true });
    expect(retained.take()).toEqual(['spBv1.0/g/NCMD/n']);
  });

  it('keeps at most 64 topics to clear, however many devices the broker names', () => {
    const retained = new RetainedCommands(id);
    for (let i = 0; i < 100; i++) retained.refused(refusedOn(`spBv1.0/g/DCMD/n/d${i}`));
    expect(retained.take()).toHaveLength(64);
  });

  it('gives the command that clears a topic as one shell word; a topic too long for a line is not written out', () => {
    expect(clearCommand('spBv1.0/g/DCMD/n/press 1')).toBe("mosquitto_pub -r -n -t 'spBv1.0/g/DCMD/n/press 1'");
    const long = `spBv1.0/g/DCMD/n/${'d'.repeat(65_000)}`;
    expect(clearCommand(long)).toBe(`mosquitto_pub -r -n -t <the topic, ${long.length} characters>`);
  });
});
