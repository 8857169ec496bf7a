/**
 * node-red-contrib-opcua names a node with its type appended (`ns=3;s=Counter;datatype=Int32`, the inject topics of its
 * examples and its OpcUa-Item node's topic). The schema takes that whole text as a string identifier, which the
 * server does not have: every read answers BadNodeIdUnknown, found only once connected. This finds such node ids in
 * the OPC UA sources and the opcua_write actions, naming the id to write. Pure.
 */
import type { Config } from './schema.js';

/** `;datatype=<name>` at the end, as node-red-contrib-opcua writes it (any case, its type names or OPC UA's). */
const DATATYPE_SUFFIX = /;datatype=([A-Za-z][A-Za-z0-9]*)$/i;

/** The issue for one node id (its path in the configuration), or undefined where it carries no such suffix. */
export function nodeRedNodeIdIssue(nodeId: string, where: string): string | undefined {
  const suffix = DATATYPE_SUFFIX.exec(nodeId);
  if (!suffix) return undefined;
  const id = nodeId.slice(0, suffix.index);
  return `${where}: ${JSON.stringify(nodeId)} ends with node-red-contrib-opcua's ";datatype=${suffix[1]}", which is no part of the node id (the server would answer BadNodeIdUnknown): write ${JSON.stringify(id)}; the value's type comes from the server`;
}

/** Each node id of the configuration that carries node-red-contrib-opcua's datatype suffix, with its path. */
export function nodeRedNodeIdIssues(config: Pick<Config, 'sources' | 'assets'>): string[] {
  const issues: Array<string | undefined> = [];
  for (const [si, source] of config.sources.entries())
    if (source.type === 'opcua')
      for (const [ni, node] of source.nodes.entries())
        if (node.node_id !== undefined)
          issues.push(nodeRedNodeIdIssue(node.node_id, `sources[${si}].nodes[${ni}].node_id`));
  for (const [ai, asset] of config.assets.entries()) {
    const actions = [
      ...asset.alarm.actions.map((a, i) => [`assets[${ai}].alarm.actions[${i}]`, a] as const),
      ...asset.part_actions.map((a, i) => [`assets[${ai}].part_actions[${i}]`, a] as const),
    ];
    for (const [where, action] of actions)
      if (action.type === 'opcua_write') issues.push(nodeRedNodeIdIssue(action.node_id, `${where}.node_id`));
  }
  return issues.filter((issue): issue is string => issue !== undefined);
}
