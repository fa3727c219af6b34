import { CfnResource } from 'aws-cdk-lib';
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
  /** The target network associations, all created with the endpoint. */
  readonly associations: CfnResource[];
}

const FACTS = Symbol.for('cdk-client-vpn.EndpointFacts');

export function recordEndpointFacts(endpoint: IClientVpnEndpoint, facts: EndpointFacts): void {
  Object.defineProperty(endpoint, FACTS, { value: facts, enumerable: false });
}

export function endpointFacts(endpoint: IClientVpnEndpoint): EndpointFacts | undefined {
  return (endpoint as unknown as Record<symbol, EndpointFacts | undefined>)[FACTS];
}

/** Makes a rule or route wait for the endpoint's target network associations. */
export function dependOnAssociations(resource: CfnResource, endpoint: IClientVpnEndpoint): void {
  // The associations themselves when they are known: a DependencyGroup costs more at synthesis.
  // (CfnResource.addDependency, cheaper still, is deprecated in newer aws-cdk-lib releases.)
  resource.node.addDependency(...endpointFacts(endpoint)?.associations ?? [endpoint.targetNetworksAssociated]);
}
