/**
 * The dialogs' field rules, one for the runtime and the editor: a number field's range and wholeness (window, score,
 * alarm nodes) and the running condition's fields (window node). The runtime applies them to a deployed node's
 * settings; the editor runs these very functions, served by fieldRulesScript (their bodies use only their parameters,
 * so their source runs alone in the browser, bundled or not).
 */
import type { NodeDefinition } from './red-api.js';

/** A number field's rule: the lowest value (`above`: excluded), the highest (`max`), whole numbers only (`whole`). */
export interface NumberRule {
  readonly label: string;
  readonly min: number;
  readonly above?: boolean;
  readonly max?: number;
  readonly whole?: boolean;
}

/** Every number field of the linewatch dialogs, by node type and setting. */
export const NUMBER_FIELDS: Readonly<Record<string, Readonly<Record<string, NumberRule>>>> = {
  'linewatch-window': {
    length: { label: 'Length', min: 1, whole: true },
    hop: { label: 'Hop', min: 1, whole: true },
    maxAgeMs: { label: 'Max age', min: 1, whole: true },
    minSamples: { label: 'Min samples', min: 1, whole: true },
    maxSamples: { label: 'Max samples', min: 2, whole: true },
    settleMs: { label: 'Settle', min: 0, whole: true },
  },
  'linewatch-score': {
    threshold: { label: 'Threshold', min: 0, above: true },
    topK: { label: 'Top channels', min: 1, whole: true },
  },
  'linewatch-alarm': {
    threshold: { label: 'Threshold', min: 0, above: true },
    onDelayMs: { label: 'On delay', min: 0, whole: true },
    offDelayMs: { label: 'Off delay', min: 0, whole: true },
    sustainMs: { label: 'Sustain', min: 0, whole: true },
    clearRatio: { label: 'Clear ratio', min: 0, above: true, max: 1 },
    maxShelveS: { label: 'Max shelve', min: 0, above: true, max: 2678400 },
  },
};

/**
 * A number field's value against its rule: true where empty (the node's default) or a number in range, else the
 * message naming the field. Self-contained: fieldRulesScript sends its source to the editor.
 */
function numberFieldCheck(v: unknown, rule: NumberRule): true | string {
  const t = String(v == null ? '' : v).trim();
  if (t === '') return true;
  const n = /^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  const ok =
    n >= rule.min &&
    !(rule.above && n === rule.min) &&
    !(rule.max !== undefined && n > rule.max) &&
    !(rule.whole && n % 1 !== 0);
  const range = (rule.above ? ' above ' : ' from ') + rule.min + (rule.max !== undefined ? ' to ' + rule.max : '');
  return ok || rule.label + ': ' + (rule.whole ? 'a whole number' : 'a number') + range + ', or empty for the default';
}

/**
 * A deployed node's number setting by its field's rule (NUMBER_FIELDS): undefined where empty; throws the message the
 * dialog shows on the field.
 */
export function numberSetting(config: NodeDefinition, key: string): number | undefined {
  const rule = NUMBER_FIELDS[config.type]?.[key];
  if (!rule) throw new Error(`${config.type}: ${key} is not a number field`);
  const problem = numberFieldCheck(config[key], rule);
  if (problem !== true) throw new Error(problem);
  const t = String(config[key] ?? '').trim();
  return t === '' ? undefined : Number(t);
}

/** Runs when: the model's condition (none where it learnt every row), one of the comparisons, or every row. */
export const RUNNING_CHOICES = ['model', 'equals', 'not_equals', 'above', 'below', 'always'] as const;

/**
 * One field of the running condition (`running`: Runs when, `runningChannel`, `runningValue`) given Runs when and the
 * windows (`sliding` or `cycle`): true, or the message naming the field. Self-contained: fieldRulesScript sends its
 * source to the editor.
 */
function runningFieldCheck(
  field: string,
  v: unknown,
  runs: unknown,
  mode: unknown,
  choices: readonly string[],
): true | string {
  const t = String(v == null ? '' : v).trim();
  const r = String(runs == null ? '' : runs).trim();
  const running = r === '' ? 'model' : r;
  const compares = ['equals', 'not_equals', 'above', 'below'].indexOf(running) >= 0;
  if (field === 'running') {
    if (choices.indexOf(running) < 0)
      return 'Runs when: "' + running.slice(0, 40) + '" is not one of ' + choices.join(', ');
    return (
      !(compares && mode === 'cycle') ||
      "Runs when: applies to sliding windows; a part's window is cut by its trigger (set it to the model's)"
    );
  }
  if (!compares) return true;
  if (field === 'runningChannel')
    return t !== '' || "Run channel: required where Runs when compares (the RUN bit, mode word or speed's channel)";
  if (t === '') return 'Run value: required (the value Run channel is compared with)';
  return (
    !(running === 'above' || running === 'below') ||
    isFinite(Number(t)) ||
    'Run value: ' + running + ' compares with a number, not "' + t.slice(0, 40) + '"'
  );
}

/** The running condition's field as the runtime checks it: true, or the message naming the field. */
export function runningFieldProblem(
  field: 'running' | 'runningChannel' | 'runningValue',
  v: unknown,
  runs: unknown,
  mode: 'sliding' | 'cycle',
): true | string {
  return runningFieldCheck(field, v, runs, mode, RUNNING_CHOICES);
}

/** Where the editor loads the field rules from (relative to Node-RED's admin root). */
export const FIELD_RULES_SCRIPT = 'linewatch/field-rules.js';

/**
 * The browser script that gives the dialogs the runtime's rules: `window.linewatchNumberField(type, key, v)` and
 * `window.linewatchRunningCheck(field, v, runs, mode)`, true or the message, are numberFieldCheck and
 * runningFieldCheck themselves with the runtime's tables.
 */
export function fieldRulesScript(): string {
  return [
    `// linewatch: the dialogs' field rules, the runtime's own functions (src/node-red/field-rules.ts).`,
    `(function () {`,
    `  var numberCheck = ${numberFieldCheck.toString()};`,
    `  var runningCheck = ${runningFieldCheck.toString()};`,
    `  var fields = ${JSON.stringify(NUMBER_FIELDS)};`,
    `  var choices = ${JSON.stringify(RUNNING_CHOICES)};`,
    `  window.linewatchNumberField = function (type, key, v) { return numberCheck(v, fields[type][key]); };`,
    `  window.linewatchRunningCheck = function (field, v, runs, mode) {`,
    `    return runningCheck(field, v, runs, mode, choices);`,
    `  };`,
    `})();`,
    '',
  ].join('\n');
}
