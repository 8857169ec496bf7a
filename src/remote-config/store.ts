/**
 * The remote configuration's state folder, `<data_dir>/remote-config/` (data_dir is the local file's: a remote
 * configuration cannot move it): the signed message of the configuration that runs (`running.msg`), the one it
 * replaced (`previous.msg`; none: the local file), the last one rolled back (`rolled-back.msg`), and `state.json` with
 * the sequence floor (the highest sequence applied or rolled back: none at or under it is taken again; the kept signed
 * messages carry it too, sequence-floor.ts). Each file is written whole through a temporary file,
 * synced and renamed (writeStoreFile); its name is this module's, never a message's. What is read back is read as
 * hostile (a regular file, size-capped) and its signature verified again by the caller.
 *
 * accept writes the floor first, then previous.msg, then running.msg: a crash or a failure between two writes leaves
 * the configuration before running at the next start (the probation mark of the new one, written before, is then not
 * for the one that starts: removed), the floor at most raised; only the last write makes the new one run, and then its
 * floor is raised and its probation mark waits for it (the next start resumes the probation).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readRegularFile } from '../core/regular-file.js';
import { ConfigRefused } from './message.js';
import { readJsonFile } from '../sync/json-file.js';
import { writeStoreFile, writeStoreJson } from '../sync/store-files.js';

export const STATE_FOLDER = 'remote-config';
export const RUNNING_FILE = 'running.msg';
export const PREVIOUS_FILE = 'previous.msg';
export const STATE_FILE = 'state.json';
export const ROLLED_BACK_FILE = 'rolled-back.msg';
/** The signed messages the folder keeps (each verified again by its reader). */
export const KEPT_FILES = [RUNNING_FILE, PREVIOUS_FILE, ROLLED_BACK_FILE] as const;
export type KeptFile = (typeof KEPT_FILES)[number];

const stateSchema = z.strictObject({ floor: z.number().int().min(0) });

/** How the store writes its files (writeStoreFile, writeStoreJson); a test injects failing ones. */
export interface StoreWrites {
  readonly file: (path: string, data: Uint8Array) => Promise<void>;
  readonly json: (path: string, value: unknown) => Promise<void>;
}
const FILE_WRITES: StoreWrites = { file: writeStoreFile, json: writeStoreJson };

export class RemoteConfigStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly maxBytes: number,
    private readonly writes: StoreWrites = FILE_WRITES,
  ) {
    this.dir = join(dataDir, STATE_FOLDER);
  }

  /**
   * The highest sequence applied or rolled back (0: none). Where state.json is there and cannot be read (damaged,
   * not JSON, not a file), a ConfigRefused `state_damaged` naming it: the floor is unknown, and taking any message
   * could replay an older configuration, so every one is refused until an operator repairs the file (never reset).
   */
  floor(): number {
    const path = join(this.dir, STATE_FILE);
    const read = readJsonFile(path, stateSchema, 4096);
    if ('absent' in read) return 0;
    if ('why' in read)
      throw new ConfigRefused(
        'state_damaged',
        `remote configuration state ${read.why}: the sequence floor is unknown, so every configuration is refused ` +
          `(one taken could be an older one replayed) until an operator writes {"floor": N} to ${path}, N at least ` +
          'the highest sequence ever signed for this gateway (docs/operations.md#remote-configuration)',
      );
    return read.value.floor;
  }

  /** The bytes of a kept message, or undefined where there is none. */
  async read(file: KeptFile): Promise<Buffer | undefined> {
    return readRegularFile(join(this.dir, file), this.maxBytes).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new Error(`remote configuration ${join(this.dir, file)}: ${err.message}`, { cause: err });
    });
  }

  /**
   * Keeps `message` (sequence `sequence`) as the running one, the running one before it as the previous one: the floor
   * first, the running message last (see the top). A failure says which file, and where the floor was raised already.
   */
  async accept(message: Uint8Array, sequence: number): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const floor = Math.max(sequence, this.floor());
    const running = await this.read(RUNNING_FILE);
    await this.writeStep(STATE_FILE, () => this.writes.json(join(this.dir, STATE_FILE), { floor }), undefined);
    const raised = `; the floor is ${floor} already: send it again with a higher sequence`;
    await this.writeStep(
      PREVIOUS_FILE,
      () =>
        running
          ? this.writes.file(join(this.dir, PREVIOUS_FILE), running)
          : rm(join(this.dir, PREVIOUS_FILE), { force: true }),
      raised,
    );
    await this.writeStep(RUNNING_FILE, () => this.writes.file(join(this.dir, RUNNING_FILE), message), raised);
  }

  /**
   * Removes previous.msg where it holds the running message itself: a keep cut short after writing it (accept's second
   * write) overwrote the one before, so a rollback of the running one would start it again; without it a rollback
   * goes back to the local file. Whether it did.
   */
  async dropPreviousEqualToRunning(): Promise<boolean> {
    const [running, previous] = [await this.read(RUNNING_FILE), await this.read(PREVIOUS_FILE)];
    if (!running || !previous || !running.equals(previous)) return false;
    await rm(join(this.dir, PREVIOUS_FILE), { force: true });
    return true;
  }

  private async writeStep(file: string, write: () => Promise<void>, after: string | undefined): Promise<void> {
    try {
      await write();
    } catch (err) {
      throw new Error(`cannot write ${join(this.dir, file)}: ${(err as Error).message}${after ?? ''}`, { cause: err });
    }
  }

  /**
   * Puts the previous configuration back as the running one (none: the local file); the floor stays, and the one rolled
   * back is kept as rolled-back.msg first, its signed sequence the floor where state.json is lost (sequence-floor.ts).
   */
  async rollBack(): Promise<void> {
    const running = await this.read(RUNNING_FILE);
    if (running) await this.writes.file(join(this.dir, ROLLED_BACK_FILE), running);
    const previous = await this.read(PREVIOUS_FILE);
    if (previous) await this.writes.file(join(this.dir, RUNNING_FILE), previous);
    else await rm(join(this.dir, RUNNING_FILE), { force: true });
    await rm(join(this.dir, PREVIOUS_FILE), { force: true });
  }
}
