import { Resource } from 'aws-cdk-lib';
import { CfnClientVpnAuthorizationRule } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IClientVpnEndpoint } from './client-vpn-endpoint-types';
import { rejectConstruct } from './private/construct-rejection';
import { endpointFacts } from './private/endpoint-facts';
import { joinOperationLane } from './private/operation-lanes';
import { applyPropertyInjectors } from './private/property-injection';
import { invalid, isUnresolved, requireBoolean, requireResource, requireNetworkCidr, requireNonEmptyString, requireString } from './private/validation';

/** An authorization rule, as `addIngressAuthorization` takes it. */
export interface IngressAuthorizationOptions {
  /** The network clients may reach, in CIDR notation (IPv4 or IPv6, host bits clear). */
  readonly cidr: string;

  /**
   * The Active Directory or identity provider group allowed in.
   * Exactly one of `accessGroupId` and `authorizeAllGroups: true` must be given.
   * @default - none
   */
  readonly accessGroupId?: string;

  /**
   * Allows every user who can connect.
   * Exactly one of `accessGroupId` and `authorizeAllGroups: true` must be given.
   * @default false
   */
  readonly authorizeAllGroups?: boolean;

  /**
   * A description of the rule.
   * @default - none
   */
  readonly description?: string;
}

/** Properties of an `IngressAuthorization`. */
export interface IngressAuthorizationProps extends IngressAuthorizationOptions {
  /** The endpoint the rule belongs to. */
  readonly endpoint: IClientVpnEndpoint;
}

/**
 * An authorization rule of a Client VPN endpoint (`AWS::EC2::ClientVpnAuthorizationRule`).
 *
 * It waits for the endpoint's target network associations, since rules added before
 * them fail to become active.
 */
export class IngressAuthorization extends Resource {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.IngressAuthorization';

  constructor(scope: Construct, id: string, props: IngressAuthorizationProps) {
    super(scope, id);
    try {
      props = applyPropertyInjectors(IngressAuthorization.PROPERTY_INJECTION_ID, props, scope, id);
      validateIngressAuthorization(props);
    } catch (error) {
      throw rejectConstruct(this, error);
    }

    const rule = new CfnClientVpnAuthorizationRule(this, 'Resource', {
      clientVpnEndpointId: props.endpoint.endpointId,
      targetNetworkCidr: props.cidr,
      accessGroupId: props.accessGroupId,
      authorizeAllGroups: props.authorizeAllGroups,
      description: props.description,
    });
    joinOperationLane(rule, props.endpoint);
  }
}

function validateIngressAuthorization(props: IngressAuthorizationProps): void {
  requireResource('endpoint', props?.endpoint, 'a Client VPN endpoint (IClientVpnEndpoint)', ['endpointId']);
  if (typeof props.endpoint.targetNetworksAssociated !== 'object' || props.endpoint.targetNetworksAssociated === null) {
    throw invalid('endpoint', 'must be a Client VPN endpoint (IClientVpnEndpoint)', props.endpoint.node.path);
  }
  if (props.cidr === undefined) {
    throw invalid('cidr', 'is required: the network clients may reach, in CIDR notation', props.cidr);
  }
  requireNetworkCidr('cidr', props.cidr);
  requireNonEmptyString('accessGroupId', props.accessGroupId);
  requireBoolean('authorizeAllGroups', props.authorizeAllGroups);
  requireString('description', props.description);

  const allGroups = props.authorizeAllGroups === true;
  const hasGroup = props.accessGroupId !== undefined;
  if (allGroups && hasGroup) {
    throw invalid('accessGroupId', 'cannot be combined with `authorizeAllGroups: true`: give exactly one of the two', props.accessGroupId);
  }
  if (!allGroups && !hasGroup && !isUnresolved(props.authorizeAllGroups)) {
    throw invalid('authorizeAllGroups', 'must be true when no `accessGroupId` is given: give exactly one of the two', props.authorizeAllGroups);
  }

  const facts = endpointFacts(props.endpoint);
  if (hasGroup && !isUnresolved(props.accessGroupId) && facts && !facts.usesUserAuthentication) {
    throw invalid('accessGroupId',
      'needs an endpoint with user-based authentication (Active Directory or SAML): with mutual TLS alone there are no groups, so use `authorizeAllGroups: true`',
      props.accessGroupId);
  }
}
