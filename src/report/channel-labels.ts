/**
 * A channel's unit where the report names the channel (pure): under its strip, after its range (`12.5 … 48.1 kscmh`,
 * the strip's y axis), in the name's tooltip (`FIC-101 (kscmh)`) and in a model's table of channels. The unit comes
 * from a CSV's units row or a model's manifest: text from a file, so it is shortened here and escaped where it is
 * drawn (el, escapeHtml), never trusted as markup.
 */
import { formatNumber } from './chart-scale.js';

/** The most characters of a unit drawn under a strip (the strip's label column is narrow); the tooltip has it all. */
export const UNIT_SHOWN_CHARS = 10;

/** A unit as drawn under a strip: trimmed, at most UNIT_SHOWN_CHARS, `…` where cut; '' for none. */
export function shownUnit(unit: string | undefined): string {
  const u = (unit ?? '').trim();
  return u.length > UNIT_SHOWN_CHARS ? `${u.slice(0, UNIT_SHOWN_CHARS - 1)}…` : u;
}

/** A strip's range with its unit: `12.5 … 48.1 kscmh`; `no values` where it has none. */
export function rangeText(min: number, max: number, unit?: string): string {
  if (!Number.isFinite(min)) return 'no values';
  const u = shownUnit(unit);
  return `${formatNumber(min, 3)} … ${formatNumber(max, 3)}${u ? ` ${u}` : ''}`;
}

/** The most characters of a unit in a tooltip (a CSV's units row holds 32 at most; a manifest is a file, and lies). */
export const UNIT_TITLE_CHARS = 64;

/** A channel's name with its unit, whole, for a tooltip: `FIC-101 (kscmh)`; the name alone where it has none. */
export function nameWithUnit(name: string, unit?: string): string {
  const u = (unit ?? '').trim();
  const shown = u.length > UNIT_TITLE_CHARS ? `${u.slice(0, UNIT_TITLE_CHARS - 1)}…` : u;
  return shown ? `${name} (${shown})` : name;
}
