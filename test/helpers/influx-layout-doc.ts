/**
 * docs/influxdb.md's reference of what the gateway writes, read as a test checks it: per measurement (a `### `name``
 * heading), its tags and fields with their types (the table rows `| `key` | tag/field | type | … |`) and its example
 * InfluxQL queries (```sql blocks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface DocumentedMeasurement {
  readonly name: string;
  readonly tags: readonly string[];
  /** Field key (`c_<channel>` stands for every `c_` field) → InfluxDB's type (float, integer, string, boolean). */
  readonly fields: ReadonlyMap<string, string>;
  readonly queries: readonly string[];
}

export function documentedMeasurements(): DocumentedMeasurement[] {
  const text = readFileSync(join(ROOT, 'docs/influxdb.md'), 'utf8');
  return text
    .split(/^### /m)
    .slice(1)
    .flatMap((section) => {
      const name = /^`(linewatch_\w+)`/.exec(section)?.[1];
      if (!name) return [];
      const rows = [...section.matchAll(/^\| `([^`]+)` \| (tag|field) \| (\w+) \|/gm)];
      return [
        {
          name,
          tags: rows.filter((r) => r[2] === 'tag').map((r) => r[1]),
          fields: new Map(rows.filter((r) => r[2] === 'field').map((r) => [r[1], r[3]])),
          queries: [...section.matchAll(/^```sql\n([^`]+?)\n```/gm)].map((m) => m[1]),
        },
      ];
    });
}
