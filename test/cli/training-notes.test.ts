/** What train tells about a model from a CSV (a span shorter than the budget's); the words for unnameable channels. */
import { describe, expect, it } from 'vitest';
import { spanText } from '../../src/core/span-text.js';
import {
  renameFlagsFor,
  renameWays,
  trainingNotes,
  undeployableChannels,
  undeployableText,
} from '../../src/cli/training-notes.js';

describe('trainingNotes', () => {
  it('names the channels a gateway configuration cannot name, with the --rename flags a shell reads as written', () => {
    expect(undeployableChannels(['Current', 'Volume Flow RateRMS', 'flow.rate-1', 'Temp (°C)'])).toEqual([
      'Volume Flow RateRMS',
      'Temp (°C)',
    ]);
    expect(undeployableText(['Volume Flow RateRMS'])).toBe(
      'a gateway configuration cannot name the channel "Volume Flow RateRMS" (channel names are letters, digits, ' +
        '"_", "." and "-"), so no gateway can run this model as it is: train it again with --rename auto to ' +
        'read that column under a name a configuration takes ("Volume Flow RateRMS" as Volume_Flow_RateRMS), or ' +
        "--rename 'Volume Flow RateRMS=Volume_Flow_RateRMS' to choose the name, or leave it out with --channels",
    );
  });

  it('gives a placeholder where nothing of the name is left, and one --rename per column for several', () => {
    expect(renameFlagsFor(['温度'])).toBe("--rename '温度=new_name'");
    expect(renameFlagsFor(['a b', "it's"])).toBe("--rename 'a b=a_b' --rename 'it'\\''s=it_s'");
    expect(undeployableText(['a b', 'c d'])).toContain(
      'the channels "a b", "c d" (channel names are letters, digits, "_", "." and "-"), so no gateway can run this ' +
        'model as it is: train it again with --rename auto to read those columns under names a configuration ' +
        `takes ("a b" as a_b, "c d" as c_d), or --rename 'a b=a_b' --rename 'c d=c_d' to choose the names, or ` +
        'leave them out with --channels',
    );
  });

  it('asks for --rename auto, not one flag per column, for a historian export of many such columns', () => {
    const tags = ['FIC-101 A feed [kscmh]', 'FIC-102 D feed [kg/h]', 'PI-7 Reactor pressure [kPa g]', 'TI-9 [°C]'];
    expect(renameWays(tags)).toBe(
      '--rename auto to read those columns under names a configuration takes ("FIC-101 A feed [kscmh]" as ' +
        'FIC-101_A_feed_kscmh, "FIC-102 D feed [kg/h]" as FIC-102_D_feed_kg_h, "PI-7 Reactor pressure [kPa g]" as ' +
        'PI-7_Reactor_pressure_kPa_g, and 1 more), or --rename COLUMN=NAME for each to choose the names',
    );
  });

  it('says when the rows span less than the time the budget allows between two false alarms, and not otherwise', () => {
    // 400 rows a second apart: 6.7 minutes against one false alarm a day.
    const [short] = trainingNotes({ rowCount: 400, periodMs: 1000, target: { falseAlarmsPerDay: 1 } });
    expect(short).toMatch(
      /^note: the training rows span 6\.7 min, less than the 1 day the alarm budget \(1 false alarm a day\)/,
    );
    // The same rows at 5 minutes span 33 hours: longer than a day.
    expect(trainingNotes({ rowCount: 400, periodMs: 300_000, target: { falseAlarmsPerDay: 1 } })).toEqual([]);
    // 10 a day allow 2.4 h between false alarms; 33 h cover it, 400 s do not.
    expect(trainingNotes({ rowCount: 400, periodMs: 1000, target: { falseAlarmsPerDay: 10 } })[0]).toMatch(
      /less than the 2\.4 h the alarm budget \(10 false alarms a day\)/,
    );
    // A quantile target promises no rate a day: nothing to compare the span with.
    expect(trainingNotes({ rowCount: 400, periodMs: 1000, target: { quantile: 0.999 } })).toEqual([]);
  });

  it('writes spans as a person reads them', () => {
    expect([45_000, 168_000, 19_800_000, 86_400_000, 280_000_000].map(spanText)).toEqual([
      '45 s',
      '2.8 min',
      '5.5 h',
      '1 day',
      '3.2 days',
    ]);
  });
});
