import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IClientVpnEndpoint } from '../client-vpn-endpoint-types';

/**
 * What an endpoint defined in this app knows about itself, for the checks of its rules, routes
 * and associations. Imported endpoints know none of it, and their checks are skipped.
 */
export interface EndpointFacts {
  /** Whether users sign in with Active Directory or SAML, so rules can name their groups. */
  readonly usesUserAuthentication: boolean;
  /** Whether the endpoint is attached to a transit gateway instead of a VPC. */
  readonly usesTransitGateway: boolean;
  /** The client CIDR block, as given. */
  readonly clientCidrBlock?: string;
  /** The subnets associated as target networks, the endpoint's own and those added later. */
  readonly targetSubnets: ec2.ISubnet[];
  /** How many target network associations there are, in any stack; counted up as they are added. */
  associationCount: number;
}

const FACTS = Symbol.for('cdk-client-vpn.EndpointFacts');

export function recordEndpointFacts(endpoint: IClientVpnEndpoint, facts: EndpointFacts): void {
  Object.defineProperty(endpoint, FACTS, { value: facts, enumerable: false });
}

export function endpointFacts(endpoint: IClientVpnEndpoint): EndpointFacts | undefined {
  return (endpoint as unknown as Record<symbol, EndpointFacts | undefined>)[FACTS];
}

/**
 * Makes a rule or route wait for the endpoint's target network associations, including those
 * added later: `targetNetworksAssociated` is a group that every association joins.
 */
export function dependOnAssociations(resource: CfnResource, endpoint: IClientVpnEndpoint): void {
  resource.node.addDependency(endpoint.targetNetworksAssociated);
}
