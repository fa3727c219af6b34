/** Ids the handler tests share: one stack, one settings resource, two endpoints. */
export const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
export const OTHER_ENDPOINT_ID = 'cvpn-endpoint-0fedcba9876543210';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/11111111-2222-3333-4444-555555555555';
export const LOGICAL_ID = 'EndpointSettings1A2B3C4D';
/** The object metadata by which the handler recognises a configuration file it wrote. */
export const OWNER_METADATA = 'cdk-client-vpn-owner';
export const OWNER = `${STACK_ID}/${LOGICAL_ID}`;

type Settings = { readonly [key: string]: unknown };

/** What a settings physical id remembers after its endpoint id. */
export interface RememberedState {
  /** The settings Delete puts back. */
  readonly restore: Settings;
  /** The endpoint the resource last moved away from, with the settings to put back there. */
  readonly earlier?: { readonly endpointId: string; readonly restore: Settings };
  /** The attributes last returned. */
  readonly attributes?: { readonly [name: string]: string };
}

/** The physical id the handler writes: `cvpn-settings:<endpoint id>:<base64url JSON of the state>`. */
export function settingsPhysicalId(endpointId: string, { restore, earlier, attributes }: RememberedState): string {
  // The handler's key order, so an id built here equals the one it writes for the same state.
  const state = JSON.stringify({ restore, earlier, attributes });
  return `cvpn-settings:${endpointId}:${Buffer.from(state).toString('base64url')}`;
}

/** The endpoint and state a physical id the handler wrote remembers; throws for an id of any other shape. */
export function rememberedIn(physicalId: string): { readonly endpointId: string } & RememberedState {
  const [prefix, endpointId, encoded, ...more] = physicalId.split(':');
  if (prefix !== 'cvpn-settings' || !endpointId || !encoded || more.length > 0) {
    throw new Error(`Not a settings physical id: ${physicalId}`);
  }
  return { endpointId, ...JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) };
}
