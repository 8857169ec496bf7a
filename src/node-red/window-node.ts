/**
 * linewatch-window: samples in (from node-red-contrib-modbus, node-red-contrib-opcua or any
 * timestamped payload, see message-samples.ts) → windows out, sliding or one per produced part,
 * cut exactly as the daemon cuts them (src/windows/asset-windows.ts).
 * Output 1: complete windows. Output 2: windows or parts that cannot be judged (a missing,
 * stale or bad sample; a cycle too short or too long), with the reason, and the start of a stop.
 * With a running condition (the model's `training.running_when`, or the dialog's: running-settings.ts) rows where the
 * machine does not run, or settles after its restart, are neither windowed nor scored, as the gateway's asset with
 * `running_when` (window-stops.ts). Rows whose samples came late are counted on its status and messages (`lateRows`:
 * window-late-rows.ts).
 */
import type { HeldRows, Window } from '../core/types.js';
import { windowSchema } from '../windows/schema.js';
import { formatIssues } from '../core/format-issues.js';
import { AssetWindows, type AssetWindowOutcome } from '../windows/asset-windows.js';
import { TimestampBatches } from '../windows/timestamp-batches.js';
import { partCutIssues, partCutOf, type PartCut } from '../windows/cycle/part-cut.js';
import {
  parseTopicMap,
  samplesFromMessage,
  INPUT_FORMATS,
  type InputFormat,
  type MessageFormat,
} from './message-samples.js';
import {
  parseRegisterFields,
  registerListScript,
  REGISTER_LIST_SCRIPT,
  unreadChannels,
  unreadPartChannels,
} from './register-list.js';
import { numberSetting } from './field-rules.js';
import {
  list,
  serveEditorScript,
  text,
  withFieldLabel,
  type NodeDefinition,
  type NodeInstance,
  type RedApi,
} from './red-api.js';
import type { ModelConfigNode } from './model-config-node.js';
import { RepeatedErrors } from './repeated-errors.js';
import { runningDifference, runningSettings, runningText } from './running-settings.js';
import { runningConditionText } from '../core/running-condition.js';
import { statusText } from './status-text.js';
import { WindowStops } from './window-stops.js';
import { WindowLateRows } from './window-late-rows.js';
import { PartCounterGaps } from '../runtime/part-counter-gaps.js';
import { unreadPayload } from './unread-payload.js';

/** A window as it travels in a message: plain arrays, JSON-safe. */
export interface WindowPayload {
  readonly asset: string;
  readonly channels: readonly string[];
  readonly length: number;
  readonly start: number;
  readonly end: number;
  readonly data: number[];
  readonly partId?: string;
  readonly durationMs?: number;
  /** Rows that held a channel's reading over a failed read (Window.held); absent where none. */
  readonly held?: HeldRows;
  /** A part's points its rows do not reach (Window.unreadPoints, unread-payload.ts); absent: all read. */
  readonly unreadPoints?: readonly number[];
  /** Where those are all at its end (its last polls missed): how many points its rows reach; absent: all read. */
  readonly readPoints?: number;
}

