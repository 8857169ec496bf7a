/**
 * Names another tool gives our keys and values, for `did you mean …?` where nearest-name.ts finds nothing: a
 * configuration moved from Telegraf's Modbus input (`slave_id`, `data_type`, `byte_order = "AB"`, `parity = "N"`,
 * `register = "holding"`), node-red-contrib-modbus (`tcpHost`, `serialBaudrate`, `dataType: HoldingRegister`) or
 * its OPC UA inputs (`subscription_interval`, `namespace` + `identifier_type` + `identifier`, `deadband_type`) names
 * the same things otherwise. Each is offered only where the object takes the key, or the key takes the value, it
 * stands for. Pure.
 */

/** A name of ours that another tool's name stands for, and whose that name is. */
export interface ForeignName {
  readonly ours: string;
  readonly tool: string;
  /** Where the other tool's keys make ours together, or mean more than a rename: what to write instead, from the
   * object they were given in. */
  readonly write?: (given: Readonly<Record<string, unknown>>) => string;
}

const TELEGRAF = "Telegraf's Modbus input";
export const TELEGRAF_OPCUA = "Telegraf's OPC UA inputs";
export const NODE_RED_MODBUS = 'node-red-contrib-modbus';

/** Telegraf's register-style lists (`holding_registers = [...]`): one registers list here, the table on each. */
const telegrafList = (table: string): ForeignName => ({
  ours: 'registers',
  tool: TELEGRAF,
  write: () => `one registers list here, each register with table: ${table}`,
});
const nodeRed = (ours: string, write?: string): ForeignName => ({
  ours,
  tool: NODE_RED_MODBUS,
  ...(write ? { write: () => write } : {}),
});

/** Telegraf's namespace (or namespace_uri), identifier_type and identifier, as the one node_id they make here. */
function telegrafNodeId(given: Readonly<Record<string, unknown>>): string {
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const uri = text(given.namespace_uri);
  const index = text(given.namespace);
  const ns = uri !== undefined ? `nsu=${uri};` : index !== undefined ? `ns=${index};` : '';
  // A node_id given beside a namespace key, without one of its own (`i=1007`), is the identifier.
  const nodeId = text(given.node_id);
  const bare = given.identifier === undefined && nodeId !== undefined && !/^nsu?=/.test(nodeId) ? nodeId : undefined;
  const id = `${ns}${bare ?? `${text(given.identifier_type) ?? 's'}=${text(given.identifier) ?? '…'}`}`;
  return `namespace${uri !== undefined ? '_uri' : ''}, identifier_type and identifier make one node_id here: node_id: ${JSON.stringify(id)}`;
}

/** Telegraf's deadband_type and deadband_value, as the deadband they make here. */
function telegrafDeadband(given: Readonly<Record<string, unknown>>): string {
  const type = typeof given.deadband_type === 'string' ? given.deadband_type.toLowerCase() : 'absolute';
  const value = typeof given.deadband_value === 'number' ? given.deadband_value : '…';
  return `deadband_type and deadband_value make one deadband here: deadband: { type: ${type}, value: ${value} }`;
}

const nodeId: ForeignName = { ours: 'node_id', tool: TELEGRAF_OPCUA, write: telegrafNodeId };
const deadband: ForeignName = { ours: 'deadband', tool: TELEGRAF_OPCUA, write: telegrafDeadband };
const ownCertificate = (key: string) => (): string =>
  `the gateway's own ${key === 'certificate' ? 'certificate' : 'private key'} is ${key === 'certificate' ? 'own/certs/client_certificate.pem' : 'own/private/private_key.pem'} under pki_dir, made at the first connect where absent (docs/security.md)`;

/** Keys by their name in another tool. */
const KEYS: Readonly<Record<string, ForeignName>> = {
  slave_id: { ours: 'unit_id', tool: TELEGRAF },
  data_type: { ours: 'type', tool: TELEGRAF },
  // Telegraf's request style: a request's register (its table) and fields (its registers).
  register: { ours: 'table', tool: TELEGRAF },
  fields: {
    ours: 'registers',
    tool: TELEGRAF,
    write: () => "a request's fields are the source's registers here, each with its own table and address",
  },
  holding_registers: telegrafList('holding'),
  input_registers: telegrafList('input'),
  coils: telegrafList('coil'),
  discrete_inputs: telegrafList('discrete'),
  // node-red-contrib-modbus: the client config node and the read node.
  tcpHost: nodeRed('host'),
  tcpPort: nodeRed('port'),
  clientTimeout: nodeRed('timeout_ms'),
  serialPort: nodeRed('path'),
  serialBaudrate: nodeRed('baud_rate'),
  serialParity: nodeRed('parity'),
  serialDatabits: nodeRed('data_bits'),
  serialStopbits: nodeRed('stop_bits'),
  rate: nodeRed('poll_interval_ms', 'rate and rateUnit make one poll_interval_ms here, in milliseconds'),
  adr: nodeRed('address'),
  dataType: nodeRed('table', 'HoldingRegister is table: holding, InputRegister input, Coil coil, Input discrete'),
  // A register's (or an OPC UA node's) `name` in Telegraf is its field: the channel here.
  name: { ours: 'channel', tool: 'Telegraf' },
  // Telegraf's opcua and opcua_listener inputs, and node-red-contrib-opcua's endpoint settings where they differ.
  subscription_interval: { ours: 'publishing_interval_ms', tool: TELEGRAF_OPCUA },
  connect_timeout: {
    ours: 'timeout_ms',
    tool: TELEGRAF_OPCUA,
    write: () => 'one timeout_ms bounds the connect and each request',
  },
  request_timeout: {
    ours: 'timeout_ms',
    tool: TELEGRAF_OPCUA,
    write: () => 'one timeout_ms bounds the connect and each request',
  },
  auth_method: {
    ours: 'username',
    tool: TELEGRAF_OPCUA,
    write: () =>
      'the method follows from the keys given: username and password, or user_certificate_file and user_private_key_file, or neither for anonymous',
  },
  certificate: { ours: 'pki_dir', tool: TELEGRAF_OPCUA, write: ownCertificate('certificate') },
  private_key: { ours: 'pki_dir', tool: TELEGRAF_OPCUA, write: ownCertificate('private_key') },
  namespace: nodeId,
  namespace_uri: nodeId,
  identifier_type: nodeId,
  identifier: nodeId,
  deadband_type: deadband,
  deadband_value: deadband,
  monitoring_params: {
    ours: 'deadband',
    tool: TELEGRAF_OPCUA,
    write: () =>
      'a node takes its monitoring parameters as keys of its own: sampling_interval_ms, queue_size, deadband: { type, value }',
  },
};

