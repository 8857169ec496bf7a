/** The plain sentences that lead a trained model's section of the report: the figures of the page, in an operator's
 * words. */
import { describe, expect, it } from 'vitest';
import { alarmLevelWords, budgetWords, fitCurveWords, normalScoresWords } from '../../src/report/training-words.js';
import { renderReport } from '../../src/report/render-report.js';

describe('training-words', () => {
  it("says when the alarm goes on and off and what the level was set for, with the summary table's figures", () => {
    const budget = budgetWords({ falseAlarmsPerDay: 1 });
    expect(alarmLevelWords({ threshold: 20.4, offThreshold: 8.2351, budget })).toBe(
      'The alarm goes on when the anomaly score passes 20.400: set so that normal operation like the training data ' +
        'raises about 1 false alarm a day. It goes off again once the score falls back below 8.235 (and a score ' +
        'that stays above that for a while raises it too).',
    );
    // A part model has no off level; a model without a recorded target no budget clause.
    expect(alarmLevelWords({ threshold: 3 })).toBe('The alarm goes on when the anomaly score passes 3.000.');
    // A part model's small threshold keeps its digits.
    expect(alarmLevelWords({ threshold: 0.024743 })).toBe('The alarm goes on when the anomaly score passes 0.02474.');
  });

  it('words each kind of budget', () => {
    expect(budgetWords({ falseAlarmsPerDay: 2 })).toBe(
      'normal operation like the training data raises about 2 false alarms a day',
    );
    expect(budgetWords({ falseRejectsPpm: 100 })).toBe(
      "about 100 in a million good parts like the training data's are rejected",
    );
    expect(budgetWords({ quantile: 0.999 })).toBe(
      "about 0.1 % of the windows of normal operation like the training data's score above it",
    );
  });

  it('says how many normal scores pass the alarm level', () => {
    expect(normalScoresWords(1469, 0)).toMatch(/^None of the 1469 scores of normal operation .* the alarm stays off\./);
    expect(normalScoresWords(2000, 3)).toMatch(
      /^3 of the 2000 scores of normal operation it was checked on \(0\.15 %\) pass/,
    );
    expect(normalScoresWords(0, 0)).toMatch(/^No stretch of normal operation could be scored/);
  });

  it("reads the hybrid's ridge curve and an autoencoder's epochs apart, and says nothing without a curve", () => {
    expect(fitCurveWords({ train: [1, 0.5], validation: [1.2, 0.6], x: [-4, 0] })).toContain('("ridge")');
    expect(fitCurveWords({ train: [1, 0.5], validation: [1.2, 0.6] })).toContain('epoch by epoch');
    expect(fitCurveWords(undefined)).toBe('');
  });

  it('leads the section with them and folds the calibration and architecture under "technical"', () => {
    const html = renderReport({
      title: 't',
      training: [
        {
          title: 'm',
          scores: [1, 2, 5],
          threshold: 4,
          offThreshold: 2,
          budget: budgetWords({ falseAlarmsPerDay: 1 }),
          calibration: 'the posterior-predictive GPD level',
          architecture: 'hybrid: residual terms',
        },
      ],
    });
    const lead = html.indexOf('<p class="lead">The alarm goes on when the anomaly score passes 4.000');
    const folded = html.indexOf('<details class="technical"><summary>How the alarm level was computed (technical)');
    expect(lead).toBeGreaterThan(0);
    expect(folded).toBeGreaterThan(lead);
    expect(html.indexOf('posterior-predictive GPD level')).toBeGreaterThan(folded);
    expect(html).toContain('<p class="architecture">hybrid: residual terms</p></details>');
    expect(html).toContain('1 of the 3 scores of normal operation it was checked on (33.3 %) pass the alarm level');
  });
});
