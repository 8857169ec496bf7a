'use strict';
// Node-RED requires this file; the node itself is TypeScript compiled to ../dist/node-red/daemon-node.js.
module.exports = (RED) => import('../dist/node-red/daemon-node.js').then((m) => m.registerDaemonNode(RED));
