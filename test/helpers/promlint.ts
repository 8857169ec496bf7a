/**
 * The rules of `promtool check metrics` (Prometheus' promlint) that apply to an exposition, written
 * out because promtool is not installed here: HELP and TYPE for each family, valid snake_case
 * names and label names, `_total` on counters and only on counters, reserved suffixes only on
 * histograms and summaries, base units (no milliseconds, kilobytes...), and no duplicated prefix.
 * Returns the problems, each naming the metric; [] when the exposition passes.
 */

export interface Family {
  name: string;
  help?: string;
  type?: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NON_BASE_UNITS = [
  'ms',
  'millis',
  'milliseconds',
  'us',
  'microseconds',
  'ns',
  'nanoseconds',
  'minutes',
  'hours',
  'days',
  'kb',
  'kilobytes',
  'mb',
  'megabytes',
  'gb',
  'gigabytes',
  'bits',
  'percent',
  'celsius',
];
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s,{}=]+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2];
  return labels;
}

/** Reads the text exposition format into families (samples go to the family their name belongs to). */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]).help = meta[3];
      else family(meta[2]).type = meta[3];
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const sample = /^([^\s{]+)(\{.*\})?\s+(\S+)/.exec(line);
    if (!sample) throw new Error(`exposition: cannot read the line ${JSON.stringify(line)}`);
    const name = sample[1];
    const owner =
      [...families.values()].find((f) =>
        (SUFFIXES[f.type ?? ''] ?? []).some((suffix) => name === `${f.name}${suffix}`),
      ) ?? family(name);
    owner.samples.push({ name, labels: parseLabels(sample[2] ?? ''), value: Number(sample[3]) });
  }
  return families;
}

function familyProblems(f: Family): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${f.name}: ${what}`);
  if (!f.help) say('no HELP text');
  if (!f.type) say('no TYPE');
  if (!NAME.test(f.name)) say('not a valid metric name');
  if (f.name !== f.name.toLowerCase()) say('not snake_case (upper-case letters)');
  const words = f.name.split('_');
  if (f.type === 'counter' && !f.name.endsWith('_total')) say('a counter without the "_total" suffix');
  if (f.type !== 'counter' && f.name.endsWith('_total')) say(`a ${f.type ?? 'metric'} with the "_total" suffix`);
  for (const suffix of ['_bucket', '_sum', '_count'])
    if (!(SUFFIXES[f.type ?? ''] ?? []).includes(suffix) && f.name.endsWith(suffix))
      say(`a ${f.type ?? 'metric'} with the reserved suffix "${suffix}"`);
  for (const unit of NON_BASE_UNITS)
    if (words.includes(unit)) say(`"${unit}" is not a base unit (use seconds, bytes, ratios)`);
  for (const [i, word] of words.entries())
    if (i > 0 && word === words[i - 1]) say(`the word "${word}" twice in a row (a duplicated prefix)`);
  const prefix = words[0];
  if (words.indexOf(prefix, 1) > 0) say(`the prefix "${prefix}" again inside the name`);
  for (const unit of ['seconds', 'bytes']) {
    const at = words.indexOf(unit);
    const rest = words.slice(at + 1).join('_');
    if (at > 0 && !['', 'total', 'bucket', 'sum', 'count'].includes(rest))
      say(`the unit "${unit}" is not the last word (before _total)`);
  }
  for (const s of f.samples)
    for (const label of Object.keys(s.labels))
      if (!LABEL.test(label) || label.startsWith('__')) say(`label name "${label}" is not valid`);
  return problems;
}

export function lintExposition(text: string): string[] {
  return [...parseExposition(text).values()].flatMap(familyProblems);
}
