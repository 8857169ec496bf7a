'use strict';
// Node-RED requires this file; the node itself is TypeScript compiled to ../dist/node-red/window-node.js.
module.exports = (RED) => import('../dist/node-red/window-node.js').then((m) => m.registerWindowNode(RED));