const deprecatedPolicy =
  'a SHA-1 policy OPC UA has deprecated, which linewatch does not offer: the server must offer Basic256Sha256 (or an Aes policy), as current PLCs do';

/** Values by the key that takes them, by their name in another tool. */
const VALUES: Readonly<Record<string, Readonly<Record<string, ForeignName>>>> = {
  parity: {
    N: { ours: 'none', tool: TELEGRAF },
    E: { ours: 'even', tool: TELEGRAF },
    O: { ours: 'odd', tool: TELEGRAF },
  },
  // Telegraf names a 16-bit order by two letters and a 64-bit one by eight; ours name any width by four.
  byte_order: {
    AB: { ours: 'ABCD', tool: TELEGRAF },
    BA: { ours: 'BADC', tool: TELEGRAF },
    ABCDEFGH: { ours: 'ABCD', tool: TELEGRAF },
    BADCFEHG: { ours: 'BADC', tool: TELEGRAF },
    GHEFCDAB: { ours: 'CDAB', tool: TELEGRAF },
    HGFEDCBA: { ours: 'DCBA', tool: TELEGRAF },
  },
  type: {
    'FLOAT32-IEEE': { ours: 'float32', tool: TELEGRAF },
    'FLOAT64-IEEE': { ours: 'float64', tool: TELEGRAF },
  },
  // The SHA-1 policies Telegraf (and older PLCs) still name, which linewatch does not offer: not a rename, a choice.
  security_policy: {
    BASIC256: { ours: 'Basic256Sha256', tool: TELEGRAF_OPCUA, write: () => deprecatedPolicy },
    BASIC128RSA15: { ours: 'Basic256Sha256', tool: TELEGRAF_OPCUA, write: () => deprecatedPolicy },
  },
  // Telegraf's register-style list names, and node-red-contrib-modbus's dataType, given as a register's table.
  table: {
    HOLDING_REGISTERS: { ours: 'holding', tool: TELEGRAF },
    INPUT_REGISTERS: { ours: 'input', tool: TELEGRAF },
    DISCRETE_INPUTS: { ours: 'discrete', tool: TELEGRAF },
    HOLDINGREGISTER: { ours: 'holding', tool: NODE_RED_MODBUS },
    INPUTREGISTER: { ours: 'input', tool: NODE_RED_MODBUS },
  },
};

/** The keys of `tool` that have a name of ours (what the guide's table of that tool lists). */
export function foreignKeysOf(tool: string): string[] {
  return Object.keys(KEYS).filter((key) => KEYS[key].tool === tool);
}

/** The key of ours that `typed` names in another tool, where the object takes it (`known`). */
export function foreignKey(typed: string, known: readonly string[]): ForeignName | undefined {
  const name = Object.hasOwn(KEYS, typed) ? KEYS[typed] : undefined;
  return name && known.includes(name.ours) && !known.includes(typed) ? name : undefined;
}

/** The value of ours that `typed`, given to `key`, names in another tool, where the key takes it (`allowed`). */
export function foreignValue(
  key: PropertyKey | undefined,
  typed: string,
  allowed: readonly string[],
): ForeignName | undefined {
  const values = typeof key === 'string' && Object.hasOwn(VALUES, key) ? VALUES[key] : undefined;
  const name = values && Object.hasOwn(values, typed.toUpperCase()) ? values[typed.toUpperCase()] : undefined;
  return name && allowed.includes(name.ours) ? name : undefined;
}

/** How a hint says whose name it was: ` (N in Telegraf's Modbus input)`, and what to write where it says (`given`: the
 * object the name was in). */
export function foreignNameNote(typed: string, name: ForeignName, given?: Readonly<Record<string, unknown>>): string {
  const write = name.write && given ? `: ${name.write(given)}` : '';
  return ` (${JSON.stringify(typed)} in ${name.tool}${write})`;
}
