/**
 * The window node's running condition: its edit dialog's Runs when, Run channel, Run value and Settle fields turned
 * into the condition an asset's `running_when` is (config/running-when.ts), checked by the same schema. Rows where the
 * machine does not run, or settles after its restart, are then neither windowed nor scored (windows/asset-windows.ts).
 * Left at its default the node takes the model's own condition (`training.running_when`, written by `train
 * --running-when`), so a flow scores the rows the model learnt. Errors name the node and the field as the dialog does.
 */
import {
  learntRowsDifference,
  learntRunningWhen,
  runningWhenSchema,
  settleDifferenceText,
} from '../config/running-when.js';
import { formatIssues } from '../core/format-issues.js';
import { conditionValue, runningConditionText, type RunningCondition } from '../core/running-condition.js';
import { numberSetting, runningFieldProblem, type RUNNING_CHOICES } from './field-rules.js';
import { text, withFieldLabel, type NodeDefinition } from './red-api.js';

type RunningChoice = (typeof RUNNING_CHOICES)[number];

/** The running_when keys as the edit dialog names their fields. */
const RUNNING_FIELDS = {
  channel: 'Run channel',
  equals: 'Run value',
  not_equals: 'Run value',
  above: 'Run value',
  below: 'Run value',
  settle_ms: 'Settle',
};

/** The condition the node's rows are judged by, and where it comes from (for the log). */
export interface RunningSettings {
  readonly condition: RunningCondition;
  /** "the model's training.running_when" or "Runs when". */
  readonly from: string;
}

/**
 * The node's running condition; undefined where every row is scored (Runs when "always", or the model's default and
 * the model learnt every row) and for one window per part (cut by its trigger). `training`: the flow's model's
 * manifest `training`, if it has a model. Throws naming `where` (`window pump-1`) and the field.
 */
export function runningSettings(
  config: NodeDefinition,
  training: Readonly<Record<string, unknown>> | undefined,
  where: string,
  windows: 'sliding' | 'cycle',
): RunningSettings | undefined {
  const fail = (message: string) => new Error(`${where}: running condition: ${message}`);
  const choice = text(config, 'running', 'model') as RunningChoice;
  // The dialog's rule for each field (field-rules.ts): Runs when, then Run channel and Run value where it compares.
  for (const field of ['running', 'runningChannel', 'runningValue'] as const) {
    const problem = runningFieldProblem(field, config[field], choice, windows);
    if (problem !== true) throw fail(problem);
    if (windows === 'cycle') return undefined;
  }
  const learnt = training ? learntRunningWhen(training, `${where}: its model`) : undefined;
  if (choice === 'always' || (choice === 'model' && !learnt)) return undefined;
  let settle: number | undefined;
  try {
    settle = numberSetting(config, 'settleMs');
  } catch (err) {
    throw fail((err as Error).message);
  }
  // A settle left empty is the model's: it left out the ramp after each restart (train estimates it from its rows).
  const settleMs = settle ?? learnt?.settle_ms;
  const given = choice === 'model' ? learnt! : compared(choice, config);
  const parsed = runningWhenSchema.safeParse({
    ...given,
    settle_ms: settleMs,
  });
  if (!parsed.success)
    throw fail(
      formatIssues(parsed.error.issues)
        .map((line) => withFieldLabel(line, RUNNING_FIELDS))
        .join('; '),
    );
  return {
    condition: parsed.data as RunningCondition,
    from: choice === 'model' ? "the model's training.running_when" : 'Runs when',
  };
}

/**
 * Where the node windows other rows than its model learnt (`training.running_when`: a model trained with `train
 * --running-when`): Runs when always, another condition, or another Settle. The warning the node says once at deploy,
 * as validate warns of an asset's running_when (config/running-when.ts); undefined where the same, where the model
 * learnt every row, and for one window per part. `running`: the node's (runningSettings); `model`: its name.
 */
export function runningDifference(
  running: RunningSettings | undefined,
  training: Readonly<Record<string, unknown>> | undefined,
  model: string,
  where: string,
  windows: 'sliding' | 'cycle',
): string | undefined {
  const learnt = windows === 'sliding' && training ? learntRunningWhen(training, `${where}: its model`) : undefined;
  const d = learnt && learntRowsDifference(running?.condition, learnt);
  if (!d) return undefined;
  if (d.kind === 'every row')
    return `${where}: Runs when is always: every row is windowed and scored, its stops too, but model ${model} learnt only the rows where ${d.learnt} (training.running_when): set Runs when to as the model learnt`;
  if (d.kind === 'condition')
    return `${where}: Runs when ${d.given}, but model ${model} learnt the rows where ${d.learnt} (training.running_when): the rows scored are not those learnt, unless the two say the same thing under other names`;
  return `${where}: Settle ${d.settleMs} ms, but model ${model} left out the ${d.learntSettleMs} ms after each restart (training.running_when.settle_ms): ${settleDifferenceText(d)}; leave Settle empty to take the model's`;
}

/** The condition typed in the dialog (fields checked by runningFieldProblem): its channel compared with its value. */
function compared(choice: Exclude<RunningChoice, 'model' | 'always'>, config: NodeDefinition): Record<string, unknown> {
  return { channel: text(config, 'runningChannel'), [choice]: conditionValue(text(config, 'runningValue')) };
}

/** The condition as the node's log and status say it: `mode=RUN, settling 120000 ms after a restart`. */
export function runningText(c: RunningCondition): string {
  const settle = c.settle_ms ? `, settling ${c.settle_ms} ms after a restart` : '';
  return `${runningConditionText(c)}${settle}`;
}
