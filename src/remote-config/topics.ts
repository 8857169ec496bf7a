/** The topics configurations come on: `<prefix>/<gateway name>/config` for one gateway, `<prefix>/config` for all. */
import { FLEET_TARGET } from './message.js';

/** The topic a message for `target` (a gateway's name, or FLEET_TARGET) is published on. */
export function configTopic(prefix: string, target: string): string {
  return target === FLEET_TARGET ? `${prefix}/config` : `${prefix}/${target}/config`;
}

/** The topics a gateway named `gateway` takes configurations from. */
export function configTopics(prefix: string, gateway: string): [string, string] {
  return [configTopic(prefix, gateway), configTopic(prefix, FLEET_TARGET)];
}
