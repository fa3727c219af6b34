/** Ids the handler tests share: one stack, one settings resource, two endpoints. */
export const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
export const OTHER_ENDPOINT_ID = 'cvpn-endpoint-0fedcba9876543210';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/11111111-2222-3333-4444-555555555555';
export const LOGICAL_ID = 'EndpointSettings1A2B3C4D';
/** The object metadata by which the handler recognises a configuration file it wrote. */
export const OWNER_METADATA = 'cdk-client-vpn-owner';
export const OWNER = `${STACK_ID}/${LOGICAL_ID}`;
