/**
 * A part's id in one form (pure), as a recording's part id column and a quality system's table both name it: trimmed,
 * and a whole number written any way (`0012`, `12.0`, `12,0`) as the number (12), as a counter read from a register
 * names it; anything else (a serial number, an id longer than a number holds exactly) as written.
 */
export function partKey(id: string): string {
  const t = id.trim();
  if (!/^[+-]?\d+([.,]0*)?$/.test(t)) return t;
  const n = Number(t.replace(',', '.'));
  return Number.isSafeInteger(n) ? String(n) : t;
}
