/**
 * `linewatch config verify`: a signed configuration message checked before it is published, by the code a gateway runs
 * (ConfigIntake: size, signature, target, sequence, then with --config the local file's rules and the checks of
 * `validate`), and what a gateway keeps in `<data_dir>/remote-config/` (--data-dir), read only: the running and
 * previous messages verified again as a start verifies them, the sequence floor, the probation mark and what the next
 * start makes of it, the latest outcome. Exit 0: taken / all sound; 1: refused, or a kept file the next start refuses;
 * 2: a usage error (a flag, a file that cannot be read, a local file that does not load).
 */
import { judgedOn } from '../remote-config/probation.js';
import type { KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import { readRegularFile, regularFileErrorText } from '../core/regular-file.js';
import { readRemoteTree } from '../remote-config/compose.js';
import { checkAboveFloor, ConfigIntake } from '../remote-config/intake.js';
import { OUTCOME_FILE, readLatestOutcome } from '../remote-config/latest-outcome.js';
import { ConfigRefused, openConfigMessage, type ConfigBody } from '../remote-config/message.js';
import { ConfigProbationFile, markAtStart, PROBATION_FILE } from '../remote-config/probation-mark.js';
import { checkProtectedKeys } from '../remote-config/rules.js';
import { floorRaisedText, sequenceFloor, type SequenceFloor } from '../remote-config/sequence-floor.js';
import { PREVIOUS_FILE, RemoteConfigStore, RUNNING_FILE, STATE_FILE } from '../remote-config/store.js';
import { DEFAULT_MAX_CONFIG_BYTES } from '../sync/schema.js';
import { readPublicKeys } from '../sync/release.js';
import { peekTarget, reportRefusal } from './config-message.js';
import { UsageError } from './usage.js';

export interface ConfigVerifyOptions {
  readonly message?: string;
  readonly key: string;
  readonly config?: string;
  readonly gateway?: string;
  readonly dataDir?: string;
}

/** The largest message file read at all (cloud.remote_config.max_message_bytes' bound); the limit is then checked. */
const MAX_READ_BYTES = 16 << 20;

interface Check {
  readonly keys: readonly KeyObject[];
  readonly keyPath: string;
  readonly gateway?: string;
  readonly maxBytes: number;
  /** With --config: the gateway's own intake. */
  readonly intake?: ConfigIntake;
  readonly store?: RemoteConfigStore;
}

export async function configVerifyCommand(
  opts: ConfigVerifyOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    if (opts.message === undefined && opts.dataDir === undefined)
      throw new UsageError(
        'give --message FILE (a signed configuration message), --data-dir DIR (what a gateway keeps), or both',
      );
    const keyPath = resolve(opts.key);
    const keys = await readPublicKeys(keyPath).catch((err: Error) => {
      throw new UsageError(`--key ${keyPath}: ${err.message}`);
    });
    const local = opts.config === undefined ? undefined : await loadConfigFile(resolve(opts.config), env);
    const gateway = gatewayOf(opts.gateway, local);
    const maxBytes = local?.config.cloud.remote_config?.max_message_bytes ?? DEFAULT_MAX_CONFIG_BYTES;
    if (local && !local.config.cloud.remote_config)
      process.stderr.write(`linewatch: note: ${local.file} has no cloud.remote_config: that gateway takes none\n`);
    const store = opts.dataDir === undefined ? undefined : new RemoteConfigStore(resolve(opts.dataDir), maxBytes);
    const intake =
      local && gateway !== undefined
        ? new ConfigIntake({
            localFile: local.file,
            keys,
            gateway,
            maxBytes,
            store: store ?? new RemoteConfigStore(local.config.data_dir, maxBytes),
            env,
          })
        : undefined;
    const check: Check = { keys, keyPath, maxBytes, ...(gateway ? { gateway } : {}), ...(intake ? { intake } : {}) };
    let code = 0;
    let running: number | undefined;
    if (store) ({ code, running } = await showKept({ ...check, store }));
    if (opts.message !== undefined) code = Math.max(code, await verifyMessage(opts.message, check, store, running));
    return code;
  } catch (err) {
    return reportRefusal(err);
  }
}

/** --gateway, or the local file's gateway.name; both given, they must agree. */
function gatewayOf(flag: string | undefined, local: LoadedConfig | undefined): string | undefined {
  const name = local?.config.gateway.name;
  if (flag !== undefined && name !== undefined && flag !== name)
    throw new UsageError(`--gateway ${flag}: --config ${local!.file} is gateway ${name}: give one, or the same`);
  return flag ?? name;
}

