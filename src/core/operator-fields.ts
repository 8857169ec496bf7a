/**
 * Who did an operator command (a name or badge) and why, at most this long, wherever a command comes in: the HTTP API
 * (api/handlers.ts) and a Node-RED message (node-red/operator-command.ts), so that a flow refuses what the gateway
 * would. Each goes into the journal, the cloud and, for a model rollback, the model store's active.json, which is read
 * back only up to 64 KiB (a longer file loses its records and floor).
 */
export const MAX_BY_CHARS = 200;
export const MAX_COMMENT_CHARS = 2000;
