/**
 * A ready `.ovpn`: the configuration an endpoint exports (its address, protocol and the `<ca>`
 * block) with the client's certificate and key inline, as "Export and configure the client
 * configuration file" (AWS Client VPN Administrator Guide) tells users to add them by hand.
 */

export interface ClientCredentials {
  readonly certificate: string;
  /** Absent for a client that keeps its own key: the owner adds a `<key>` block. */
  readonly privateKey?: string;
}

export function withClientCredentials(configuration: string, credentials: ClientCredentials): string {
  const blocks = [inline('cert', credentials.certificate), ...(credentials.privateKey ? [inline('key', credentials.privateKey)] : [])];
  return `${configuration.trimEnd()}\n${blocks.join('\n')}\n`;
}

function inline(tag: string, pem: string): string {
  return `<${tag}>\n${pem.trim()}\n</${tag}>`;
}