export function windowPayload(w: Window, durationMs?: number): WindowPayload {
  return {
    asset: w.asset,
    channels: w.channels,
    length: w.length,
    start: w.start,
    end: w.end,
    data: Array.from(w.data),
    ...(w.partId !== undefined ? { partId: w.partId } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(w.held !== undefined ? { held: w.held } : {}),
    ...unreadPayload(w.unreadPoints, w.length),
  };
}

/**
 * What started where a cycle already runs at the trigger's first reading: in a flow, the window node (set up when its
 * flow is deployed or Node-RED starts), not the gateway; its part is sent unknown with this reason.
 */
export const WINDOW_NODE_STARTED = 'the window node started mid-cycle: its flow was deployed or Node-RED started';

/** The window schema's keys as the edit dialog names their fields. */
const WINDOW_FIELDS = {
  type: 'Windows',
  hop_samples: 'Hop',
  max_sample_age_ms: 'Max age',
  align: 'Rows',
  trigger_channel: 'Trigger',
  trigger: 'Trigger kind',
  part_id_channel: 'Part id',
  min_samples: 'Min samples',
  max_samples: 'Max samples',
};

/**
 * The editor's settings turned into windowing options; throws naming the setting. A cycle window whose trigger channel
 * is left empty takes the cut its part model learned (`cut`, from the model's manifest), as its channels and length
 * follow the model.
 */
export function windowSettings(config: NodeDefinition, cut?: PartCut) {
  const partWindow = text(config, 'mode', 'sliding') === 'cycle';
  const adopt = partWindow && !text(config, 'triggerChannel') ? cut : undefined;
  const triggerChannel = text(config, 'triggerChannel') || adopt?.cycleChannel;
  const partIdChannel = text(config, 'partIdChannel') || adopt?.partIdChannel;
  const raw = {
    type: text(config, 'mode', 'sliding'),
    hop_samples: numberSetting(config, 'hop'),
    max_sample_age_ms: numberSetting(config, 'maxAgeMs'),
    align: text(config, 'align', 'batch'),
    ...(triggerChannel ? { trigger_channel: triggerChannel } : {}),
    trigger: adopt?.trigger ?? text(config, 'trigger', 'flag'),
    ...(partIdChannel ? { part_id_channel: partIdChannel } : {}),
    // Bounds left empty follow the part model, whichever trigger is set (validate then checks the two agree).
    min_samples: numberSetting(config, 'minSamples') ?? (partWindow ? cut?.minRows : undefined),
    max_samples: numberSetting(config, 'maxSamples') ?? (partWindow ? cut?.maxRows : undefined),
  };
  const parsed = windowSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success)
    throw new Error(
      `window settings: ${formatIssues(parsed.error.issues)
        .map((line) => withFieldLabel(line, WINDOW_FIELDS))
        .join('; ')}`,
    );
  if (parsed.data.type === 'cycle' && !parsed.data.trigger_channel)
    throw new Error('window settings: cycle windows need a trigger channel (a cycle-active flag or a part counter)');
  const format = text(config, 'format', 'object') as InputFormat;
  if (!INPUT_FORMATS.includes(format))
    throw new Error(`window settings: input format "${format}" is not one of ${INPUT_FORMATS.join(', ')}`);
  return { window: parsed.data, format };
}

