/**
 * `linewatch eval`: detection measured the way it ships. For each labelled CSV (SKAB format) either
 * fit a model on its first N rows with `fitDetector` (the code `linewatch train` runs) or take a
 * model folder as it is, then stream every row through the gateway's own code: AssetWindows (an asset's default
 * window settings: a row per batch, a window every row), the ONNX graph run by AutoencoderModel in micro-batches, and
 * the alarm state machine with the model's calibrated on/off thresholds as the causal prediction for each row.
 * Metrics cover the rows after the first N, summed over all files.
 *
 * Its parts: the files under --data (data-files.ts), a file's fitted model (file-fit.ts), a fitted model in memory
 * (in-memory-model.ts), a file streamed and scored (stream-series.ts) with the daemon's alarm (alarm-over-rows.ts),
 * and the summed report (eval-report.ts); this module re-exports them, as it held them before.
 */
export { alarmOverRows, DAEMON_ALARM_DELAYS, type AlarmDelays } from './alarm-over-rows.js';
export { csvFilesUnder, filesUnder, hasLabels } from './data-files.js';
export { missingInModel, summarise, type EvalReport } from './eval-report.js';
export { fitFileModel, fitOnSeries, learnableChannels, whyNotEvaluated, type FileFit } from './file-fit.js';
export { fp32Manifest, inMemoryModel, type Precision } from './in-memory-model.js';
export { NAB_WINDOW_PERIODS, nabOverRows, streamSeries, type FileResult } from './stream-series.js';
