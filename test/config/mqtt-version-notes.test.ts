/**
 * mqttVersionNotes: validate's notices where cloud.mqtt, an MQTT source or an mqtt_publish action leaves
 * protocol_version to the MQTT 5 default, one each, naming its config path.
 */
import { describe, expect, it } from 'vitest';
import { mqttVersionNotes } from '../../src/config/mqtt-version-notes.js';

const NOTE =
  'note: cloud.mqtt.protocol_version is not set, so cloud sync and release notices connect with MQTT 5, the default ' +
  'since this release (before, MQTT 3.1.1); a broker without MQTT 5 refuses them. Set cloud.mqtt.protocol_version: 4 ' +
  'to keep MQTT 3.1.1 (or 5 to say it and end this note)';

/** The note of one client at `path`: `who` connects with MQTT 5. */
const noteOf = (path: string, who: string) =>
  `note: ${path}.protocol_version is not set, so ${who} connects with MQTT 5, the default since this release ` +
  `(before, MQTT 3.1.1); a broker without MQTT 5 refuses it. Set ${path}.protocol_version: 4 to keep MQTT 3.1.1 (or 5 ` +
  'to say it and end this note)';

const SOURCES = `sources:
  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840" }
  - { name: hub, type: mqtt, url: "mqtt://hub:1883" }
  - { name: hub4, type: mqtt, url: "mqtt://old:1883", protocol_version: 4 }
  - { name: hub5, type: mqtt, url: "mqtt://new:1883", protocol_version: 5 }
  - { name: edge, type: mqtt, url: "mqtt://edge:1883" }
`;

const ASSETS = `assets:
  - name: pump-1
    alarm:
      actions:
        - { type: webhook, url: "http://x" }
        - { type: mqtt_publish, url: "mqtt://b:1883" }
  - name: press-1
    alarm:
      actions:
        - { type: mqtt_publish, url: "mqtt://b:1883", protocol_version: 4 }
        - { type: mqtt_publish, name: horn, url: "mqtt://b:1883" }
    part_actions:
      - { type: mqtt_publish, url: "mqtt://b:1883" }
      - { type: mqtt_publish, url: "mqtt://b:1883", protocol_version: 5 }
`;

describe('mqttVersionNotes', () => {
  it.each([
    ['cloud.mqtt without protocol_version', 'cloud:\n  mqtt:\n    url: mqtt://b:1883\n', [NOTE]],
    ['protocol_version 4', 'cloud:\n  mqtt: { url: "mqtt://b:1883", protocol_version: 4 }\n', []],
    ['protocol_version 5', 'cloud:\n  mqtt: { url: "mqtt://b:1883", protocol_version: 5 }\n', []],
    ['no cloud', 'sources: []\n', []],
    ['cloud without mqtt', 'cloud:\n  model_updates: { public_key_file: k.pem, mqtt: false }\n', []],
    ['an empty file', '', []],
    [
      'MQTT sources: one note for each without protocol_version, none for other types',
      SOURCES,
      [noteOf('sources[1]', 'the MQTT source hub'), noteOf('sources[4]', 'the MQTT source edge')],
    ],
    [
      'mqtt_publish actions, alarm and part actions: one note for each without protocol_version',
      ASSETS,
      [
        noteOf('assets[0].alarm.actions[1]', 'this mqtt_publish action'),
        noteOf('assets[1].alarm.actions[1]', 'the mqtt_publish action horn'),
        noteOf('assets[1].part_actions[0]', 'this mqtt_publish action'),
      ],
    ],
    [
      "all three kinds: cloud.mqtt, then the sources, then each asset's actions",
      `cloud:\n  mqtt: { url: "mqtt://c:1883" }\n${ASSETS}${SOURCES}`,
      [
        NOTE,
        noteOf('sources[1]', 'the MQTT source hub'),
        noteOf('sources[4]', 'the MQTT source edge'),
        noteOf('assets[0].alarm.actions[1]', 'this mqtt_publish action'),
        noteOf('assets[1].alarm.actions[1]', 'the mqtt_publish action horn'),
        noteOf('assets[1].part_actions[0]', 'this mqtt_publish action'),
      ],
    ],
    [
      'assets without alarm or actions',
      'assets:\n  - { name: pump-1, model: m }\n  - name: press-1\n    alarm: {}\n',
      [],
    ],
  ])('%s', (_, text, notes) => {
    expect(mqttVersionNotes(text)).toEqual(notes);
  });
});
