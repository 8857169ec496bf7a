'use strict';
// Node-RED requires this file; the node itself is TypeScript compiled to ../dist/node-red/gateway-config-node.js.
module.exports = (RED) =>
  import('../dist/node-red/gateway-config-node.js').then((m) => m.registerGatewayConfigNode(RED));
