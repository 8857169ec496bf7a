'use strict';
// Node-RED requires this file; the node itself is TypeScript compiled to ../dist/node-red/alarm-node.js.
module.exports = (RED) => import('../dist/node-red/alarm-node.js').then((m) => m.registerAlarmNode(RED));
