import { Annotations, AspectPriority, Aspects, CfnCondition, Fn, ITaggable, Lazy, Stack, TagManager, TagType } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { ClientVpnCertificateAuthority } from './client-vpn-certificate-authority';
import { ClientVpnEndpointBase } from './client-vpn-endpoint-base';
import {
  ClientVpnAuthorizationPolicy,
  ClientVpnEndpointAttributes,
  ClientVpnTransitGatewayConfiguration,
  DevicePostureOptions,
  ClientVpnUserAuthentication,
  IClientVpnEndpoint,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from './client-vpn-endpoint-types';
import { EndpointSettings } from './custom-resource/endpoint-settings';
import { transitGatewayZones, validateEndpointProps, validateTags, vpcCidrsToAuthorize } from './private/client-vpn-endpoint-validation';
import { rejectConstruct, scopeError } from './private/construct-rejection';
import { recordEndpointFacts } from './private/endpoint-facts';
import { applyPropertyInjectors } from './private/property-injection';
import { selectTargetSubnets } from './private/target-networks';
import { invalid, isUnresolved, warnAbout } from './private/validation';

/** Properties of a `ClientVpnEndpoint`. */
export interface ClientVpnEndpointProps {
  /**
   * The VPC whose subnets become the endpoint's target networks. Exactly one of `vpc` and
   * `transitGatewayConfiguration` is required.
   *
   * @default - none: the endpoint is attached to a transit gateway
   */
  readonly vpc?: ec2.IVpc;

  /** The server certificate, in AWS Certificate Manager. */
  readonly serverCertificate: acm.ICertificate;

  /**
   * The IPv4 range client addresses come from: a network in CIDR notation, /12 to /22,
   * that overlaps no CIDR block of the VPC. It cannot be changed after creation.
   *
   * @default - required unless `trafficIpAddressType` is `IpAddressType.IPV6`, and forbidden then
   */
  readonly clientCidrBlock?: string;

  /**
   * The root certificate (chain) client certificates are signed by: mutual TLS authentication.
   * At least one of `clientRootCertificate` and `userAuthentication` is required.
   *
   * @default - no mutual authentication
   */
  readonly clientRootCertificate?: acm.ICertificate;

  /**
   * User-based authentication: Active Directory or SAML federation.
   * At least one of `clientRootCertificate` and `userAuthentication` is required.
   *
   * @default - no user-based authentication
   */
  readonly userAuthentication?: ClientVpnUserAuthentication;

  /**
   * The subnets associated as target networks; at most one per Availability Zone.
   *
   * @default - the VPC's private subnets, one per Availability Zone
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups applied to the target networks: one to five.
   *
   * @default - one new security group in the VPC
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether connection attempts and results are logged to CloudWatch Logs.
   *
   * @default true
   */
  readonly logging?: boolean;

  /**
   * The log group connections are logged to.
   *
   * @default - a new log group, kept for `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the new log group keeps connection logs. Only for the log group this construct creates.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The log stream connections are logged to, in `logGroup`.
   *
   * @default - Client VPN creates one
   */
  readonly logStream?: logs.ILogStream;

  /**
   * A Lambda function that authorizes each new connection. Its name must start with `AWSClientVPN-`.
   *
   * @default - no client connect handler
   */
  readonly clientConnectHandler?: lambda.IFunction;

  /**
   * A description of the endpoint.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * The DNS servers clients use: at most two IP addresses.
   *
   * @default - the DNS servers configured on the client device
   */
  readonly dnsServers?: string[];

  /**
   * Whether only traffic to the endpoint's routes goes through the tunnel.
   *
   * @default false
   */
  readonly splitTunnel?: boolean;

  /**
   * The transport protocol of the VPN session.
   *
   * @default TransportProtocol.UDP
   */
  readonly transportProtocol?: TransportProtocol;

  /**
   * The port clients connect to.
   *
   * @default VpnPort.HTTPS
   */
  readonly port?: VpnPort;

  /**
   * Whether the self-service portal, where users download the client configuration, is enabled.
   * It needs user-based authentication. A self-service SAML provider with the portal off is a
   * warning (`cdk-client-vpn:selfServiceProviderWithoutPortal`); a token picks the value at deploy time.
   *
   * @default false
   */
  readonly selfServicePortal?: boolean;

  /**
   * The maximum length of a VPN session.
   *
   * @default SessionTimeout.TWENTY_FOUR_HOURS
   */
  readonly sessionTimeout?: SessionTimeout;

  /**
   * Whether a session ends when `sessionTimeout` is reached (users reconnect themselves)
   * rather than reconnecting automatically.
   *
   * @default true
   */
  readonly disconnectOnSessionTimeout?: boolean;

  /**
   * Text that AWS-provided clients show when a session starts: at most 1400 characters. An empty
   * banner is a warning (`cdk-client-vpn:emptyLoginBanner`).
   *
   * @default - no banner
   */
  readonly clientLoginBanner?: string;

  /**
   * Whether clients are forced to keep the endpoint's routes. It cannot be combined with `splitTunnel: true`.
   *
   * @default false
   */
  readonly clientRouteEnforcement?: boolean;

  /**
   * The address family clients connect to the endpoint over.
   *
   * @default IpAddressType.IPV4
   */
  readonly endpointIpAddressType?: IpAddressType;

  /**
   * The address family of the traffic inside the tunnel.
   *
   * @default IpAddressType.IPV4
   */
  readonly trafficIpAddressType?: IpAddressType;

  /**
   * Whether an authorization rule lets every user reach the whole VPC.
   *
   * @default true
   */
  readonly authorizeAllUsersToVpcCidr?: boolean;

  /**
   * Whether connection logs include the context of the authorization policy decision
   * (`ConnectionLogOptions.IncludeAuthorizationPolicyContext`), useful with `authorizationPolicy`.
   *
   * @default - not set: the service's default, off
   */
  readonly logAuthorizationPolicyContext?: boolean;

  /**
   * A client certificate revocation list (PEM text, `-----BEGIN X509 CRL-----`), imported
   * into the endpoint by the custom resource on creation and whenever it changes.
   * Removing it later leaves the last imported list in force: import an empty list to revoke nothing.
   *
   * @default - no revocation list
   */
  readonly certificateRevocationList?: string;

  /**
   * A bucket the client configuration (`.ovpn`) is exported to, encrypted, after creation and
   * whenever the endpoint changes. When the file moves (another key or bucket, or no export any
   * more) or the endpoint is deleted, the file this construct wrote is deleted; a file it did not
   * write is never touched.
   *
   * @default - the configuration is not exported
   */
  readonly clientConfigurationBucket?: s3.IBucket;

  /**
   * The object key of the exported client configuration in `clientConfigurationBucket`.
   *
   * @default - '<endpoint id>.ovpn'
   */
  readonly clientConfigurationKey?: string;

  /**
   * ModifyClientVpnEndpoint parameters that CloudFormation does not support yet, in the API's
   * casing (for example `{ NewSetting: true }`), applied by the custom resource after
   * CloudFormation has created or updated the endpoint, and again whenever a value changes.
   * They are applied forward only: removing a key, or the whole prop, leaves the endpoint with
   * its last value, so a setting can move to its prop once CloudFormation supports it without
   * being reverted. A parameter that has a prop here is rejected.
   *
   * @default - none
   */
  readonly apiSettings?: { [key: string]: any };

  /**
   * A Cedar policy every connection is evaluated against, optionally in shadow mode.
   *
   * @default - none
   */
  readonly authorizationPolicy?: ClientVpnAuthorizationPolicy;

  /**
   * Device-posture checks through trust providers such as CrowdStrike, JumpCloud or Jamf.
   *
   * @default - none
   */
  readonly devicePostureOptions?: DevicePostureOptions;

  /**
   * Whether the endpoint is created with its tags (`TagSpecifications`), for organisations whose
   * service control policies demand tags at creation. CloudFormation then replaces the endpoint
   * whenever a tag is added, changed or removed: a new endpoint id and DNS name, and every client
   * configuration must be handed out again. By default the custom resource applies the tags
   * seconds after creation and changes them in place.
   *
   * @default false
   */
  readonly tagsAtCreation?: boolean;

  /**
   * Attaches the endpoint to a transit gateway.
   *
   * @default - none
   */
  readonly transitGatewayConfiguration?: ClientVpnTransitGatewayConfiguration;
}

const TAG_RESOURCE_TYPE = 'client-vpn-endpoint';
// Tag aspects run at MUTATING priority, or DEFAULT without the aspect-priorities feature flag.
const AFTER_TAG_ASPECTS = AspectPriority.DEFAULT + 100;

/**
 * An AWS Client VPN endpoint (`AWS::EC2::ClientVpnEndpoint`) with its target network
 * associations, security group, connection log group and default authorization rule.
 *
 * @example
 * const endpoint = new ClientVpnEndpoint(stack, 'Endpoint', {
 *   vpc,
 *   serverCertificate,
 *   clientRootCertificate,
 *   clientCidrBlock: '10.100.0.0/22',
 *   splitTunnel: true,
 * });
 * new CfnOutput(stack, 'DnsName', { value: endpoint.dnsName });
 */
export class ClientVpnEndpoint extends ClientVpnEndpointBase implements ITaggable {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.ClientVpnEndpoint';

  /** Uses an endpoint defined elsewhere. */
  public static fromClientVpnEndpointAttributes(scope: Construct, id: string, attrs: ClientVpnEndpointAttributes): IClientVpnEndpoint {
    if (!attrs?.endpointId) {
      throw scopeError(`${scope.node.path}/${id}`, invalid('endpointId', 'must be the id of a Client VPN endpoint', attrs?.endpointId),
        ClientVpnEndpoint.fromClientVpnEndpointAttributes);
    }
    class Import extends ClientVpnEndpointBase {
      public readonly endpointId = attrs.endpointId;
      public readonly endpointArn = this.arnFor(attrs.endpointId);
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
      public readonly targetNetworksAssociated: IDependable = new DependencyGroup();
    }
    return new Import(scope, id);
  }

  public readonly endpointId: string;
  public readonly connections: ec2.Connections;
  public readonly targetNetworksAssociated: IDependable;

  /** The security groups applied to the target networks. */
  public readonly securityGroups: ec2.ISecurityGroup[];

  /** The log group connections are logged to, when logging is on. */
  public readonly logGroup?: logs.ILogGroup;

  /** Tags of the endpoint, rendered into its TagSpecifications. */
  public readonly tags: TagManager;

  private readonly props: ClientVpnEndpointProps;
  private arn?: string;
  /** `enabled` or `disabled`, as written to the endpoint (a condition for a token). */
  private readonly selfServicePortal: string;
  private settings?: EndpointSettings;

  constructor(scope: Construct, id: string, props: ClientVpnEndpointProps) {
    super(scope, id);
    // Every rule is checked before the endpoint has children; whatever fails, the endpoint leaves the tree.
    try {
      props = applyPropertyInjectors(ClientVpnEndpoint.PROPERTY_INJECTION_ID, props, scope, id);
      const cautions = validateEndpointProps(props);
      const authority = trustedAuthority(this, props);
      const targets = props.vpc ? selectTargetSubnets(props.vpc, props.vpcSubnets) : { subnets: [], isPendingLookup: false };
      // Before Vpc.fromLookup has run, its CIDR is a placeholder and this synthesis is thrown away.
      const defaultRuleCidrs = (props.authorizeAllUsersToVpcCidr ?? true) && !targets.isPendingLookup ? vpcCidrsToAuthorize(props) : [];
      this.props = props;

      const vpc = props.vpc;
      const { subnets, isPendingLookup } = targets;
      // A transit gateway endpoint has no VPC, so no security groups either.
      this.securityGroups = !vpc ? [] : props.securityGroups ?? [
        new ec2.SecurityGroup(this, 'SecurityGroup', { vpc, description: 'Client VPN endpoint' }),
      ];
      this.connections = new ec2.Connections({ securityGroups: this.securityGroups });
      this.logGroup = this.createLogGroup(props);
      this.tags = new TagManager(TagType.STANDARD, 'AWS::EC2::ClientVpnEndpoint', undefined, {
        tagPropertyName: 'tagSpecifications',
      });
      this.node.addValidation({ validate: () => validateTags(this.tags.renderTags()) });
      this.selfServicePortal = this.renderSelfServicePortal(props.selfServicePortal);

      const endpoint = new ec2.CfnClientVpnEndpoint(this, 'Resource', {
        vpcId: vpc?.vpcId,
        serverCertificateArn: props.serverCertificate.certificateArn,
        clientCidrBlock: props.clientCidrBlock,
        authenticationOptions: renderAuthentication(props),
        connectionLogOptions: {
          enabled: this.logGroup !== undefined,
          cloudwatchLogGroup: this.logGroup?.logGroupName,
          cloudwatchLogStream: props.logStream?.logStreamName,
        },
        clientConnectOptions: props.clientConnectHandler
          ? { enabled: true, lambdaFunctionArn: props.clientConnectHandler.functionArn }
          : undefined,
        clientLoginBannerOptions: props.clientLoginBanner !== undefined
          ? { enabled: true, bannerText: props.clientLoginBanner }
          : undefined,
        clientRouteEnforcementOptions: props.clientRouteEnforcement !== undefined
          ? { enforced: props.clientRouteEnforcement }
          : undefined,
        description: props.description,
        dnsServers: props.dnsServers,
        securityGroupIds: vpc ? this.securityGroups.map((sg) => sg.securityGroupId) : undefined,
        selfServicePortal: this.selfServicePortal,
        sessionTimeoutHours: props.sessionTimeout,
        disconnectOnSessionTimeout: props.disconnectOnSessionTimeout,
        splitTunnel: props.splitTunnel,
        transportProtocol: props.transportProtocol,
        vpnPort: props.port,
        endpointIpAddressType: props.endpointIpAddressType,
        trafficIpAddressType: props.trafficIpAddressType,
        // The zones are associated one by one, as a VPC endpoint's subnets are.
        transitGatewayConfiguration: props.transitGatewayConfiguration
          ? { transitGatewayId: props.transitGatewayConfiguration.transitGatewayId }
          : undefined,
        // CloudFormation replaces an endpoint whose TagSpecifications change: by default the tags are
        // applied by the custom resource instead, which changes them in place.
        tagSpecifications: props.tagsAtCreation ? Lazy.any({
          produce: () => this.tags.hasTags()
            ? [{ resourceType: TAG_RESOURCE_TYPE, tags: this.tags.renderTags() }]
            : undefined,
        }) : undefined,
      });
      warnAbout(this.node.path, endpoint, cautions);
      if (this.logGroup) {
        endpoint.node.addDependency(this.logGroup);
      }
      // aws-cdk-lib 2.257's L1 predates these properties: overrides give the same template as newer L1s.
      if (props.authorizationPolicy) {
        endpoint.addPropertyOverride('AuthorizationPolicy', renderAuthorizationPolicy(props.authorizationPolicy));
      }
      if (props.devicePostureOptions) {
        endpoint.addPropertyOverride('DevicePostureOptions', renderDevicePostureOptions(props.devicePostureOptions));
      }
      if (props.logAuthorizationPolicyContext !== undefined) {
        endpoint.addPropertyOverride('ConnectionLogOptions.IncludeAuthorizationPolicyContext', props.logAuthorizationPolicyContext);
      }

      this.endpointId = endpoint.ref;

      const associations = vpc
        ? subnets.map((subnet, index) => new ec2.CfnClientVpnTargetNetworkAssociation(this, `Association${index}`, {
          clientVpnEndpointId: this.endpointId,
          subnetId: subnet.subnetId,
        }))
        : transitGatewayZones(props.transitGatewayConfiguration!).map((zone, index) => new ec2.CfnClientVpnTargetNetworkAssociation(this, `Association${index}`, {
          clientVpnEndpointId: this.endpointId,
          ...zone,
        }));
      this.targetNetworksAssociated = new DependencyGroup(...associations);
      const facts = {
        usesUserAuthentication: props.userAuthentication !== undefined,
        usesTransitGateway: vpc === undefined,
        clientCidrBlock: props.clientCidrBlock,
        targetSubnets: [...subnets],
        associationCount: associations.length,
      };
      recordEndpointFacts(this, facts);

      defaultRuleCidrs.forEach(({ cidr, after }, index) => {
        const rule = this.addIngressAuthorization(index === 0 ? 'AuthorizeAll' : `AuthorizeAll${index}`, {
          cidr,
          authorizeAllGroups: true,
          description: 'Allow all users to the VPC',
        });
        // An IPv6 block is listed in the VPC's Ipv6CidrBlocks only once it is associated.
        if (after) {
          rule.node.addDependency(after);
        }
      });

      if (props.certificateRevocationList !== undefined || props.clientConfigurationBucket || props.apiSettings !== undefined) {
        this.endpointSettings();
      }
      authority?._trust(this);
      // Once the app is built: tags arrive through aspects (`Tags.of(app)`) and need the custom
      // resource, and associations may have been added with ClientVpnTargetNetworkAssociation.
      Aspects.of(this).add({
        visit: (node) => {
          if (node !== this) {
            return;
          }
          if (!props.tagsAtCreation && this.tags.hasTags()) {
            this.endpointSettings();
          }
          if (facts.associationCount === 0 && !isPendingLookup) {
            // On the resource, so an acknowledgement on the endpoint or above covers it (they cover descendants).
            Annotations.of(endpoint).addWarningV2('cdk-client-vpn:noTargetNetworks',
              `${this.node.path} has no target networks: it waits in pending-associate and no client can connect until ${vpc ? 'a subnet' : 'an Availability Zone'} is associated`);
          }
        },
      }, { priority: AFTER_TAG_ASPECTS });
    } catch (error) {
      throw rejectConstruct(this, error);
    }
  }

  /** The endpoint's ARN. */
  public get endpointArn(): string {
    // Built when first read: most stacks never need it, and each one costs a token at synthesis.
    this.arn ??= this.arnFor(this.endpointId);
    return this.arn;
  }

  /**
   * The DNS name clients connect to, read back from the endpoint by the custom resource
   * (CloudFormation does not return it). Reading it adds the custom resource.
   *
   * @attribute
   */
  public get dnsName(): string {
    return this.endpointSettings().dnsName;
  }

  /**
   * The URL of the self-service portal; empty when the portal is disabled. Read back by
   * the custom resource (CloudFormation does not return it). Reading it adds the custom resource.
   *
   * @attribute
   */
  public get selfServicePortalUrl(): string {
    return this.endpointSettings().selfServicePortalUrl;
  }

  /**
   * The id of the transit gateway attachment of an endpoint attached to a transit gateway
   * (empty for an endpoint in a VPC), read back by the custom resource. Reading it adds the
   * custom resource. The transit gateway's owner accepts the attachment when the transit
   * gateway is shared from another account, and routes to the endpoint through it.
   *
   * @attribute
   */
  public get transitGatewayAttachmentId(): string {
    const settings = this.endpointSettings();
    // Whether the attachment exists before a zone is associated is not documented: read it after.
    settings.node.addDependency(this.targetNetworksAssociated);
    return settings.transitGatewayAttachmentId;
  }

  /** Always explicit, because the API enables the portal when the property is left out. */
  private renderSelfServicePortal(enabled: boolean | undefined): string {
    if (enabled === undefined || !isUnresolved(enabled)) {
      return enabled ? 'enabled' : 'disabled';
    }
    const condition = new CfnCondition(this, 'SelfServicePortalEnabled', { expression: Fn.conditionEquals(enabled, true) });
    return Fn.conditionIf(condition.logicalId, 'enabled', 'disabled').toString();
  }

  /** @internal endpoint settings the exported client configuration depends on, as JSON: a change exports it again */
  public get _configurationInputs(): string {
    return Stack.of(this).toJsonString({
      serverCertificate: this.props.serverCertificate.certificateArn,
      clientRootCertificate: this.props.clientRootCertificate?.certificateArn,
      authentication: this.props.userAuthentication?._render(),
      transportProtocol: this.props.transportProtocol,
      port: this.props.port,
      endpointIpAddressType: this.props.endpointIpAddressType,
    });
  }

  /** The custom resource, created the first time something needs it. */
  private endpointSettings(): EndpointSettings {
    this.settings ??= new EndpointSettings(this, 'Settings', {
      endpointId: this.endpointId,
      endpointArn: this.endpointArn,
      certificateRevocationList: this.props.certificateRevocationList,
      configurationBucket: this.props.clientConfigurationBucket,
      configurationKey: this.props.clientConfigurationKey,
      configurationInputs: this._configurationInputs,
      apiSettings: this.props.apiSettings,
      selfServicePortal: this.selfServicePortal,
      tags: this.props.tagsAtCreation ? undefined : Lazy.string({
        produce: () => this.tags.hasTags()
          ? Stack.of(this).toJsonString(this.tags.renderTags().map(({ key, value }: { key: string; value: string }) => ({ Key: key, Value: value })))
          : undefined,
      }),
    });
    return this.settings;
  }

  private createLogGroup(props: ClientVpnEndpointProps): logs.ILogGroup | undefined {
    if (props.logging === false) {
      return undefined;
    }
    return props.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
  }
}

/**
 * The certificate authority whose client root certificate the endpoint trusts: its CRL is the
 * endpoint's, so a CRL of the app's own would be overwritten; its resources live in its stack.
 */
function trustedAuthority(endpoint: Construct, props: ClientVpnEndpointProps): ClientVpnCertificateAuthority | undefined {
  const authority = ClientVpnCertificateAuthority._trustedThrough(props.clientRootCertificate);
  if (!authority) {
    return undefined;
  }
  if (props.certificateRevocationList !== undefined) {
    throw invalid('certificateRevocationList', `cannot be given with the client root certificate of ${authority.node.path}: `
      + 'the CA\'s own revocation list is imported (revoke a client with `revoked: true`)', props.certificateRevocationList);
  }
  if (Stack.of(authority) !== Stack.of(endpoint)) {
    throw invalid('clientRootCertificate', `must come from a ClientVpnCertificateAuthority in the endpoint's stack (${Stack.of(endpoint).node.path}), `
      + 'which imports its revocation list into the endpoint', authority.node.path);
  }
  return authority;
}

function renderAuthentication(props: ClientVpnEndpointProps): ec2.CfnClientVpnEndpoint.ClientAuthenticationRequestProperty[] {
  const options: ec2.CfnClientVpnEndpoint.ClientAuthenticationRequestProperty[] = [];
  if (props.clientRootCertificate) {
    options.push({
      type: 'certificate-authentication',
      mutualAuthentication: { clientRootCertificateChainArn: props.clientRootCertificate.certificateArn },
    });
  }
  if (props.userAuthentication) {
    options.push(props.userAuthentication._render());
  }
  return options;
}

function renderAuthorizationPolicy(policy: ClientVpnAuthorizationPolicy) {
  return {
    PolicyDocument: policy.policyDocument,
    Description: policy.description,
    ShadowMode: policy.shadowMode === undefined ? undefined : policy.shadowMode ? 'enabled' : 'disabled',
  };
}

function renderDevicePostureOptions(options: DevicePostureOptions) {
  return {
    Enabled: options.enabled ?? true,
    TrustProviders: options.trustProviders.map((provider) => ({
      TrustProviderType: provider.type.value,
      TenantId: provider.tenantId,
      PublicSigningKeyUrl: provider.publicSigningKeyUrl,
    })),
  };
}
