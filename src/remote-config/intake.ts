/**
 * Taking a signed configuration message, in order: size, signature, target (message.ts); sequence above the floor (no
 * replay of an older one, nor of one rolled back; sequence-floor.ts); what a remote party may not change and the
 * checks of a local file (compose.ts); then kept in the state folder (store.ts) as the running configuration. And at
 * start, the configuration to run: the kept one, its signature verified again, or the local file.
 */
import type { KeyObject } from 'node:crypto';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import { configSchema, type Config } from '../config/schema.js';
import { composeConfig, readLocalTree } from './compose.js';
import { newMachineWrites } from './machine-writes.js';
import { ConfigRefused, openConfigMessage, type ConfigBody } from './message.js';
import { sequenceFloor, type SequenceFloor } from './sequence-floor.js';
import { RUNNING_FILE, type RemoteConfigStore } from './store.js';

/** A local file that no longer parses writes nothing that counts as known. */
const NO_WRITES = { sources: [], assets: [] } as unknown as Config;

export interface TakenConfig {
  readonly loaded: LoadedConfig;
  readonly sequence: number;
  /** The writes to machines it makes that the local file does not (machine-writes.ts), for the outcome. */
  readonly newWrites?: string;
}

/** The configuration to start with: a remote one (its sequence) or the local file (no sequence; where one was kept,
 * why it was not used). */
export interface StartConfig {
  readonly loaded: LoadedConfig;
  readonly sequence?: number;
  readonly why?: string;
}

export class ConfigIntake {
  /** The sequence of the configuration running (undefined: the local file). */
  running: number | undefined;

  constructor(
    private readonly deps: {
      readonly localFile: string;
      readonly keys: readonly KeyObject[];
      readonly gateway: string;
      readonly maxBytes: number;
      readonly store: RemoteConfigStore;
      readonly env?: NodeJS.ProcessEnv;
    },
  ) {}

  /** The message's configuration, checked and kept as the running one; 'running' where it is that one (a retained
   * message delivered again); a ConfigRefused where it is refused (nothing kept). check, then keep. */
  async take(bytes: Uint8Array, origin: string): Promise<TakenConfig | 'running'> {
    const taken = await this.check(bytes, origin);
    if (taken !== 'running') await this.keep(bytes, taken.sequence);
    return taken;
  }

  /** The message's configuration, checked as take checks it (the floor included), nothing kept; 'running' where it
   * is the one running. `floor`: the state folder's unless given (`config verify` without a gateway's). */
  async check(bytes: Uint8Array, origin: string, floor?: number): Promise<TakenConfig | 'running'> {
    const above = floor ?? (await this.sequenceFloor()).floor;
    const body = this.open(bytes, origin);
    if (body.sequence === this.running) return 'running';
    checkAboveFloor(body.sequence, above, origin);
    const { loaded, local } = await this.composeBeside(body.yaml, `${origin} (sequence ${body.sequence})`);
    const parsedLocal = configSchema.safeParse(local.tree);
    const newWrites = newMachineWrites(loaded.config, parsedLocal.success ? parsedLocal.data : NO_WRITES);
    return { loaded, sequence: body.sequence, ...(newWrites ? { newWrites } : {}) };
  }

  /** Keeps a message check took as the running configuration (the running one as the previous one). */
  async keep(bytes: Uint8Array, sequence: number): Promise<void> {
    await this.deps.store.accept(bytes, sequence);
  }

  /** The state folder's sequence floor: state.json's, raised to its kept messages' verified sequences
   * (sequence-floor.ts); a ConfigRefused state_damaged where state.json cannot be read. */
  sequenceFloor(): Promise<SequenceFloor> {
    return sequenceFloor(this.deps.store, (bytes, origin) => this.open(bytes, origin).sequence);
  }

  /** The kept running configuration, checked again as when it came (a local file changed since may refuse it), or
   * the local file. */
  async atStart(): Promise<StartConfig> {
    const local = () => loadConfigFile(this.deps.localFile, this.deps.env);
    const origin = `${this.deps.store.dir}/${RUNNING_FILE}`;
    let kept: Buffer | undefined;
    try {
      kept = await this.deps.store.read(RUNNING_FILE);
    } catch (err) {
      // One that cannot be read (a folder, a FIFO, a disk error) is put aside as a tampered one is: it ended the start.
      return { loaded: await local(), why: (err as Error).message };
    }
    try {
      if (!kept) return { loaded: await local() };
      const { body, loaded } = await this.checkKept(kept, origin);
      return { loaded, sequence: body.sequence };
    } catch (err) {
      if (!kept) throw err;
      return { loaded: await local(), why: (err as Error).message };
    }
  }

  /** A kept message (from `origin`, a file of the state folder) checked as at start: its body and configuration. */
  async checkKept(bytes: Uint8Array, origin: string): Promise<{ body: ConfigBody; loaded: LoadedConfig }> {
    const body = this.open(bytes, origin);
    return { body, loaded: await this.compose(body.yaml, `${origin} (sequence ${body.sequence})`) };
  }

  /** The message's verified body (size, signature, target: openConfigMessage). */
  open(bytes: Uint8Array, origin: string): ConfigBody {
    return openConfigMessage(bytes, origin, this.deps.keys, this.deps.gateway, this.deps.maxBytes);
  }

  /** `yaml` composed beside the local file as the gateway runs it (compose.ts), or a ConfigRefused. */
  async compose(yaml: string, origin: string): Promise<LoadedConfig> {
    return (await this.composeBeside(yaml, origin)).loaded;
  }

  /** The configuration of `yaml`, and the local file's tree it was composed beside. */
  private async composeBeside(yaml: string, origin: string) {
    const local = await readLocalTree(this.deps.localFile, this.deps.env ?? process.env);
    return { loaded: await composeConfig(yaml, origin, local), local };
  }
}

/** Refuses a `sequence` (from `origin`) not above `floor`, the highest applied or rolled back (not_newer). */
export function checkAboveFloor(sequence: number, floor: number, origin: string): void {
  if (sequence <= floor)
    throw new ConfigRefused(
      'not_newer',
      `${origin}: sequence ${sequence}, not above ${floor}, the highest applied or rolled back here: an older configuration is not taken again (sign it anew with a higher --sequence)`,
      sequence,
    );
}
