/**
 * The commands that fit and measure detectors, `linewatch eval` and `linewatch train`, with the options they share: the
 * detector's (alarm budget, slow channels, seed, renames, report) and a part model's cut (quality inspection).
 */
import type { Command } from 'commander';
import { DEFAULT_OFF_DELAY_MS, DEFAULT_ON_DELAY_MS } from '../alarms/schema.js';
import { evalCommand } from './eval.js';
import { collect } from './rename-flag.js';
import { trainCommand } from './train.js';
import { NEAR_POLL_PERIOD } from '../core/csv-times.js';

/** Runs a command's handler and keeps its exit code (main's). */
export type CommandWrap = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;

/** What --validation-fraction's rows are for, per architecture (fit-detector.ts). */
const VALIDATION_ROWS =
  'that dense and conv1d hold out (early stopping and the alarm calibration); hybrid and stats hold out none: ' +
  "they fit on every row, calibrate on every window's out-of-fold score and check int8 against fp32 on these rows";

/**
 * Adds eval and train to `program`; `argv`: the command line as given, which eval and train read again (which flags
 * were given).
 */
/** train's and eval's --running-when: the rows of a running machine (running-condition.ts, csv-running-rows.ts). */
const RUNNING_WHEN_HELP =
  "learn (and score) only the rows where the machine runs: CHANNEL=VALUE, CHANNEL!=VALUE, CHANNEL>N or CHANNEL<N (Mode=RUN, Speed>100), on a column of text or readings that need not be a channel; the other rows, and those before the column's first reading, are left out as a pause is (a blank cell holds the reading before it); the model's manifest records it (training.running_when)";

/** train's and eval's --running-settle-ms: the rows after a restart left out too (restart-settle.ts). */
const RUNNING_SETTLE_HELP =
  'with --running-when: the rows within this many ms of the condition turning true after a stop are left out too, ' +
  "as a restart's ramp back to normal operation (0: none); default: estimated from the training rows' own restarts " +
  "(the time until every channel is back within its long-running spread; said on stderr), recorded in the model's " +
  'training.running_when.settle_ms';

/** train's and eval's --max-sample-age-ms: the hold of a CSV's missing readings (csv-gaps.ts), and of a part cut. */
const MAX_SAMPLE_AGE_HELP =
  "how long a missing reading is held at the last one, as an asset's window.max_sample_age_ms (default 5000, the " +
  "gateway's default): a historian's wide export leaves a tag sampled every 10 s blank on the 1 s rows between, and a " +
  'hold as long as its sampling (15000) reads it as a gateway configured so would; longer gaps are not scored, and ' +
  "their rows not learnt from. A part model's parts are cut at it (a longer silence is a pause: the part across it " +
  'unknown); train records it in the manifest, eval --model cuts at the recorded one unless given';

