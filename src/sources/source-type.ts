/**
 * What a source type brings to the gateway (src/registry/ lists them): its configuration schema,
 * the checks the schema cannot make, what it feeds, how it is built, and a commented sample for
 * docs/configuration.md. A source type lives in its own folder; adding one is that folder and one
 * line in src/registry/components.ts.
 */
import type { z } from 'zod';
import type { Source } from '../core/components.js';
import type { ConfigPaths } from '../core/config-primitives.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';

/** One asset's channels a source delivers, and how often. */
export interface SourceFeed {
  readonly asset: string;
  readonly channels: readonly string[];
  /** How often the feed delivers its (fastest) samples. */
  readonly periodMs: number;
  /** The setting that sets that period, after `sources[i]`. */
  readonly periodKey: string;
  /** The setting that names the asset, after `sources[i]`: `.asset`, `.devices[j].asset`. */
  readonly assetKey: string;
  /**
   * Channels sent only when they change (held between messages), each with its setting after `sources[i]`: no row per
   * batch can be made of them (an asset's window align batch), only a time grid.
   */
  readonly onChange?: readonly { readonly channel: string; readonly key: string }[];
}

/** What a source is built with: a logger, the metrics, and where it is configured (`sources[i]`) for its messages. */
export interface SourceDeps extends ComponentDeps {
  readonly where: string;
}

export interface SourceCheckContext {
  /**
   * Claims an asset's channel for the tag configured at `where`; returns where it is already
   * read from when another tag claimed it first.
   */
  claim(asset: string, channel: string, where: string): string | undefined;
  /**
   * Claims for the source at `where` (`sources[i]`) a line that only one source may open (a serial port); returns the
   * source that claimed it first (`sources[j]`).
   */
  claimLine(line: string, where: string): string | undefined;
}

export interface SourceType<S extends z.ZodType<{ type: string; name: string }>> {
  /** The value of `type` that selects it. */
  readonly type: z.output<S>['type'];
  readonly schema: S;
  /** One commented YAML entry of `sources:` (validated by a test, shown in docs/configuration.md). */
  readonly sample: string;
  /** Alarm actions that write through a source name its protocol (modbus_write: 'modbus'). */
  readonly writeProtocol?: string;
  /** The `kind`s of linewatch_source_errors_total it counts: each is created at 0 when the gateway starts. */
  readonly errorKinds: readonly string[];
  feeds(config: z.output<S>): SourceFeed[];
  /** Channels that carry text (a Modbus `string` tag), not numbers. */
  textChannels?(config: z.output<S>): { asset: string; channel: string }[];
  /** The engineering unit of each channel that sets one (`unit:`), as its samples carry it. */
  channelUnits?(config: z.output<S>): { asset: string; channel: string; unit: string }[];
  /** Tags it reads (shown by `linewatch validate`). */
  tagCount(config: z.output<S>): number;
  /** Checks beyond the schema; each issue starts with its path (`where` is `sources[i]`). */
  check(config: z.output<S>, where: string, ctx: SourceCheckContext): string[];
  /**
   * What is valid but likely not meant (a Modbus address that looks like a Modicon reference), said by validate, a
   * start and run --once, never refused; each starts with its path (`where` is `sources[i]`).
   */
  warnings?(config: z.output<S>, where: string): string[];
  /** Makes its file paths absolute. */
  resolvePaths?(config: z.output<S>, paths: ConfigPaths): void;
  create(config: z.output<S>, deps: SourceDeps): Source;
}

/** The issue, if any, of a tag at `at` (`sources[i].nodes[j]`) claiming a channel another tag already reads. */
export function claimChannel(ctx: SourceCheckContext, asset: string, channel: string, at: string): string[] {
  const prior = ctx.claim(asset, channel, at);
  return prior ? [`${at}.channel: channel "${channel}" of asset "${asset}" is already read by ${prior}`] : [];
}

/** Keeps the literal types of a source type's definition. */
export function defineSource<S extends z.ZodType<{ type: string; name: string }>>(t: SourceType<S>): SourceType<S> {
  return t;
}
