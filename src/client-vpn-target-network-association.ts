import { Resource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, DependencyGroup } from 'constructs';
import { IClientVpnEndpoint } from './client-vpn-endpoint-types';
import { rejectConstruct } from './private/construct-rejection';
import { endpointFacts } from './private/endpoint-facts';
import { applyPropertyInjectors } from './private/property-injection';
import { checkTargetSubnet, zoneOf } from './private/target-networks';
import { describeSubnet, invalid, requireNonEmptyString, requireResource } from './private/validation';

/** Properties of a `ClientVpnTargetNetworkAssociation`. */
export interface ClientVpnTargetNetworkAssociationProps {
  /** The endpoint to associate the target network with, defined in this app or imported. */
  readonly endpoint: IClientVpnEndpoint;

  /**
   * The subnet to associate, for an endpoint in a VPC. Exactly one of `subnet`,
   * `availabilityZone` and `availabilityZoneId` is required.
   *
   * @default - none
   */
  readonly subnet?: ec2.ISubnet;

  /**
   * The Availability Zone to associate, by name, for an endpoint attached to a transit gateway.
   *
   * @default - none
   */
  readonly availabilityZone?: string;

  /**
   * The Availability Zone to associate, by id (such as `use1-az1`), for an endpoint attached to
   * a transit gateway.
   *
   * @default - none
   */
  readonly availabilityZoneId?: string;
}

/**
 * A target network of a Client VPN endpoint (`AWS::EC2::ClientVpnTargetNetworkAssociation`):
 * a subnet of the endpoint's VPC, or an Availability Zone of a transit gateway endpoint. Rules
 * and routes of the endpoint wait for it.
 *
 * @example
 * declare const endpoint: ClientVpnEndpoint;
 * new ClientVpnTargetNetworkAssociation(stack, 'SecondZone', {
 *   endpoint,
 *   subnet: vpc.privateSubnets[1],
 * });
 */
export class ClientVpnTargetNetworkAssociation extends Resource {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.ClientVpnTargetNetworkAssociation';

  /**
   * The association's id.
   * @attribute
   */
  public readonly associationId: string;

  constructor(scope: Construct, id: string, props: ClientVpnTargetNetworkAssociationProps) {
    super(scope, id);
    try {
      props = applyPropertyInjectors(ClientVpnTargetNetworkAssociation.PROPERTY_INJECTION_ID, props, scope, id);
      validateAssociation(props);
    } catch (error) {
      throw rejectConstruct(this, error);
    }

    const association = new ec2.CfnClientVpnTargetNetworkAssociation(this, 'Resource', {
      clientVpnEndpointId: props.endpoint.endpointId,
      subnetId: props.subnet?.subnetId,
      availabilityZone: props.availabilityZone,
      availabilityZoneId: props.availabilityZoneId,
    });
    this.associationId = association.ref;
    // Rules and routes of the endpoint's stack wait for it; one in another stack would make a cycle.
    const sameStack = Stack.of(this) === Stack.of(props.endpoint);
    if (sameStack && props.endpoint.targetNetworksAssociated instanceof DependencyGroup) {
      props.endpoint.targetNetworksAssociated.add(association);
    }
    const facts = endpointFacts(props.endpoint);
    if (facts) {
      facts.associationCount++;
      if (props.subnet) {
        facts.targetSubnets.push(props.subnet);
      }
    }
  }
}

function validateAssociation(props: ClientVpnTargetNetworkAssociationProps): void {
  requireResource('endpoint', props?.endpoint, 'a Client VPN endpoint (IClientVpnEndpoint)', ['endpointId']);
  const given = (['subnet', 'availabilityZone', 'availabilityZoneId'] as const).filter((prop) => props[prop] !== undefined);
  if (given.length !== 1) {
    throw invalid('subnet', 'or `availabilityZone` or `availabilityZoneId`: give exactly one (a subnet for an endpoint in a VPC, a zone for a transit gateway endpoint)',
      given);
  }
  requireNonEmptyString('availabilityZone', props.availabilityZone);
  requireNonEmptyString('availabilityZoneId', props.availabilityZoneId);
  if (props.subnet !== undefined) {
    requireResource('subnet', props.subnet, 'an ec2.ISubnet', ['subnetId']);
    checkTargetSubnet('subnet', props.subnet);
  }

  const facts = endpointFacts(props.endpoint);
  if (!facts) {
    return;
  }
  if (facts.usesTransitGateway && props.subnet !== undefined) {
    throw invalid('subnet', 'cannot be associated with an endpoint attached to a transit gateway: give `availabilityZone` or `availabilityZoneId`',
      describeSubnet(props.subnet));
  }
  if (!facts.usesTransitGateway && props.subnet === undefined) {
    throw invalid(given[0], 'is for endpoints attached to a transit gateway: give the `subnet` of the endpoint\'s VPC', props[given[0]]);
  }
  const zone = props.subnet && zoneOf(props.subnet);
  const sameZone = zone === undefined ? undefined : facts.targetSubnets.find((other) => zoneOf(other) === zone);
  if (sameZone) {
    throw invalid('subnet', `must be in an Availability Zone the endpoint has no target network in yet; ${describeSubnet(sameZone)} is in the same zone`,
      describeSubnet(props.subnet!));
  }
}
