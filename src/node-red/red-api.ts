/**
 * The small part of Node-RED's runtime API our nodes use, typed here so the nodes need no
 * Node-RED types package. Matches Node-RED 3.1–4.x.
 */
export interface NodeMessage {
  [key: string]: unknown;
  payload?: unknown;
  topic?: string;
  _msgid?: string;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type Send = (msg: NodeMessage | (NodeMessage | null)[] | null) => void;
export type Done = (err?: Error) => void;

export interface NodeInstance {
  readonly id: string;
  readonly name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: Send, done: Done) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send: Send;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
}

export interface NodeDefinition {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly [key: string]: unknown;
}

/** An admin endpoint's request and answer, the part of Express's that our endpoints use. */
export interface AdminRequest {
  readonly query: Readonly<Record<string, unknown>>;
}
export interface AdminResponse {
  status(code: number): AdminResponse;
  type(contentType: string): AdminResponse;
  json(body: unknown): void;
  send(body: string): void;
}
export type AdminHandler = (req: AdminRequest, res: AdminResponse, next: (err?: unknown) => void) => void;

export interface RedApi {
  nodes: {
    createNode(node: NodeInstance, config: NodeDefinition): void;
    registerType(
      type: string,
      constructor: (this: NodeInstance, config: NodeDefinition) => void,
      options?: { credentials?: Record<string, { type: 'text' | 'password' }> },
    ): void;
    getNode(id: string): unknown;
  };
  settings: { userDir?: string; [key: string]: unknown };
  /** The editor's admin API (Express), where the edit dialogs ask the runtime. */
  httpAdmin: { get(path: string, ...handlers: AdminHandler[]): void };
  auth: { needsPermission(permission: string): AdminHandler };
  util: { cloneMessage<T>(msg: T): T };
}

/** A string setting from the editor, trimmed; `fallback` when empty. */
export function text(config: NodeDefinition, key: string, fallback = ''): string {
  const v = config[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : fallback;
}

/**
 * Serves a script of the runtime's own rules to the edit dialogs (GET <admin root>/`path`): code, no setting, served
 * as Node-RED serves a node's /resources, without a permission.
 */
export function serveEditorScript(RED: RedApi, path: string, script: string): void {
  RED.httpAdmin.get(`/${path}`, (_req, res) => res.type('application/javascript').send(script));
}

/**
 * A "key: message" line of a settings schema's issues with the key's field as the edit dialog names it in front
 * (`Hop (hop_samples): ...`): the user sees the dialog, the key is the gateway configuration's.
 */
export function withFieldLabel(line: string, labels: Readonly<Record<string, string>>): string {
  const m = /^([A-Za-z_]\w*)(: [\s\S]*)$/.exec(line);
  const label = m ? labels[m[1]!] : undefined;
  return m && label ? `${label} (${m[1]})${m[2]}` : line;
}

/** A comma- or newline-separated list setting. */
export function list(config: NodeDefinition, key: string): string[] {
  return text(config, key)
    .split(/[\s,]+/)
    .filter(Boolean);
}
