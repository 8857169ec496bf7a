/** The starter configuration `linewatch init` writes (pure; test/cli/conventions.e2e.test.ts runs init, validate). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTER_PROTOCOLS, starterConfig } from '../../src/cli/starter-config.js';
import { parseConfig } from '../../src/config/load.js';
import { SOURCE_TYPES } from '../../src/registry/components.js';

describe('linewatch init: the starter configuration', () => {
  // Regression: the comment said "or modbus_rtu, opcua", leaving out modbus_rtu_tcp and mqtt.
  it.each(STARTER_PROTOCOLS)("%s: names every source type the gateway has beside the source's type", (protocol) => {
    const comment = /^ {4}type: (\w+) +# or ([^(\n]+)/m.exec(starterConfig(protocol));
    const named = [comment?.[1], ...(comment?.[2].split(',').map((t) => t.trim()) ?? [])];
    expect(named.sort()).toEqual(SOURCE_TYPES.map((t) => t.type).sort());
  });

  // What its comment promises a newcomer whose machine no shipped model fits: record first, train after.
  it.each(STARTER_PROTOCOLS)(
    '%s: without its assets section it is valid and records the pump-1 channels',
    async (p) => {
      const text = starterConfig(p);
      const withoutAssets = text.slice(0, text.indexOf('\nassets:\n') + 1) + text.slice(text.indexOf('storage:\n'));
      const { config } = await parseConfig(withoutAssets, join(tmpdir(), 'linewatch.yaml'), {});
      expect(config.assets).toEqual([]);
      expect(config.sources.map((s) => [s.name, s.asset])).toEqual([['pump-plc', 'pump-1']]);
      expect(config.storage.local?.write_raw_samples).toBe(true);
    },
  );

  // Regression: the starter set storage.local.path to ./data/gateway.db beside the file, so a starter mounted into the
  // container with data_dir: /data still wrote its store into /config, off the data volume.
  it.each(STARTER_PROTOCOLS)('%s: the local store follows data_dir', async (p) => {
    const text = starterConfig(p).replace('data_dir: ./data ', 'data_dir: /data ');
    const { config } = await parseConfig(text, join(tmpdir(), 'linewatch.yaml'), {});
    expect(config.storage.local?.path).toBe('/data/linewatch.db');
  });
});
