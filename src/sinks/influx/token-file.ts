/**
 * storage.influxdb.token_file: the API token read from a file (a Docker secret under /run/secrets, a Kubernetes
 * secret mounted as a volume), at start. The file is bounded, one trailing newline (what `echo` and most editors
 * add) is taken off, and what is left must be one token on one line: a line break or a control character inside
 * would make every write's Authorization header invalid. Only a regular file is read, opened without waiting (a FIFO
 * blocked the gateway). Errors name the key and the file, never what it holds.
 * When InfluxDB refuses the token (401, 403), the file is read again (FileToken): a rotated secret needs no restart.
 */
import { LinewatchError } from '../../core/errors.js';
import { FileRefused, readRegularFileSync, regularFileErrorText } from '../../core/regular-file.js';
import { TOKEN_TEXT, type InfluxConfig } from './schema.js';

/** Far more than any InfluxDB token (2.x: 88 characters; 3.x: about 100); a larger file is not a token. */
export const TOKEN_FILE_MAX_BYTES = 4096;

/** The token the file holds; throws a LinewatchError (CONFIG_FILE) naming the key and the file. */
export function readTokenFile(path: string, key = 'storage.influxdb.token_file'): string {
  const refuse = (why: string) => new LinewatchError('CONFIG_FILE', `${key} ${path}: ${why}`);
  let bytes: Buffer;
  try {
    // Opened without waiting: a FIFO there (or a link to one) blocked the start, validate, and the whole gateway
    // where a 401 read the file again.
    bytes = readRegularFileSync(path, TOKEN_FILE_MAX_BYTES);
  } catch (err) {
    if (err instanceof FileRefused && err.kind === 'not_regular')
      throw refuse('not a plain file (a secret file holding the token is expected)');
    if (err instanceof FileRefused && err.kind === 'too_large')
      throw refuse(`more than ${TOKEN_FILE_MAX_BYTES} bytes, far more than a token: is it the right file?`);
    throw refuse(`cannot be read (${regularFileErrorText(err)})`);
  }
  return tokenOf(bytes.toString('utf8'), refuse);
}

/** The token in a secret file's text: one trailing newline (\n or \r\n) taken off, nothing else changed (pure). */
export function tokenOf(text: string, refuse: (why: string) => Error): string {
  const token = text.replace(/\r?\n$/, '');
  if (token === '') throw refuse('empty: it should hold the API token');
  // Never the token itself in the message: where the problem is, by position.
  // The rule the token setting has (TOKEN_TEXT), said by position.
  const bad = TOKEN_TEXT.test(token) ? -1 : [...token].findIndex((c) => !TOKEN_TEXT.test(c));
  if (bad >= 0)
    throw refuse(
      `a space, line break, control or non-ASCII character at character ${bad + 1} of ${token.length}: the file ` +
        'should hold the token alone, on one line (one trailing newline is taken off)',
    );
  return token;
}

/** The configuration with the token token_file holds, where it names one (read now); else as it is. */
export function withFileToken(config: InfluxConfig): InfluxConfig {
  return config.token_file === undefined ? config : { ...config, token: readTokenFile(config.token_file) };
}

/** What reading token_file again found: another token (now in use), the same, or a file that cannot be used now. */
export type TokenReread =
  { readonly kind: 'changed' } | { readonly kind: 'same' } | { readonly kind: 'unusable'; readonly message: string };

/**
 * The token writes send, and token_file read again when InfluxDB refuses it (401, 403): a secret rotated in place
 * (a Docker or Kubernetes secret file replaced) is taken up without a restart. Read with readTokenFile's bound and
 * checks; a file that fails them leaves the token in use as it was.
 */
export class FileToken {
  constructor(
    private token: string | undefined,
    readonly path: string | undefined,
  ) {}

  get current(): string | undefined {
    return this.token;
  }

  /** Reads the file again; undefined where the token is not from a file. */
  reread(): TokenReread | undefined {
    if (this.path === undefined) return undefined;
    let token: string;
    try {
      token = readTokenFile(this.path);
    } catch (err) {
      return { kind: 'unusable', message: (err as Error).message };
    }
    if (token === this.token) return { kind: 'same' };
    this.token = token;
    return { kind: 'changed' };
  }
}
