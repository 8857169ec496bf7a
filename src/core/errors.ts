/** Typed errors that carry where the problem is and whether retrying can help. */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_FILE'
  | 'MODEL_INVALID'
  | 'MODEL_MISMATCH'
  | 'MODEL_UNLOADABLE'
  | 'MODEL_IO_MISMATCH'
  | 'MODEL_GOLDEN_MISMATCH'
  | 'DEVICE_UNREACHABLE'
  | 'DEVICE_EXCEPTION'
  | 'DEVICE_TIMEOUT'
  | 'DECODE'
  | 'SINK_WRITE'
  | 'INFERENCE'
  | 'QUEUE_FULL';

export class LinewatchError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LinewatchError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A configuration problem; `issues` lists every problem found, each as "path: message". */
export class ConfigError extends LinewatchError {
  readonly issues: readonly string[];
  constructor(file: string, issues: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration ${file}:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * A server that cannot listen on the port its configuration or flag gives: `reason` is the listen error's code
 * (EADDRINUSE: another program holds it; EACCES; EADDRNOTAVAIL), `port` the port asked for.
 */
export class ListenError extends LinewatchError {
  constructor(
    readonly port: number,
    readonly reason: string,
    message: string,
    cause?: unknown,
  ) {
    super('CONFIG_INVALID', message, { cause });
    this.name = 'ListenError';
  }
}

/**
 * A model that cannot be used: MODEL_INVALID (its files), MODEL_UNLOADABLE (onnxruntime refuses the graph),
 * MODEL_IO_MISMATCH (the graph lacks the manifest's input or outputs), MODEL_GOLDEN_MISMATCH (the golden window
 * does not reproduce), MODEL_MISMATCH (a window the model cannot take). Callers sort by `code`, never by message.
 */
export type ModelErrorCode =
  'MODEL_INVALID' | 'MODEL_MISMATCH' | 'MODEL_UNLOADABLE' | 'MODEL_IO_MISMATCH' | 'MODEL_GOLDEN_MISMATCH';

export class ModelError extends LinewatchError {
  declare readonly code: ModelErrorCode;
  constructor(code: ModelErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'ModelError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A file system error as a person reads it (`EISDIR`: "a folder, not a file"); undefined for other errors. */
export function fileErrorText(err: unknown): string | undefined {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'a folder, not a file';
    case 'ENOTDIR':
      return 'a path through something that is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'not readable (permission denied)';
    default:
      return undefined;
  }
}

/** A refused or failed operator command, with the HTTP status that describes it: 400 for its input, 409 for the
 * alarm's state or the gateway's setup, 404 for what does not exist, 503 for a command carried out that the alarm
 * journal could not store; `details`: more fields for the answer's JSON body, beside `error`. */
export class CommandError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
