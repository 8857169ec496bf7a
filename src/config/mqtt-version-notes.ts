/**
 * What `linewatch validate` says of a configuration's MQTT versions where the file leaves one to the default: cloud
 * sync and release notices (`cloud.mqtt`), each MQTT source (`sources[i]`) and each `mqtt_publish` action
 * (`assets[i].alarm.actions[j]`, `assets[i].part_actions[j]`) connect with MQTT 5 unless their `protocol_version` says
 * 4 (before, they spoke 3.1.1), so an upgraded gateway whose broker lacks MQTT 5 would be refused. Notices, not
 * problems: the configuration is valid. Pure: it reads the file's own keys (the schema's output has the default filled
 * in).
 */
import { parseDocument } from 'yaml';

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const listAt = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The note for the client(s) at `path` (`who` connect(s) with MQTT 5; a broker without it refuses `them`). */
function note(path: string, who: string, them: string): string {
  return (
    `note: ${path}.protocol_version is not set, so ${who} with MQTT 5, the default since this release (before, MQTT ` +
    `3.1.1); a broker without MQTT 5 refuses ${them}. Set ${path}.protocol_version: 4 to keep MQTT 3.1.1 (or 5 to ` +
    'say it and end this note)'
  );
}

/** `entry` is a client of `type` that leaves protocol_version to the default. */
const leftToDefault = (entry: unknown, type: string): entry is Record<string, unknown> =>
  isMapping(entry) && entry.type === type && !('protocol_version' in entry);

/**
 * The notes for `text`, a configuration the loader took: one for cloud.mqtt, each MQTT source and each mqtt_publish
 * action that has no protocol_version, in that order.
 */
export function mqttVersionNotes(text: string): string[] {
  const tree: unknown = parseDocument(text, { logLevel: 'silent' }).toJS();
  if (!isMapping(tree)) return [];
  const notes: string[] = [];
  const mqtt = isMapping(tree.cloud) ? tree.cloud.mqtt : undefined;
  if (isMapping(mqtt) && !('protocol_version' in mqtt))
    notes.push(note('cloud.mqtt', 'cloud sync and release notices connect', 'them'));
  listAt(tree.sources).forEach((s, i) => {
    if (leftToDefault(s, 'mqtt')) notes.push(note(`sources[${i}]`, `the MQTT source ${String(s.name)} connects`, 'it'));
  });
  listAt(tree.assets).forEach((asset, ai) => {
    if (!isMapping(asset)) return;
    const actions = [
      ...listAt(isMapping(asset.alarm) ? asset.alarm.actions : undefined).map((a, j) => [`alarm.actions[${j}]`, a]),
      ...listAt(asset.part_actions).map((a, j) => [`part_actions[${j}]`, a]),
    ] as const;
    for (const [at, action] of actions)
      if (leftToDefault(action, 'mqtt_publish')) {
        const who =
          typeof action.name === 'string' ? `the mqtt_publish action ${action.name}` : 'this mqtt_publish action';
        notes.push(note(`assets[${ai}].${at}`, `${who} connects`, 'it'));
      }
  });
  return notes;
}
