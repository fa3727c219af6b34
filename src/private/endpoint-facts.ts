import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IClientVpnEndpoint } from '../client-vpn-endpoint-types';

/**
 * What an endpoint defined in this app knows about itself, for the checks of its
 * rules and routes. Imported endpoints know none of it, and their checks are skipped.
 */
export interface EndpointFacts {
  /** Whether users sign in with Active Directory or SAML, so rules can name their groups. */
  readonly usesUserAuthentication: boolean;
  /** The subnets associated as target networks. */
  readonly targetSubnets: ec2.ISubnet[];
}

const FACTS = Symbol.for('cdk-client-vpn.EndpointFacts');

export function recordEndpointFacts(endpoint: IClientVpnEndpoint, facts: EndpointFacts): void {
  Object.defineProperty(endpoint, FACTS, { value: facts, enumerable: false });
}

export function endpointFacts(endpoint: IClientVpnEndpoint): EndpointFacts | undefined {
  return (endpoint as unknown as Record<symbol, EndpointFacts | undefined>)[FACTS];
}
