/** The starter configuration `linewatch init` writes (pure; test/cli/conventions.e2e.test.ts runs init, validate). */
import { describe, expect, it } from 'vitest';
import { STARTER_PROTOCOLS, starterConfig } from '../../src/cli/starter-config.js';
import { SOURCE_TYPES } from '../../src/registry/components.js';

describe('linewatch init: the starter configuration', () => {
  // Regression: the comment said "or modbus_rtu, opcua", leaving out modbus_rtu_tcp and mqtt.
  it.each(STARTER_PROTOCOLS)("%s: names every source type the gateway has beside the source's type", (protocol) => {
    const comment = /^ {4}type: (\w+) +# or ([^(\n]+)/m.exec(starterConfig(protocol));
    const named = [comment?.[1], ...(comment?.[2].split(',').map((t) => t.trim()) ?? [])];
    expect(named.sort()).toEqual(SOURCE_TYPES.map((t) => t.type).sort());
  });
});
