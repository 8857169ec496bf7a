/** Shared data types that flow through the pipeline: sources → windows → models → alarms → sinks. No I/O here. */

/** Quality of one reading, mapped from the protocol's status (OPC UA status codes, Modbus errors). */
export type Quality = 'good' | 'uncertain' | 'bad';

/** One decoded reading of one tag. `ts` is milliseconds since the Unix epoch. */
export interface Sample {
  readonly source: string;
  readonly asset: string;
  readonly channel: string;
  readonly ts: number;
  readonly value: number;
  readonly quality: Quality;
  readonly unit?: string;
}

/** A fixed-length block of aligned rows for one asset: `data[t * channels.length + c]`. */
export interface Window {
  readonly asset: string;
  readonly channels: readonly string[];
  readonly length: number;
  readonly start: number;
  readonly end: number;
  readonly data: Float32Array;
  readonly partId?: string;
}

export interface ChannelContribution {
  readonly channel: string;
  /** Share of the window's reconstruction error caused by this channel, 0..1. */
  readonly share: number;
}

/** The verdict of a model on one window. */
export interface ScoreResult {
  readonly asset: string;
  readonly model: string;
  readonly modelVersion: string;
  /** Time of the last sample in the window: the verdict uses no data after it. */
  readonly ts: number;
  readonly score: number;
  readonly threshold: number;
  readonly anomalous: boolean;
  /** All channels, largest share first. */
  readonly contributions: readonly ChannelContribution[];
  readonly partId?: string;
}

export type AlarmState = 'active' | 'cleared';

/** A transition of an asset's anomaly alarm. */
export interface AlarmEvent {
  readonly asset: string;
  readonly alarm: string;
  readonly state: AlarmState;
  readonly ts: number;
  readonly score: number;
  readonly threshold: number;
  readonly topChannels: readonly string[];
  readonly message: string;
}
