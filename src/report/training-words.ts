/**
 * The plain sentences that lead a trained model's section of the report (pure): what the alarm level, the scores of
 * normal operation and the fit's curve mean for the person who will run the gateway, in their words, with the same
 * figures as the charts and the summary. The technical account (how the level was computed) follows them, folded.
 */
import { formatNumber } from './chart-scale.js';
import type { FitCurve } from '../core/types.js';
import type { CalibrationTarget } from '../training/calibration-target.js';

/** A threshold as the summary table shows it (three decimals), so that the sentence and the table agree; below 1 to
 * four significant digits (a part model's 0.02474, which three decimals would round to 0.025). */
const level = (v: number): string => (Math.abs(v) >= 1 ? v.toFixed(3) : formatNumber(v, 4));

/** What the alarm budget means on the line, as the rest of a sentence "set so that ...". */
export function budgetWords(t: CalibrationTarget): string {
  const s = (n: number) => (n === 1 ? '' : 's');
  if (t.falseRejectsPpm !== undefined)
    return `about ${t.falseRejectsPpm} in a million good parts like the training data's are rejected`;
  if (t.falseAlarmsPerDay !== undefined)
    return `normal operation like the training data raises about ${t.falseAlarmsPerDay} false alarm${s(t.falseAlarmsPerDay)} a day`;
  return `about ${formatNumber(100 * (1 - t.quantile!), 3)} % of the windows of normal operation like the training data's score above it`;
}

/**
 * When the alarm goes on and off, and what the level was set for: "The alarm goes on when the anomaly score passes
 * 16.972: set so that normal operation like the training data raises about 1 false alarm a day. ...".
 */
export function alarmLevelWords(t: {
  readonly threshold: number;
  readonly offThreshold?: number;
  readonly budget?: string;
}): string {
  const budget = t.budget ? `: set so that ${t.budget}` : '';
  const off =
    t.offThreshold !== undefined && Number.isFinite(t.offThreshold)
      ? ` It goes off again once the score falls back below ${level(t.offThreshold)}` +
        ' (and a score that stays above that for a while raises it too).'
      : '';
  return `The alarm goes on when the anomaly score passes ${level(t.threshold)}${budget}.${off}`;
}

/** How many of the normal scores pass the alarm level, and what that means for the operator. */
export function normalScoresWords(count: number, above: number): string {
  if (count === 0)
    return 'No stretch of normal operation could be scored, so the alarm level is not checked against any.';
  if (above === 0)
    return (
      `None of the ${count} scores of normal operation it was checked on passes the alarm level: on data like ` +
      'that the alarm stays off. The chart of scores shows how far below it they sit.'
    );
  return (
    `${above} of the ${count} scores of normal operation it was checked on (${formatNumber((100 * above) / count, 3)} %) ` +
    'pass the alarm level: these are the false alarms the budget allows on data like that. The chart of scores ' +
    'shows where they sit.'
  );
}

/** What the fit's curve (loss per epoch, or the hybrid's error per ridge) tells the reader; '' without one. */
export function fitCurveWords(loss: FitCurve | undefined): string {
  if (!loss || (loss.train.length === 0 && loss.validation.length === 0)) return '';
  if (loss.x)
    return (
      'The first chart shows how closely the model predicts each channel from the others, for each amount of ' +
      'smoothing ("ridge") it tried: lower is closer. It keeps, channel by channel, the smoothing that predicts best ' +
      'the windows it was not fitted on.'
    );
  return (
    "The first chart shows the model's error epoch by epoch, on the windows it learnt from and on windows held out: " +
    'both falling and levelling off means it learnt normal operation rather than memorising the rows; training stops ' +
    'once the held-out error no longer falls.'
  );
}
