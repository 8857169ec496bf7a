/**
 * What `linewatch validate` says of a configuration's MQTT version where the file leaves it to the default: cloud sync
 * and release notices connect with MQTT 5 unless `cloud.mqtt.protocol_version` says 4 (before, they spoke 3.1.1), so
 * an upgraded gateway whose broker lacks MQTT 5 would be refused. A notice, not a problem: the configuration is valid.
 * Pure: it reads the file's own keys (the schema's output has the default filled in).
 */
import { parseDocument } from 'yaml';

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The notes for `text`, a configuration the loader took: one where cloud.mqtt has no protocol_version. */
export function mqttVersionNotes(text: string): string[] {
  const tree: unknown = parseDocument(text, { logLevel: 'silent' }).toJS();
  const mqtt = isMapping(tree) && isMapping(tree.cloud) ? tree.cloud.mqtt : undefined;
  if (!isMapping(mqtt) || 'protocol_version' in mqtt) return [];
  return [
    'note: cloud.mqtt.protocol_version is not set, so cloud sync and release notices connect with MQTT 5, the ' +
      'default since this release (before, MQTT 3.1.1); a broker without MQTT 5 refuses them. Set ' +
      'cloud.mqtt.protocol_version: 4 to keep MQTT 3.1.1 (or 5 to say it and end this note)',
  ];
}
