/**
 * The OPC UA server's address space (node-opcua): Objects/<gateway>/<asset>/{Channels,Anomaly,Alarm,Part}/<variable>,
 * each variable read-only with the string node id `<asset>/<folder>/<name>` in the gateway's namespace, a channel's
 * unit as its EngineeringUnits (EUInformation: the UNECE code where node-opcua's standard units know the symbol).
 * Every variable starts BadWaitingForInitialData; `apply` writes the updates asset-variables.ts makes.
 */
import {
  DataType,
  StatusCodes,
  standardUnits,
  type AddressSpace,
  type ExtensionObject,
  type Namespace,
  type StatusCode,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import type { VariableSpec, VariableStatus, VariableType, VariableUpdate } from './asset-variables.js';

/** The namespace URI of a gateway's variables. */
export const gatewayNamespaceUri = (gateway: string): string => `urn:linewatch:${gateway}`;

const DATA_TYPES: Record<VariableType, DataType> = {
  Double: DataType.Double,
  String: DataType.String,
  Boolean: DataType.Boolean,
  DateTime: DataType.DateTime,
};

const INITIAL: Record<VariableType, number | string | boolean | Date> = {
  Double: 0,
  String: '',
  Boolean: false,
  DateTime: new Date(0),
};

const STATUS: Record<VariableStatus, StatusCode> = {
  Good: StatusCodes.Good,
  BadWaitingForInitialData: StatusCodes.BadWaitingForInitialData,
  BadNoCommunication: StatusCodes.BadNoCommunication,
  BadNoData: StatusCodes.BadNoData,
  Bad: StatusCodes.Bad,
  Uncertain: StatusCodes.Uncertain,
  UncertainLastUsableValue: StatusCodes.UncertainLastUsableValue,
};

const UNECE_UNITS = 'http://www.opcfoundation.org/UA/units/un/cefact';
const knownUnits = new Map(Object.values(standardUnits).map((u) => [u.displayName.text ?? '', u]));

/** A unit symbol as EUInformation: the standard unit that shows it, or the symbol alone (unitId -1: none). */
export function engineeringUnit(addressSpace: AddressSpace, unit: string): ExtensionObject {
  return (
    knownUnits.get(unit) ??
    addressSpace.constructExtensionObject(addressSpace.findDataType('EUInformation')!, {
      namespaceUri: UNECE_UNITS,
      unitId: -1,
      displayName: { text: unit },
      description: { text: unit },
    })
  );
}

export class GatewayAddressSpace {
  private readonly variables = new Map<string, { readonly node: UAVariable; readonly type: VariableType }>();

  constructor(addressSpace: AddressSpace, gateway: string, specs: readonly VariableSpec[]) {
    const ns = addressSpace.registerNamespace(gatewayNamespaceUri(gateway));
    const root = ns.addFolder(addressSpace.rootFolder.objects, { browseName: gateway, nodeId: `s=${gateway}` });
    const folders = new Map<string, UAObject>();
    const folder = (path: string, parent: UAObject, name: string) => {
      let f = folders.get(path);
      if (!f) folders.set(path, (f = ns.addFolder(parent, { browseName: name, nodeId: `s=${path}` })));
      return f;
    };
    for (const spec of specs) {
      const assetFolder = folder(spec.asset, root, spec.asset);
      const parent = folder(`${spec.asset}/${spec.folder}`, assetFolder, spec.folder);
      this.variables.set(spec.key, { node: addVariable(addressSpace, ns, parent, spec), type: spec.type });
    }
  }

  /** The keys of the variables offered (those updates may name). */
  keys(): Set<string> {
    return new Set(this.variables.keys());
  }

  apply(updates: readonly VariableUpdate[]): void {
    for (const u of updates) {
      const variable = this.variables.get(u.key);
      if (!variable) continue;
      const { node, type } = variable;
      if (u.value === undefined) {
        const last = node.readValue();
        node.setValueFromSource(last.value, STATUS[u.status], last.sourceTimestamp ?? undefined);
      } else {
        node.setValueFromSource(
          { dataType: DATA_TYPES[type], value: u.value },
          STATUS[u.status],
          u.ts !== undefined ? new Date(u.ts) : undefined,
        );
      }
    }
  }
}

function addVariable(addressSpace: AddressSpace, ns: Namespace, parent: UAObject, spec: VariableSpec): UAVariable {
  const node = ns.addVariable({
    componentOf: parent,
    browseName: spec.name,
    nodeId: `s=${spec.key}`,
    description: spec.description,
    dataType: DataType[DATA_TYPES[spec.type]],
    ...(spec.unit !== undefined ? { typeDefinition: 'BaseAnalogType' } : {}),
    accessLevel: 'CurrentRead',
    userAccessLevel: 'CurrentRead',
  });
  if (spec.unit !== undefined)
    ns.addVariable({
      propertyOf: node,
      browseName: { name: 'EngineeringUnits', namespaceIndex: 0 },
      typeDefinition: 'PropertyType',
      dataType: 'EUInformation',
      accessLevel: 'CurrentRead',
      userAccessLevel: 'CurrentRead',
      value: { dataType: DataType.ExtensionObject, value: engineeringUnit(addressSpace, spec.unit) },
    });
  node.setValueFromSource(
    { dataType: DATA_TYPES[spec.type], value: INITIAL[spec.type] },
    StatusCodes.BadWaitingForInitialData,
  );
  return node;
}
