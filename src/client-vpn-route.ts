import { Resource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IClientVpnEndpoint } from './client-vpn-endpoint-types';
import { rejectConstruct } from './private/construct-rejection';
import { EndpointFacts, endpointFacts } from './private/endpoint-facts';
import { joinOperationLane } from './private/operation-lanes';
import { applyPropertyInjectors } from './private/property-injection';
import { cidrsOverlap, describeSubnet, invalid, isUnresolved, parseCidr, requireNetworkCidr, requireResource, requireString } from './private/validation';

/** Where a Client VPN route sends traffic. */
export abstract class ClientVpnRouteTarget {
  /**
   * Through a subnet associated with the endpoint as a target network.
   */
  public static subnet(subnet: ec2.ISubnet): ClientVpnRouteTarget {
    requireResource('target', subnet, 'an ec2.ISubnet', ['subnetId']);
    return new SubnetRouteTarget(subnet.subnetId, subnet);
  }

  /** To the endpoint's local network. */
  public static local(): ClientVpnRouteTarget {
    return new SubnetRouteTarget('local');
  }

  /**
   * Through the transit gateway of an endpoint attached to one (`transitGatewayConfiguration`):
   * the route names no subnet.
   */
  public static transitGateway(): ClientVpnRouteTarget {
    return new SubnetRouteTarget(undefined);
  }

  /** The value of the route's `TargetVpcSubnetId`; none for a transit gateway endpoint. */
  public abstract readonly targetVpcSubnetId?: string;

  /** The subnet, when the target is one. @internal */
  public abstract readonly _subnet?: ec2.ISubnet;
}

class SubnetRouteTarget extends ClientVpnRouteTarget {
  constructor(public readonly targetVpcSubnetId: string | undefined, public readonly _subnet?: ec2.ISubnet) {
    super();
  }
}

/** A route, as `addRoute` takes it. */
export interface ClientVpnRouteOptions {
  /** The destination, in CIDR notation (IPv4 or IPv6, host bits clear). */
  readonly cidr: string;

  /** Where traffic to the destination goes. */
  readonly target: ClientVpnRouteTarget;

  /**
   * A description of the route.
   * @default - none
   */
  readonly description?: string;
}

/** Properties of a `ClientVpnRoute`. */
export interface ClientVpnRouteProps extends ClientVpnRouteOptions {
  /** The endpoint whose route table gets the route. */
  readonly endpoint: IClientVpnEndpoint;
}

/**
 * A route in a Client VPN endpoint's route table (`AWS::EC2::ClientVpnRoute`).
 *
 * It waits for the endpoint's target network associations: a route through a
 * subnet that is not yet associated fails.
 *
 * @example
 * declare const endpoint: ClientVpnEndpoint;
 * endpoint.addRoute('OnPremises', {
 *   cidr: '192.168.0.0/16',
 *   target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]),
 * });
 */
export class ClientVpnRoute extends Resource {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.ClientVpnRoute';

  constructor(scope: Construct, id: string, props: ClientVpnRouteProps) {
    super(scope, id);
    try {
      props = applyPropertyInjectors(ClientVpnRoute.PROPERTY_INJECTION_ID, props, scope, id);
      validateRoute(props);
    } catch (error) {
      throw rejectConstruct(this, error);
    }

    const route = new ec2.CfnClientVpnRoute(this, 'Resource', {
      clientVpnEndpointId: props.endpoint.endpointId,
      destinationCidrBlock: props.cidr,
      targetVpcSubnetId: props.target.targetVpcSubnetId,
      description: props.description,
    });
    joinOperationLane(route, props.endpoint);
  }
}

function validateRoute(props: ClientVpnRouteProps): void {
  requireResource('endpoint', props?.endpoint, 'a Client VPN endpoint (IClientVpnEndpoint)', ['endpointId']);
  if (typeof props.endpoint.targetNetworksAssociated !== 'object' || props.endpoint.targetNetworksAssociated === null) {
    throw invalid('endpoint', 'must be a Client VPN endpoint (IClientVpnEndpoint)', props.endpoint.node.path);
  }
  if (props.cidr === undefined) {
    throw invalid('cidr', 'is required: the destination in CIDR notation', props.cidr);
  }
  requireNetworkCidr('cidr', props.cidr);
  if (!(props.target instanceof ClientVpnRouteTarget)) {
    throw invalid('target', 'must be made with `ClientVpnRouteTarget.subnet()`, `ClientVpnRouteTarget.local()` or `ClientVpnRouteTarget.transitGateway()`', props.target);
  }
  requireString('description', props.description);

  const facts = endpointFacts(props.endpoint);
  if (facts) {
    validateRouteForEndpoint(props, facts);
  }
}

function validateRouteForEndpoint(props: ClientVpnRouteProps, facts: EndpointFacts): void {
  const throughTransitGateway = props.target.targetVpcSubnetId === undefined;
  if (facts.usesTransitGateway !== throughTransitGateway) {
    throw invalid('target', facts.usesTransitGateway
      ? 'must be `ClientVpnRouteTarget.transitGateway()` for an endpoint attached to a transit gateway: it has no subnets'
      : 'must be a subnet or `ClientVpnRouteTarget.local()` for an endpoint in a VPC: `transitGateway()` is for transit gateway endpoints',
    props.target.targetVpcSubnetId ?? 'transitGateway()');
  }
  const route = parseCidr(props.cidr);
  const client = facts.clientCidrBlock === undefined ? undefined : parseCidr(facts.clientCidrBlock, [4]);
  // A route inside the client range would take traffic meant for clients; the client-to-client route
  // to the range itself is documented. Broader routes that contain it (0.0.0.0/0 for the internet) are fine.
  if (route && client && cidrsOverlap(route, client) && route.prefix > client.prefix) {
    throw invalid('cidr', `must not lie inside the endpoint's client CIDR block ${client.canonical}: only a route to exactly that block (client-to-client traffic) may`,
      props.cidr);
  }
  const subnet = props.target._subnet;
  const targetSubnetIds = facts.targetSubnets.map((target) => target.subnetId);
  if (subnet && !targetSubnetIds.includes(subnet.subnetId) && isKnownToDiffer(subnet, targetSubnetIds)) {
    throw invalid('target',
      `must be a subnet associated with the endpoint as a target network (${facts.targetSubnets.map(describeSubnet).join(', ')})`,
      describeSubnet(subnet));
  }
}

/**
 * A subnet defined in this app has an id no other subnet shares; a literal id differs from
 * literal ids. A token from elsewhere (an import) may still turn out to be an associated subnet.
 */
function isKnownToDiffer(subnet: ec2.ISubnet, targetSubnetIds: string[]): boolean {
  if (subnet instanceof ec2.Subnet) {
    return true;
  }
  return !isUnresolved(subnet.subnetId) && targetSubnetIds.every((id) => !isUnresolved(id));
}
