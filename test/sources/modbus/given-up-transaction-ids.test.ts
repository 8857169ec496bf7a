import { describe, expect, it } from 'vitest';
import { GivenUpTransactionIds } from '../../../src/sources/modbus/given-up-transaction-ids.js';

describe('GivenUpTransactionIds', () => {
  it('gives the port its next id where none was given up', () => {
    expect(new GivenUpTransactionIds(1000).usable(7, 0)).toBe(7);
  });

  it('skips ids given up within holdMs, counting round past 255', () => {
    const ids = new GivenUpTransactionIds(1000);
    ids.giveUp(255, 0);
    ids.giveUp(0, 10);
    expect(ids.usable(255, 500)).toBe(1);
    expect(ids.usable(254, 500)).toBe(254);
  });

  it('gives an id back holdMs after it was given up', () => {
    const ids = new GivenUpTransactionIds(1000);
    ids.giveUp(3, 0);
    expect(ids.usable(3, 999)).toBe(4);
    expect(ids.usable(3, 1000)).toBe(3);
  });

  it('gives the port its own id where every id was given up within holdMs', () => {
    const ids = new GivenUpTransactionIds(1000);
    for (let id = 0; id < 256; id++) ids.giveUp(id, 0);
    expect(ids.usable(9, 1)).toBe(9);
  });

  it('forgets every id at clear() (a new connection)', () => {
    const ids = new GivenUpTransactionIds(1000);
    ids.giveUp(3, 0);
    ids.clear();
    expect(ids.usable(3, 1)).toBe(3);
  });
});