export function registerWindowNode(RED: RedApi): void {
  // The dialog's register list check: the runtime's own rule (a script of code, no setting: served as /resources are).
  serveEditorScript(RED, REGISTER_LIST_SCRIPT, registerListScript());
  RED.nodes.registerType('linewatch-window', function (this: NodeInstance, config: NodeDefinition) {
    RED.nodes.createNode(this, config);
    const node = this;
    const asset = text(config, 'asset', text(config, 'name', 'asset'));
    let windows: AssetWindows | undefined;
    // One message per tag (topic input): samples with one source timestamp make one row.
    const batches = new TimestampBatches();
    let format: MessageFormat | undefined;
    let problem: Error | undefined;
    let stops: WindowStops | undefined;
    /** Parts a part counter skipped (made while their readings were lost): sent as incomplete parts, as the gateway. */
    let counterGaps: PartCounterGaps | undefined;
    let emitted = 0;
    let incomplete = 0;
    /** A held row's bound (the window's max_sample_age_ms) and its timer: let go where no message follows. */
    let maxAgeMs = 0;
    let releaseTimer: ReturnType<typeof setTimeout> | undefined;
    const late = new WindowLateRows(asset, (message) => node.warn(message));
    const modelNode = RED.nodes.getNode(text(config, 'model')) as ModelConfigNode | undefined;
    // The same error for every message (not set up, a payload every read gets wrong) is reported once a minute.
    const repeats = new RepeatedErrors();

    const setup = async () => {
      const loaded = modelNode ? await modelNode.manifest() : undefined;
      const { window, format: f } = windowSettings(config, loaded && partCutOf(loaded.manifest.training));
      maxAgeMs = window.max_sample_age_ms;
      // A part model judges the parts it learned: a window that would cut others is refused, as validate refuses it.
      const issues = loaded ? partCutIssues(loaded.manifest, window, `window ${asset}`) : [];
      if (issues.length > 0) throw new Error(issues.join('; '));
      const running = runningSettings(config, loaded?.manifest.training, `window ${asset}`, window.type);
      // Rows other than the model learnt (Runs when, Settle set otherwise): said once, and in the status while waiting.
      const differs =
        loaded &&
        runningDifference(running, loaded.manifest.training, loaded.manifest.name, `window ${asset}`, window.type);
      if (differs) node.warn(differs);
      const when = running?.condition;
      format = {
        format: f,
        asset,
        ...(when ? { textChannels: new Set([when.channel]) } : {}),
        ...(f === 'registers' ? { registers: parseRegisterFields(text(config, 'registers')) } : {}),
        ...(f === 'topic' ? { topics: parseTopicMap(text(config, 'topics')) } : {}),
      };
      let channels = list(config, 'channels');
      let length = numberSetting(config, 'length');
      let periodMs: number | undefined;
      // The manifest says the window's shape: the ONNX session (loaded by the score node) is not needed to cut windows,
      // so a model the runtime cannot load (providers) still leaves the rows windowed and that error to the scorer.
      if (loaded) {
        const { input } = loaded.manifest;
        channels = input.channels.map((c) => c.name);
        length = input.window_length;
        periodMs = input.sample_period_ms;
      }
      if (channels.length === 0) throw new Error('window settings: no channels (choose a model, or list the channels)');
      const unread =
        format.registers &&
        (unreadChannels(channels, format.registers) ?? unreadPartChannels(window, format.registers));
      if (unread) throw new Error(unread);
      if (length === undefined || !Number.isInteger(length) || length < 1)
        throw new Error('window settings: window length must be a whole number of samples (or choose a model)');
      if (window.align !== 'batch' && periodMs === undefined)
        throw new Error(`window settings: align ${window.align} puts samples on the model's time grid: choose a model`);
      windows = new AssetWindows(
        asset,
        channels,
        length,
        window,
        periodMs,
        (message) => node.warn(message),
        when,
        (_source, lateMs) => late.row(lateMs),
        () => late.overtaken(),
        WINDOW_NODE_STARTED,
      );
      stops = when && new WindowStops(asset, when, (message) => node.log(message));
      counterGaps =
        window.type === 'cycle' && window.part_id_channel ? new PartCounterGaps(asset, maxAgeMs) : undefined;
      if (running) node.log(`window ${asset}: windows only the rows where ${runningText(when!)} (${running.from})`);
      // Rows other than the model learnt: yellow, said first (a status is cut at 60 characters); the log says how.
      const runs = differs
        ? "; not the model's running condition"
        : when
          ? `, runs when ${runningConditionText(when)}`
          : '';
      node.status({
        fill: differs ? 'yellow' : 'grey',
        shape: 'ring',
        text: statusText(`${channels.length} channels × ${length}, waiting${runs}`),
      });
    };
    const ready = setup().catch((err: Error) => {
      problem = err;
      node.status({ fill: 'red', shape: 'ring', text: statusText(err.message) });
      node.error(err.message);
    });

    /** Sends the windows' outcomes (windows on output 1, incomplete ones and stops on output 2); the status. */
    const deliver = (
      outcomes: readonly AssetWindowOutcome[],
      msg: Record<string, unknown>,
      send: (msgs: (Record<string, unknown> | null)[]) => void,
      lateBefore: number,
      wasStopped: boolean | undefined,
    ): void => {
      for (const outcome of outcomes) {
        for (const p of counterGaps?.before(outcome, (notice) => node.warn(notice)) ?? []) {
          incomplete++;
          send([null, { ...msg, topic: asset, lateRows: late.count, payload: { asset, ...p } }]);
        }
        if (outcome.kind === 'window') {
          emitted++;
          send([
            {
              ...msg,
              topic: asset,
              lateRows: late.count,
              payload: windowPayload(outcome.window, outcome.durationMs),
            },
            null,
          ]);
        } else if (outcome.kind === 'incomplete' || (outcome.kind === 'stopped' && stops?.row(outcome))) {
          // A stop is said once, at its first row; its other rows, and a restart's settle, only in the status.
          if (outcome.kind === 'incomplete') incomplete++;
          // No reading of the condition's channel may be a flow that does not send it: said in the debug sidebar.
          else if (outcome.state === 'unknown')
            node.warn(`window ${asset}: ${outcome.reason}: its rows are not windowed until one comes (Runs when)`);
          send([
            null,
            {
              ...msg,
              topic: asset,
              lateRows: late.count,
              payload: {
                asset,
                ts: outcome.ts,
                reason: outcome.reason,
                ...(outcome.kind === 'stopped' ? { state: outcome.state } : {}),
                ...(outcome.kind === 'incomplete' && outcome.partId !== undefined ? { partId: outcome.partId } : {}),
              },
            },
          ]);
        }
      }
      // The machine runs, settled, at the newest row: its stop ends (after the stopped rows before it), as the
      // gateway's asset ends it.
      if (windows?.running === 'running') stops?.running();
      const last = outcomes[outcomes.length - 1];
      if (last || wasStopped !== stops?.standing || late.seen !== lateBefore)
        node.status(
          stops?.status() ?? {
            fill: last?.kind === 'incomplete' ? 'yellow' : 'green',
            shape: 'dot',
            text: `${emitted} windows, ${incomplete} incomplete${stops?.rows ? `, ${stops.rows} rows stopped` : ''}${late.statusPart}`,
          },
        );
    };

    /**
     * A row of held values waits for the next message (source-rows.ts); where none comes within Max age (the source
     * stopped), it goes, as the gateway lets it go (asset-pipeline.ts releaseHeld): never lost unsaid.
     */
    const holdUntilNext = (): void => {
      clearTimeout(releaseTimer);
      releaseTimer = undefined;
      if (!windows?.holding) return;
      releaseTimer = setTimeout(() => {
        releaseTimer = undefined;
        if (!windows) return;
        const lateBefore = late.seen;
        const wasStopped = stops?.standing;
        deliver(windows.release(), {}, (msgs) => node.send(msgs), lateBefore, wasStopped);
      }, maxAgeMs);
    };

    node.on('input', (msg, send, done) => {
      ready.then(() => {
        if (problem || !windows || !format)
          return done(
            repeats.admit(new Error(`window ${asset} is not set up: ${problem?.message ?? 'still loading'}`)),
          );
        const outcomes: AssetWindowOutcome[] = [];
        const lateBefore = late.seen;
        const wasStopped = stops?.standing;
        try {
          const samples = samplesFromMessage(msg, format, Date.now());
          for (const batch of format.format === 'topic' ? batches.push(samples) : [samples]) {
            counterGaps?.sampled(batch);
            outcomes.push(...windows.push(batch));
          }
        } catch (err) {
          node.status({ fill: 'red', shape: 'dot', text: statusText((err as Error).message) });
          return done(repeats.admit(err as Error));
        }
        repeats.taken();
        deliver(outcomes, msg, send, lateBefore, wasStopped);
        holdUntilNext();
        done();
      }, done);
    });
    node.on('close', (_removed, done) => {
      clearTimeout(releaseTimer);
      // Closed (a redeploy, a stop) while a row of held values waited for the next message: said, not sent.
      if (windows?.holding)
        node.log(`window ${asset}: closed while a row of held values waited for the next samples: not windowed`);
      node.status({});
      done();
    });
  });
}