/** Verifies the message file `file` as the gateway would take it; its lines on stdout, a refusal on stderr. */
async function verifyMessage(
  file: string,
  check: Check,
  store: RemoteConfigStore | undefined,
  running: number | undefined,
): Promise<number> {
  const path = resolve(file);
  const bytes = await readRegularFile(path, MAX_READ_BYTES).catch((err: unknown) => {
    throw new UsageError(`--message ${path}: ${regularFileErrorText(err)}`);
  });
  const { intake } = check;
  let body: ConfigBody;
  let runs = false;
  try {
    if (intake) {
      intake.running = running;
      runs = (await intake.check(bytes, path, store ? undefined : 0)) === 'running';
      body = intake.open(bytes, path);
    } else {
      body = openConfigMessage(bytes, path, check.keys, check.gateway ?? peekTarget(bytes), check.maxBytes);
      if (store) checkAboveFloor(body.sequence, (await floorOf(check, store)).floor, path);
      checkProtectedKeys(readRemoteTree(body.yaml, path), path);
    }
  } catch (err) {
    return reportRefusal(err);
  }
  const lines = [
    `verified: ${path}: sequence ${body.sequence}, target ${body.target}, ${bytes.length} bytes: its signature verifies against --key ${check.keyPath}`,
    check.gateway === undefined
      ? '  for any gateway: give --gateway NAME or --config to check it is for this one'
      : `  for gateway ${check.gateway} (under max_message_bytes ${check.maxBytes})`,
    intake
      ? "  taken by the gateway's intake: its local file's rules (protected keys, paths, placeholders) and the checks of validate pass"
      : '  protected keys and placeholders pass; without --config the paths and the checks of validate are not checked',
    store
      ? runs
        ? `  the gateway runs it already (${join(store.dir, RUNNING_FILE)}): delivered again, nothing changes`
        : `  its sequence is above the floor in ${join(store.dir, STATE_FILE)}`
      : "  its sequence is not checked against a gateway's floor: give --data-dir",
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The sequence floor of `store` as the gateway holds it (sequence-floor.ts), its kept messages verified as `check`
 * verifies a message. */
function floorOf(check: Check, store: RemoteConfigStore): Promise<SequenceFloor> {
  const { intake } = check;
  if (intake) return intake.sequenceFloor();
  return sequenceFloor(
    store,
    (bytes, origin) =>
      openConfigMessage(bytes, origin, check.keys, check.gateway ?? peekTarget(bytes), check.maxBytes).sequence,
  );
}

/** Says what the state folder of `store` keeps, read only; 1 where the next start refuses or cannot read a file. */
async function showKept(check: Check & { store: RemoteConfigStore }): Promise<{ code: number; running?: number }> {
  const { store, intake } = check;
  const lines = [`${store.dir} (read only):`];
  let code = 0;
  let running: number | undefined;
  for (const file of [RUNNING_FILE, PREVIOUS_FILE] as const) {
    const origin = join(store.dir, file);
    try {
      const bytes = await store.read(file);
      if (!bytes) {
        lines.push(
          `  ${file}: none: ${file === RUNNING_FILE ? 'the local file runs' : 'a rollback goes back to the local file'}`,
        );
        continue;
      }
      const body = intake
        ? (await intake.checkKept(bytes, origin)).body
        : openConfigMessage(bytes, origin, check.keys, check.gateway ?? peekTarget(bytes), check.maxBytes);
      if (file === RUNNING_FILE) running = body.sequence;
      lines.push(
        `  ${file}: sequence ${body.sequence}, target ${body.target}, ${bytes.length} bytes: verifies${intake ? ", and passes the local file's rules" : ''}`,
      );
    } catch (err) {
      if (!(err instanceof ConfigRefused) && !(err instanceof Error && err.constructor === Error)) throw err;
      code = 1;
      const refused = err instanceof ConfigRefused ? `refused (${err.code}): ` : '';
      lines.push(
        `  ${file}: ${refused}${err.message}${file === RUNNING_FILE ? ': the next start runs the local file' : ''}`,
      );
    }
  }
  try {
    const found = await floorOf(check, store);
    const raised = floorRaisedText(found, store.dir);
    lines.push(
      raised
        ? `  ${STATE_FILE}: ${raised} (not_newer)`
        : `  ${STATE_FILE}: floor ${found.floor}: a message with a sequence at or under it is refused (not_newer)`,
    );
  } catch (err) {
    code = 1;
    lines.push(`  ${STATE_FILE}: ${(err as Error).message}`);
  }
  const marks = new ConfigProbationFile(store.dir);
  const read = marks.read();
  const next = markAtStart(read, running);
  if ('why' in read) code = 1;
  if (next.kind === 'none') lines.push(`  ${PROBATION_FILE}: none: no configuration on probation`);
  else if (next.kind === 'stale') lines.push(`  ${PROBATION_FILE}: ${next.why}: the next start removes it`);
  else {
    const { sequence, previous } = next.mark;
    const found = 'value' in read ? read.value : next.mark;
    lines.push(
      `  ${PROBATION_FILE}: sequence ${sequence} on probation, judged on ${judgedOn(next.mark)}, replacing ${previous === null ? 'the local file' : `sequence ${previous}`}; the gateway ended during it ${found.interrupted} time(s)${found.stopped ? ', then stopped in order' : ''}: ` +
        (next.kind === 'resume'
          ? 'the next start resumes its probation'
          : 'the next start rolls it back (probation_interrupted)'),
    );
  }
  const outcome = readLatestOutcome(store.dir);
  if ('why' in outcome) {
    code = 1;
    lines.push(`  ${OUTCOME_FILE}: ${outcome.why}`);
  } else if ('absent' in outcome) lines.push(`  ${OUTCOME_FILE}: none`);
  else {
    const o = outcome.value.outcome;
    lines.push(
      `  ${OUTCOME_FILE}: ${o.outcome}${o.sequence !== undefined ? ` sequence ${o.sequence}` : ''}${o.code ? ` (${o.code})` : ''} at ${new Date(o.ts).toISOString()}: ${outcome.value.published ? 'acknowledged by the broker' : 'not acknowledged yet: published at the next connection'}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return { code, ...(running !== undefined ? { running } : {}) };
}