export function addFitCommands(program: Command, wrap: CommandWrap, argv: readonly string[]): void {
  /** The cut of a part model (quality inspection: one window per produced part), for train --csv and eval alike. */
  const partOptions = (cmd: Command, csvOnly: string) =>
    cmd
      .option(
        '--cycle-channel <name>',
        `${csvOnly}a part model, one window per produced part (quality inspection): the column that marks the cycle, a flag or a part counter (an asset window's trigger_channel); the alarm budget counts false rejects a day at the file's rate of parts`,
      )
      .option(
        '--cycle-trigger <kind>',
        'with --cycle-channel: flag (a part runs while non-zero, the default) or counter',
      )
      .option('--part-id-channel <name>', "with --cycle-channel: a column holding each part's id")
      .option(
        '--min-samples <n>',
        'with --cycle-channel: a part with fewer rows is left out (default 5, as the gateway)',
      )
      .option(
        '--max-samples <n>',
        'with --cycle-channel: a part with more rows is left out (default 10000, as the gateway)',
      )
      .option(
        '--parts-per-day <n>',
        "with --cycle-channel: the parts a day the line makes, for the budget of false rejects a day (default: the recording's rate)",
      )
      .option(
        '--false-rejects-ppm <n>',
        'with --cycle-channel: the budget as good parts rejected in a million (instead of --false-alarms-per-day, which counts them a day); the threshold is calibrated no stricter than the held-out parts support, and train says which it used',
      )
      .option(
        '--warm-up <choice>',
        "with --cycle-channel: the parts at the recording's start and after each long pause that trend from outside the spread of the later parts into it (a machine's warm-up; named on stderr, recorded in the model's training.parts.warm_up): skip (the default: left out, so that the model rejects a later warm-up's parts as start-up scrap) or learn (learnt as good parts)",
      )
      .option(
        '--part-labels <file>',
        "with a part model: a quality system's table of part results (part id and OK/NOK; a file column where ids start again in each recording): its NOK parts are not learned from; in eval, the parts' labels instead of the rows'",
      );
  const detectorOptions = (cmd: Command, validationHelp: string) =>
    cmd
      .option(
        '--false-alarms-per-day <n>',
        'alarm budget: calibrate the threshold and hysteresis for this many false alarms per day of normal operation (default 1)',
      )
      .option(
        '--quantile <q>',
        'or: calibrate the threshold at this quantile of the held-out normal window scores (e.g. 0.999)',
      )
      .option(
        '--slow-channels <list>',
        'channels that drift in normal operation (scored on their change, not their level), comma-separated, or none; default: found from the training rows',
      )
      .option('--validation-fraction <f>', validationHelp, '0.25')
      .option(
        '--seed <n>',
        'random seed (data and the dense and conv1d autoencoders; the hybrid and stats fits are deterministic)',
        '7',
      )
      .option(
        '--epochs <n>',
        'maximum epochs of the dense and conv1d autoencoders (early stopping may end sooner)',
        '60',
      )
      .option(
        '--rename <old=new>',
        'read a CSV column under another name, e.g. "Volume Flow RateRMS=flow_rms" (a name a gateway configuration ' +
          'takes: letters, digits, "_", "." and "-"); once per column; --channels, --slow-channels and the model ' +
          'name it by the new name; train --rename auto (and eval --arch): every column a configuration cannot name under a name ' +
          'made from its own ("FIC-101 A feed [kscmh]" as FIC-101_A_feed_kscmh), said on stderr and recorded in ' +
          "the model; eval --model reads a file with the model's original columns with the renames it records",
        collect,
      )
      .option(
        '--report <path>',
        'also write a self-contained HTML report: to PATH itself where it ends in .html (train.html), else to ' +
          'PATH/index.html (the folder made where missing)',
      );
  detectorOptions(
    partOptions(program.command('eval'), '')
      .description(
        "measure a detector on labelled CSVs (SKAB format): fit it on each file's first rows (--arch, as train does) or take a model folder (--model), stream the rest through the gateway's scoring path, report F1, FAR, MAR, NAB, detection delay and false alarms per day",
      )
      .requiredOption('--data <path>', 'a labelled CSV (or .tsv) file, or a folder of them (searched recursively)')
      .option('--arch <kind>', 'hybrid (default), stats, dense or conv1d')
      .option(
        '--model <dir>',
        "score this model folder (or a shipped model's name) on the data instead of fitting one per file",
      )
      .option(
        '--train-rows <n>',
        "rows at the start of each file to fit on (default 400); with --model, rows left out of the metrics (default 0; on the one file the model's manifest says it was fitted on, those rows; 0 scores every row)",
      )
      .option('--precision <p>', 'int8, fp32 or both', 'int8')
      .option('--max-sample-age-ms <n>', MAX_SAMPLE_AGE_HELP)
      .option('--running-when <condition>', RUNNING_WHEN_HELP)
      .option('--running-settle-ms <ms>', RUNNING_SETTLE_HELP)
      .option(
        '--period-ms <n>',
        `sample period in ms of files whose time column holds plain numbers (seconds or hours since the start, a sample number) or that have none (rows counted as samples); with --model, default the model's; files with dates or Unix times (ms; s, µs or ns under a time's name) give their own, or take this one where their rows are spaced up to ${NEAR_POLL_PERIOD * 100} % wider (by the poll's own time)`,
      )
      .option(
        '--label-column <name>',
        'the column that labels anomalies (0 or 1) when it is not "anomaly", named exactly (label, attack, fault)',
      )
      .option(
        '--anomaly <from/to>',
        'label the rows from FROM to TO (both included) anomalous in a file with no label column: times as its time ' +
          'column writes them (2026-12-06T09:03:10Z/2026-12-06T09:05:40Z, or its plain numbers 120/180); once per ' +
          'fault; under a folder, each span labels the files with rows in it; spans may touch (A/B and B/C), not ' +
          "overlap; the labelled rows' edges are the changepoints",
        collect,
      )

      .option(
        '--on-delay-ms <ms>',
        `the alarm's on delay, as an asset's alarm.on_delay_ms (default ${DEFAULT_ON_DELAY_MS}, the daemon's)`,
      )
      .option(
        '--off-delay-ms <ms>',
        `the alarm's off delay, as an asset's alarm.off_delay_ms (default ${DEFAULT_OFF_DELAY_MS}, the daemon's)`,
      )
      .option(
        '--sustain-ms <ms>',
        "raise also when the score stays above the clear level this long, as an asset's alarm.sustain_ms (default: the model's window span, the daemon's; 0: off)",
      )
      .option('--window <n>', 'with --cycle-channel: points each part is resampled to (default 32)')
      .option('--hidden <sizes>', 'with --cycle-channel and --arch dense: hidden layer sizes (default 32,6,32)')
      .option(
        '--filters <f1,f2>',
        'with --cycle-channel and --arch conv1d: channels after each convolution (default 16,8)',
      )
      .option('--json', 'print one JSON object')
      .option(
        '--strict',
        'exit 1 (after the report) when any labelled file could not be evaluated; without it they are listed (not_evaluated) and eval exits 0',
      ),
    `share of the last training rows ${VALIDATION_ROWS}`,
  ).action(wrap((opts) => evalCommand(opts, argv)));
  detectorOptions(
    partOptions(program.command('train'), 'with --csv: ')
      .description(
        'train a detector on normal data (a CSV, or the line simulator) and write a model folder: fp32 and int8 ONNX, manifest with the calibrated alarm and golden window',
      )
      .option('--from-sim', 'record normal operation from the line simulator (the default without --csv)')
      .option('--force', 'replace the model in --out (without it, train refuses a folder that holds one)')
      .option('--model <kind>', 'with the simulator: pump (sliding windows) or press (one window per part)', 'pump')
      .option(
        '--csv <file>',
        'train on a CSV of normal operation: time first, one column per channel, separated by , ; or tabs',
      )
      .option(
        '--channels <list>',
        'with --csv: the columns to use, comma-separated (default: all but anomaly/changepoint/label)',
      )
      .option('--train-rows <n>', 'with --csv: use only the first N rows (as eval --train-rows does)')
      .option(
        '--labels <what>',
        "with --csv: refuse (the default) to train where the file's anomaly column labels rows anomalous among the rows to train on (with --cycle-channel: parts holding such a row), or ignore the labels and learn those rows as normal",
      )
      .option(
        '--window <n>',
        'with --csv and --arch dense or conv1d: rows per window (default 32); with --cycle-channel, points each part is resampled to (default 32)',
      )
      .option('--hop <n>', 'with --csv and --arch dense or conv1d: rows between training windows', '1')
      .option('--max-sample-age-ms <n>', MAX_SAMPLE_AGE_HELP)
      .option('--running-when <condition>', `with --csv: ${RUNNING_WHEN_HELP}`)
      .option('--running-settle-ms <ms>', `with --csv: ${RUNNING_SETTLE_HELP}`)
      .option(
        '--period-ms <n>',
        "with --csv: sample period (default: the median spacing of the time column; needed where it holds plain numbers, not dates or Unix times (ms; s, µs or ns under a time's name), or where the file has no time column)",
      )
      .option(
        '--arch <kind>',
        'hybrid (autoencoder residual + level + variability, the default with --csv), stats (hybrid and stats: with the simulator, --model pump only), dense (the default with the simulator) or conv1d (window a multiple of 4)',
      )
      .option('--hidden <sizes>', 'with --arch dense: hidden layer sizes, comma-separated', '32,6,32')
      .option('--filters <f1,f2>', 'with --arch conv1d: channels after the first and the second convolution', '16,8')
      .option(
        '--name <name>',
        "the model name (default with --csv: the --out folder's name where it is a valid name, else csv-<arch>; with the simulator pump-<arch> for hybrid and stats, else the model's own, pump-ae or press-ae)",
      )
      .option(
        '--model-version <version>',
        "the model's version (default 1.0.0): a release for gateways needs a version other than the one they run, and the name (--name) of the model it replaces",
      )
      .option(
        '--train-s <n>',
        'with the simulator: seconds of normal operation to train on (pump 1800; press 14400, its last quarter held out)',
      )
      .option(
        '--prune <fraction>',
        'remove this fraction of hidden units or conv channels (smallest L1 norm), fine-tune, and record size, speed and loss change in the manifest',
      )
      .requiredOption('--out <dir>', 'output folder for manifest.json and the ONNX files'),
    `with --csv, and hybrid or stats from the simulator: share of the last rows ${VALIDATION_ROWS}`,
  ).action(wrap((opts) => trainCommand(opts, argv)));
}
