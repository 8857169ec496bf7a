/**
 * The dialogs' number and running condition checks are the runtime's own rules: the script the model node serves to
 * the editor (GET linewatch/field-rules.js), run alone as a browser runs it, takes and refuses every value as the
 * deployed node does, with the same message naming the field.
 */
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldRulesScript, NUMBER_FIELDS, numberSetting } from '../../src/node-red/field-rules.js';
import { runningSettings } from '../../src/node-red/running-settings.js';
import { helper, nodes } from './helper.js';

afterEach(() => helper.unload());

interface EditorRules {
  linewatchNumberField(type: string, key: string, v: unknown): true | string;
  linewatchRunningCheck(field: string, v: unknown, runs: unknown, mode: unknown): true | string;
}

/** The served script run in a context of its own (no module, no Node): the editor's rules. */
function editorRules(script: string): EditorRules {
  const page = {} as EditorRules;
  runInNewContext(script, { window: page });
  return page;
}

const NUMBERS = ['', ' ', '0', '1', '2', '0.5', '1.5', '1e3', '+4', '.5', '3600000', '2678400', '2678401', '-1', 'abc'];
const NUMBERS_MORE = ['1s', '0x10', 'Infinity', 'NaN', '1,5', '5 ', 1, 0, 2.5];

/** The runtime's answer for a number setting: accepted, or the message it refuses the deploy with. */
function runtimeNumber(type: string, key: string, v: unknown): true | string {
  try {
    numberSetting({ id: 'n', type, [key]: v }, key);
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

const RUNNING: readonly Record<string, string>[] = [
  {},
  { running: 'model' },
  { running: 'always' },
  { running: 'sometimes' },
  { running: 'equals', runningChannel: 'mode', runningValue: 'RUN' },
  { running: 'equals', runningValue: 'RUN' },
  { running: 'not_equals', runningChannel: 'mode' },
  { running: 'above', runningChannel: 'speed', runningValue: '12.5' },
  { running: 'above', runningChannel: 'speed', runningValue: 'fast' },
  { running: 'below', runningChannel: 'speed', runningValue: 'true' },
  { running: 'equals', runningChannel: 'mode', runningValue: 'RUN', mode: 'cycle' },
  { running: 'always', mode: 'cycle' },
];
const FIELDS = ['running', 'runningChannel', 'runningValue'] as const;

/** The deployed window node's answer: accepted, or its refusal without the node's name in front. */
function runtimeRunning(fields: Record<string, string>): true | string {
  try {
    runningSettings(
      { id: 'w', type: 'linewatch-window', ...fields },
      undefined,
      'w',
      fields.mode === 'cycle' ? 'cycle' : 'sliding',
    );
    return true;
  } catch (err) {
    return (err as Error).message.replace(/^w: running condition: /, '');
  }
}

/** The dialog's answer: accepted, or the first of its three fields' messages. */
function editorRunning(rules: EditorRules, fields: Record<string, string>): true | string {
  for (const field of FIELDS) {
    const v = fields[field];
    const answer = rules.linewatchRunningCheck(field, v, field === 'running' ? v : fields.running, fields.mode);
    if (answer !== true) return answer;
  }
  return true;
}

describe('the field rules the editor runs', () => {
  it('takes and refuses each number as the deployed node does, with its message', () => {
    const editor = editorRules(fieldRulesScript());
    const cases = Object.entries(NUMBER_FIELDS).flatMap(([type, keys]) =>
      Object.keys(keys).flatMap((key) => [...NUMBERS, ...NUMBERS_MORE].map((v) => [type, key, v] as const)),
    );
    expect(cases.map(([t, k, v]) => editor.linewatchNumberField(t, k, v))).toEqual(
      cases.map(([t, k, v]) => runtimeNumber(t, k, v)),
    );
    // What a user gets wrong is refused, naming the field and its range.
    expect(
      [
        ['linewatch-window', 'hop', '0'],
        ['linewatch-window', 'settleMs', '1.5'],
        ['linewatch-alarm', 'clearRatio', '2'],
        ['linewatch-alarm', 'onDelayMs', '1s'],
        ['linewatch-score', 'threshold', '0'],
        ['linewatch-window', 'maxAgeMs', '0x10'],
      ].map(([t, k, v]) => runtimeNumber(t!, k!, v)),
    ).toEqual([
      'Hop: a whole number from 1, or empty for the default',
      'Settle: a whole number from 0, or empty for the default',
      'Clear ratio: a number above 0 to 1, or empty for the default',
      'On delay: a whole number from 0, or empty for the default',
      'Threshold: a number above 0, or empty for the default',
      'Max age: a whole number from 1, or empty for the default',
    ]);
  });

  it('takes and refuses each running condition as the deployed window node does, with its message', () => {
    const editor = editorRules(fieldRulesScript());
    const runtime = RUNNING.map(runtimeRunning);
    expect(RUNNING.map((f) => editorRunning(editor, f))).toEqual(runtime);
    expect(runtime).toEqual([
      true,
      true,
      true,
      'Runs when: "sometimes" is not one of model, equals, not_equals, above, below, always',
      true,
      "Run channel: required where Runs when compares (the RUN bit, mode word or speed's channel)",
      'Run value: required (the value Run channel is compared with)',
      true,
      'Run value: above compares with a number, not "fast"',
      'Run value: below compares with a number, not "true"',
      "Runs when: applies to sliding windows; a part's window is cut by its trigger (set it to the model's)",
      true,
    ]);
  });

  it('is served by the model node to the editor as a script', async () => {
    await helper.load([nodes.model], [{ id: 'm', type: 'linewatch-model', path: 'models/pump-ae' }]);
    const res = await (helper as unknown as { request(): any }).request().get('/linewatch/field-rules.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
    expect(editorRules(res.text).linewatchNumberField('linewatch-window', 'hop', '0')).toBe(
      runtimeNumber('linewatch-window', 'hop', '0'),
    );
  });
});
