/** Where a linewatch-model node finds its model, and what it says when its path names nothing. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeModelPath } from '../../src/node-red/model-config-node.js';
import { ROOT } from '../helpers/cli.js';
import { helper, nextError, nodes } from './helper.js';

afterEach(() => helper.unload());

describe('nodeModelPath', () => {
  it('reads a bare shipped name as the daemon does, and the package path as the example flows write it', () => {
    const userDir = mkdtempSync(join(tmpdir(), 'lw-nr-user-'));
    expect(nodeModelPath('pump-ae', userDir)).toBe(join(ROOT, 'models/pump-ae'));
    expect(nodeModelPath('models/pump-ae', userDir)).toBe(join(ROOT, 'models/pump-ae'));
  });

  it("looks in the user directory first: the user's own folder of a shipped model's name wins", () => {
    const userDir = mkdtempSync(join(tmpdir(), 'lw-nr-user-'));
    mkdirSync(join(userDir, 'pump-ae'));
    mkdirSync(join(userDir, 'models/pump-ae'), { recursive: true });
    expect(nodeModelPath('pump-ae', userDir)).toBe(join(userDir, 'pump-ae'));
    expect(nodeModelPath('models/pump-ae', userDir)).toBe(join(userDir, 'models/pump-ae'));
    expect(nodeModelPath('/abs/model', userDir)).toBe('/abs/model');
  });
});

describe('a model node whose path names nothing', () => {
  const flow = (path: string) => [
    { id: 'm', type: 'linewatch-model', path, providers: 'cpu' },
    { id: 's', type: 'linewatch-score', model: 'm', wires: [[]] },
  ];
  const window = { asset: 'p', channels: ['a'], length: 1, start: 0, end: 1, data: [0] };

  it('names the shipped model it likely misspells, written as the flow wrote it', async () => {
    await helper.load([nodes.model, nodes.score], flow('models/pump-hybird'));
    const s = helper.getNode('s')!;
    const error = nextError(s);
    s.receive({ payload: window });
    expect(await error).toMatch(/pump-hybird.*did you mean models\/pump-hybrid\?/);
  });

  it('names the shipped model a bare name likely misspells', async () => {
    await helper.load([nodes.model, nodes.score], flow('pump-hybird'));
    const s = helper.getNode('s')!;
    const error = nextError(s);
    s.receive({ payload: window });
    expect(await error).toMatch(/nor a shipped model \(.*pump-hybrid.*\): did you mean pump-hybrid\?/);
  });
});
