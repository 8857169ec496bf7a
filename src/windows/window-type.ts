/**
 * What a window type brings: its own settings (fields of `window:`), the checks the schema cannot
 * make, and a commented sample for docs/configuration.md. windows/schema.ts composes the types into
 * the `window:` schema, which the gateway's asset pipelines and the Node-RED window node share.
 */
import type { z } from 'zod';

/** What a window's checks know of its asset. */
export interface WindowCheckContext {
  readonly asset: string;
  /** Channels of the asset that some source reads. */
  readonly provided: ReadonlySet<string>;
  /** ...of which these carry text (Modbus `string` tags), not numbers. */
  readonly text: ReadonlySet<string>;
  readonly modelName: string;
  readonly samplePeriodMs: number;
}

export interface WindowType<T extends string, F extends z.ZodRawShape> {
  readonly type: T;
  /** Its own settings, next to the shared `type`, `align` and `max_sample_age_ms`. */
  readonly fields: F;
  /** A commented YAML `window:` section of this type. */
  readonly sample: string;
  /** Checks beyond the schema, for a window of this type; each issue starts with `where` (`assets[i].window`). */
  check(window: WindowSettingsOf<F>, where: string, ctx: WindowCheckContext): string[];
}

/** A window's settings as a type's check sees them: every type's fields may be present. */
export type WindowSettingsOf<F extends z.ZodRawShape> = z.output<z.ZodObject<F>> & Record<string, unknown>;
