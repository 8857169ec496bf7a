'use strict';
// Node-RED requires this file; the node itself is TypeScript compiled to ../dist/node-red/score-node.js.
module.exports = (RED) => import('../dist/node-red/score-node.js').then((m) => m.registerScoreNode(RED));
