/**
 * linewatch-gateway (config node): a running linewatch gateway's HTTP endpoint and its API token,
 * kept as a Node-RED credential (encrypted in flows_cred.json, never exported with the flow).
 * linewatch-daemon nodes name one instead of each holding a URL and a token. Without a token in
 * the node, the LINEWATCH_API_TOKEN environment variable of the Node-RED process is used.
 */
import { text, type NodeDefinition, type NodeInstance, type RedApi } from './red-api.js';

export interface GatewayConfigNode extends NodeInstance {
  /** The checked base URL, or the reason the configured one is not usable. */
  readonly endpoint: { url: URL } | { error: Error };
  /** The API token for operator commands, if any. */
  token(): string | undefined;
}

/** A gateway base URL from the editor, checked; `key` names the setting in the error. */
export function gatewayUrl(config: NodeDefinition, key = 'url'): URL {
  const raw = text(config, key, 'http://127.0.0.1:8080');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`gateway URL "${raw}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`gateway URL "${raw}": use http:// or https://`);
  // fetch refuses such a URL, and its error quotes it whole, the password into the debug sidebar and the log.
  if (url.username !== '' || url.password !== '') {
    const shown = `${url.protocol}//${url.host}${url.pathname}`;
    throw new Error(
      `gateway URL ${shown}: a user or password in the URL is not used (not quoted here); the gateway's API token ` +
        'goes in the token field',
    );
  }
  return url;
}

export function registerGatewayConfigNode(RED: RedApi): void {
  RED.nodes.registerType(
    'linewatch-gateway',
    function (this: NodeInstance, config: NodeDefinition) {
      RED.nodes.createNode(this, config);
      const node = this as GatewayConfigNode & { endpoint: GatewayConfigNode['endpoint'] };
      try {
        node.endpoint = { url: gatewayUrl(config) };
      } catch (err) {
        node.endpoint = { error: err as Error };
      }
      node.token = () => node.credentials?.token || process.env.LINEWATCH_API_TOKEN || undefined;
    },
    { credentials: { token: { type: 'password' } } },
  );
}
