/** mqttVersionNotes: validate's notice where cloud.mqtt leaves protocol_version to the MQTT 5 default. */
import { describe, expect, it } from 'vitest';
import { mqttVersionNotes } from '../../src/config/mqtt-version-notes.js';

const NOTE =
  'note: cloud.mqtt.protocol_version is not set, so cloud sync and release notices connect with MQTT 5, the default ' +
  'since this release (before, MQTT 3.1.1); a broker without MQTT 5 refuses them. Set cloud.mqtt.protocol_version: 4 ' +
  'to keep MQTT 3.1.1 (or 5 to say it and end this note)';

describe('mqttVersionNotes', () => {
  it.each([
    ['cloud.mqtt without protocol_version', 'cloud:\n  mqtt:\n    url: mqtt://b:1883\n', [NOTE]],
    ['protocol_version 4', 'cloud:\n  mqtt: { url: "mqtt://b:1883", protocol_version: 4 }\n', []],
    ['protocol_version 5', 'cloud:\n  mqtt: { url: "mqtt://b:1883", protocol_version: 5 }\n', []],
    ['no cloud', 'sources: []\n', []],
    ['cloud without mqtt', 'cloud:\n  model_updates: { public_key_file: k.pem, mqtt: false }\n', []],
    ['an empty file', '', []],
  ])('%s', (_, text, notes) => {
    expect(mqttVersionNotes(text)).toEqual(notes);
  });
});
