/**
 * Sparkplug B topics and payloads (Eclipse Sparkplug 3.0), encoded and decoded by Eclipse Tahu's sparkplug-payload (the
 * encoder host applications use; docs/dependencies.md), never by hand.
 */
import sparkplugPayload from 'sparkplug-payload';
import type { MetricValue } from './device-metrics.js';

const codec = sparkplugPayload.get('spBv1.0')!;

export const NAMESPACE = 'spBv1.0';
/** The node control metric a host application writes true to ask for a new NBIRTH and DBIRTHs. */
export const REBIRTH_METRIC = 'Node Control/Rebirth';

export type NodeMessage = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessage = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

export interface EdgeNodeId {
  readonly group: string;
  readonly node: string;
}

export function nodeTopic(id: EdgeNodeId, type: NodeMessage): string {
  return `${NAMESPACE}/${id.group}/${type}/${id.node}`;
}

export function deviceTopic(id: EdgeNodeId, type: DeviceMessage, device: string): string {
  return `${NAMESPACE}/${id.group}/${type}/${id.node}/${device}`;
}

/** Whether `topic` is one of the node's command topics: its NCMD, or a DCMD of one of its devices (one level). */
export function isCommandTopic(id: EdgeNodeId, topic: string): boolean {
  if (topic === nodeTopic(id, 'NCMD')) return true;
  const dcmd = deviceTopic(id, 'DCMD', '');
  return topic.startsWith(dcmd) && topic.length > dcmd.length && !topic.includes('/', dcmd.length);
}

/** NDEATH (the will, and a clean stop's): bdSeq only, no seq (Sparkplug 3.0 §6.4.8). */
export function deathPayload(bdSeq: number, now: number): Buffer {
  return Buffer.from(
    codec.encodePayload({ timestamp: now, metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] }),
  );
}

/** NBIRTH: the connection's bdSeq and the Rebirth control, seq 0. */
export function nodeBirthPayload(bdSeq: number, now: number): Buffer {
  return Buffer.from(
    codec.encodePayload({
      timestamp: now,
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: bdSeq, timestamp: now },
        { name: REBIRTH_METRIC, type: 'Boolean', value: false, timestamp: now },
      ],
    }),
  );
}

/** DBIRTH, DDATA or DDEATH of a device. */
export function devicePayload(seq: number, now: number, metrics: readonly MetricValue[]): Buffer {
  return Buffer.from(
    codec.encodePayload({
      timestamp: now,
      seq,
      metrics: metrics.map((m) => ({ name: m.name, type: m.type, value: m.value, timestamp: m.timestamp })),
    }),
  );
}

/** A command's metrics as name and value; throws where the payload is no Sparkplug B payload. */
export function commandMetrics(payload: Uint8Array): { readonly name: string; readonly value: unknown }[] {
  return (codec.decodePayload(payload).metrics ?? []).map((m) => ({
    name: m.name ?? `alias ${String(m.alias)}`,
    value: m.value,
  }));
}
