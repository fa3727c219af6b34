/** Ids the handler tests share: one stack, one settings resource, two endpoints. */
export const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
export const OTHER_ENDPOINT_ID = 'cvpn-endpoint-0fedcba9876543210';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/11111111-2222-3333-4444-555555555555';
export const LOGICAL_ID = 'EndpointSettings1A2B3C4D';
/** The object metadata by which the handler recognises a configuration file it wrote, and for which endpoint. */
export const OWNER_METADATA = 'cdk-client-vpn-owner';
export const ENDPOINT_METADATA = 'cdk-client-vpn-endpoint';
export const OWNER = `${STACK_ID}/${LOGICAL_ID}`;

/**
 * The physical id the handler answers for a resource on an endpoint: it names the endpoint
 * and nothing else, so it changes only when the endpoint is replaced.
 */
export function settingsPhysicalId(endpointId: string): string {
  return `cvpn-settings:${endpointId}`;
}

/** The physical id a failed Create answers, which its Delete recognises as never created. */
export function failedCreatePhysicalId(requestId: string): string {
  return `cvpn-settings-failed-${requestId}`;
}

/** The metadata the handler writes on an exported configuration file. */
export function exportMetadata(owner: string, endpointId: string): { [key: string]: string } {
  return { [OWNER_METADATA]: owner, [ENDPOINT_METADATA]: endpointId };
}
