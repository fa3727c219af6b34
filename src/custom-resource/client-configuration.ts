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

/** Blocks of a configuration that already has credentials inline, which new ones replace. */
const CREDENTIAL_BLOCKS = /^<(cert|key)>\n[\s\S]*?\n<\/\1>\n?/gm;

/** The configuration with these credentials inline, in place of any it had. */
export function withClientCredentials(configuration: string, credentials: ClientCredentials): string {
  const blocks = [inline('cert', credentials.certificate), ...(credentials.privateKey ? [inline('key', credentials.privateKey)] : [])];
  return `${configuration.replace(CREDENTIAL_BLOCKS, '').trimEnd()}\n${blocks.join('\n')}\n`;
}

function inline(tag: string, pem: string): string {
  return `<${tag}>\n${pem.trim()}\n</${tag}>`;
}
