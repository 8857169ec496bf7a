/**
 * `linewatch demo`: the line simulator and the gateway in one process, no external service.
 * A fault is scheduled in the simulator; the console shows each window's anomaly score, the
 * alarm when it is raised and the sensors that contributed. With --duration-s N it exits after
 * N seconds and prints a one-line JSON summary last.
 */
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load.js';
import { isRaise, type AlarmStateName } from '../core/types.js';
import { runUntilSignal, startDaemon } from '../daemon/daemon.js';
import { shareText } from '../alarms/alarm-event.js';
import { freePort } from '../core/free-port.js';
import { FAULT_TYPES, type FaultType } from '../sim/faults.js';
import { runSimulator } from '../sim/run-simulator.js';
import { cliLogger } from './logging.js';
import { reportError } from './report-error.js';
import { choiceFlag, numberFlag, portFlag, portTakenHint } from './usage.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export interface DemoOptions {
  durationS: string;
  httpPort: string;
  fault: string;
  faultAtS: string;
}

/** How long the demo runs, how to stop it, and where to go after it: its third line. */
export function demoPlan(durationS: number): string {
  const runs = durationS > 0 ? `runs ${durationS} s (Ctrl-C stops it sooner)` : 'runs until Ctrl-C';
  return `${runs}, then prints a one-line JSON summary; your own PLC next: linewatch init (docs/config-guide.md)`;
}

/**
 * An alarm's state after a transition other than a raise, in words: the message that follows ends with the ISA-18.2
 * states themselves (`(unack_active → rtn_unack)`).
 */
const ALARM_STATE_WORDS: Record<AlarmStateName, string> = {
  normal: 'ALARM NORMAL',
  unack_active: 'ALARM ACTIVE, not acknowledged',
  ack_active: 'ALARM ACKNOWLEDGED, still active',
  rtn_unack: 'ALARM CLEARED, not acknowledged',
  shelved: 'ALARM SHELVED',
  out_of_service: 'ALARM OUT OF SERVICE',
};

function bar(score: number, threshold: number): string {
  const cells = Math.min(30, Math.round((score / threshold) * 10));
  return `${'#'.repeat(Math.min(cells, 10))}${'!'.repeat(Math.max(0, cells - 10))}`.padEnd(30);
}

export async function demoCommand(opts: DemoOptions): Promise<number> {
  let durationS: number, faultAt: number, httpPort: number;
  try {
    durationS = numberFlag('duration-s', opts.durationS);
    faultAt = numberFlag('fault-at-s', opts.faultAtS);
    httpPort = portFlag('http-port', opts.httpPort);
    choiceFlag('fault', opts.fault, FAULT_TYPES);
  } catch (err) {
    return reportError(err);
  }
  let sim;
  try {
    sim = await runSimulator({
      modbusPort: await freePort(),
      httpPort: 0,
      seed: 42,
      schedule: [{ type: opts.fault as FaultType, start_s: faultAt, duration_s: 40, severity: 0.8, ramp_s: 5 }],
    });
  } catch (err) {
    return reportError(err);
  }
  const env = {
    ...process.env,
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: String(httpPort),
  };
  const logger = cliLogger(process.stderr, 'warn');
  const started = Date.now();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const summary = {
    windows_scored: 0,
    alarms_raised: 0,
    max_score: {} as Record<string, number>,
    threshold: {} as Record<string, number>,
    parts: { pass: 0, fail: 0, unknown: 0 },
    fault: { type: opts.fault, at_s: faultAt },
    first_alarm_s: null as number | null,
    top_channels: [] as string[],
  };
  try {
    const loaded = await loadConfigFile(DEMO_CONFIG, env);
    // Each showing starts with its alarms normal, whatever a previous one left in the demo's store; each alarm is
    // printed below, once, not logged as well.
    const daemon = await startDaemon(loaded, logger, { restoreAlarms: false, logAlarms: false });
    out(
      `linewatch demo: simulator on 127.0.0.1:${sim.modbusPort} (Modbus TCP), fault "${opts.fault}" scheduled at ${faultAt} s; faults API http://127.0.0.1:${sim.httpPort}/faults`,
    );
    if (daemon.http)
      out(
        `gateway status: http://127.0.0.1:${daemon.http.port}/api/status   metrics: http://127.0.0.1:${daemon.http.port}/metrics`,
      );
    out(demoPlan(durationS));
    daemon.gateway.events.subscribe('parts', (parts) => {
      for (const p of parts) {
        summary.parts[p.verdict]++;
        const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
        out(
          `${t}s ${p.asset} part ${p.partId.padStart(5)} ${p.verdict.toUpperCase().padEnd(7)}${p.score !== undefined ? ` score ${p.score.toFixed(4)} / ${p.threshold!.toFixed(4)}` : ''}${p.verdict === 'fail' ? ` top: ${p.topChannels.join(', ')}` : ''}${p.reason ? ` (${p.reason})` : ''}`,
        );
      }
    });
    daemon.gateway.events.subscribe('scores', (scores) => {
      for (const r of scores) {
        if (r.partId !== undefined) continue; // parts are printed as verdicts
        summary.windows_scored++;
        // As printed: three decimals.
        summary.max_score[r.asset] = Math.max(summary.max_score[r.asset] ?? 0, round3(r.score));
        summary.threshold[r.asset] = round3(r.threshold);
        const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
        const top = r.contributions.slice(0, 3).map(shareText).join(', ');
        out(
          `${t}s ${r.asset} score ${r.score.toFixed(3).padStart(8)} / ${r.threshold.toFixed(3)} ${bar(r.score, r.threshold)} ${r.anomalous ? 'ANOMALOUS' : 'normal   '} top: ${top}`,
        );
      }
    });
    daemon.gateway.events.subscribe('alarm', (a) => {
      const t = (Date.now() - started) / 1000;
      if (isRaise(a)) {
        summary.alarms_raised++;
        summary.first_alarm_s ??= Math.round(t * 10) / 10;
        if (summary.top_channels.length === 0) summary.top_channels = [...a.topChannels];
        out(`${t.toFixed(1).padStart(6)}s ALARM RAISED (${a.priority})  ${a.message}`);
      } else out(`${t.toFixed(1).padStart(6)}s ${ALARM_STATE_WORDS[a.state]}  ${a.message}`);
    });
    let ends: NodeJS.Timeout | undefined;
    const timer =
      durationS > 0 ? new Promise<void>((resolve) => (ends = setTimeout(resolve, durationS * 1000))) : undefined;
    await runUntilSignal(daemon, logger, timer);
    // A Ctrl-C before the duration: nothing may keep the process alive until it would have ended.
    clearTimeout(ends);
  } catch (err) {
    await sim.close();
    return reportError(portTakenHint(err, { 'http-port': httpPort }));
  }
  await sim.close();
  out(JSON.stringify({ ...summary, duration_s: Math.round((Date.now() - started) / 100) / 10 }));
  return 0;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
