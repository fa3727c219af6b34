import { Resource } from 'aws-cdk-lib';
import { CfnClientVpnAuthorizationRule } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IClientVpnEndpoint } from './client-vpn-endpoint-types';
import { rejectConstruct } from './private/construct-rejection';
import { endpointFacts } from './private/endpoint-facts';
import { joinOperationLane } from './private/operation-lanes';
import { applyPropertyInjectors } from './private/property-injection';
import { Caution, invalid, isUnresolved, requireBoolean, requireResource, requireNetworkCidr, requireNonEmptyString, requireString, warnAbout } from './private/validation';

/** An authorization rule, as `addIngressAuthorization` takes it. */
export interface IngressAuthorizationOptions {
  /** The network clients may reach, in CIDR notation (IPv4 or IPv6, host bits clear). */
  readonly cidr: string;

  /**
   * The Active Directory or identity provider group allowed in. Give this or
   * `authorizeAllGroups: true`; both together, or a group on an endpoint without user-based
   * authentication, is a warning (`cdk-client-vpn:accessGroupWithAllGroups`,
   * `cdk-client-vpn:groupRuleWithoutUserAuthentication`).
   * @default - none
   */
  readonly accessGroupId?: string;

  /**
   * Allows every user who can connect. Required (as `true`) when no `accessGroupId` is given.
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
 *
 * @example
 * declare const endpoint: ClientVpnEndpoint;
 * endpoint.addIngressAuthorization('Engineers', {
 *   cidr: '10.0.0.0/16',
 *   accessGroupId: 'engineers',
 *   description: 'The engineers group to the VPC',
 * });
 */
export class IngressAuthorization extends Resource {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.IngressAuthorization';

  constructor(scope: Construct, id: string, props: IngressAuthorizationProps) {
    super(scope, id);
    let cautions: Caution[];
    try {
      props = applyPropertyInjectors(IngressAuthorization.PROPERTY_INJECTION_ID, props, scope, id);
      cautions = validateIngressAuthorization(props);
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
    warnAbout(this.node.path, rule, cautions);
    joinOperationLane(rule, props.endpoint);
  }
}

/** Throws for the first broken rule; returns what is allowed but probably a mistake. */
function validateIngressAuthorization(props: IngressAuthorizationProps): Caution[] {
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

  const cautions: Caution[] = [];
  const allGroups = props.authorizeAllGroups === true;
  const hasGroup = props.accessGroupId !== undefined;
  if (allGroups && hasGroup) {
    cautions.push({
      rule: 'accessGroupWithAllGroups',
      prop: 'accessGroupId',
      advice: 'is given together with `authorizeAllGroups: true`: AWS documents them as alternatives, and a rule for all groups admits users of any group (give one of the two)',
      value: props.accessGroupId,
    });
  }
  if (!allGroups && !hasGroup && !isUnresolved(props.authorizeAllGroups)) {
    throw invalid('authorizeAllGroups', 'must be true when no `accessGroupId` is given: give exactly one of the two', props.authorizeAllGroups);
  }

  const facts = endpointFacts(props.endpoint);
  if (hasGroup && !isUnresolved(props.accessGroupId) && facts && !facts.usesUserAuthentication) {
    cautions.push({
      rule: 'groupRuleWithoutUserAuthentication',
      prop: 'accessGroupId',
      advice: 'is for an endpoint without user-based authentication (Active Directory or SAML): with mutual TLS alone no user is in a group, so the rule lets nobody in',
      value: props.accessGroupId,
    });
  }
  return cautions;
}
