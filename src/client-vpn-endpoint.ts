import { ArnFormat, CfnCondition, Duration, Fn, ITaggable, Lazy, Resource, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, DependencyGroup, IConstruct, IDependable } from 'constructs';
import {
  ClientVpnAuthorizationPolicy,
  ClientVpnEndpointAttributes,
  ClientVpnTransitGatewayConfiguration,
  CrlExpiryAlarmOptions,
  DevicePostureOptions,
  DevicePostureTrustProviderType,
  ClientVpnUserAuthentication,
  IClientVpnEndpoint,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from './client-vpn-endpoint-types';
import { ClientVpnRoute, ClientVpnRouteOptions } from './client-vpn-route';
import { EndpointSettings } from './custom-resource/endpoint-settings';
import { RESERVED_API_SETTINGS } from './custom-resource/resource-properties';
import { IngressAuthorization, IngressAuthorizationOptions } from './ingress-authorization';
import { recordEndpointFacts } from './private/endpoint-facts';
import { applyPropertyInjectors } from './private/property-injection';
import {
  Cidr,
  characterCount,
  cidrsOverlap,
  describeSubnet,
  invalid,
  isIpAddress,
  isUnresolved,
  parseCidr,
  requireArray,
  requireBoolean,
  requireNetworkCidr,
  requireNonEmptyString,
  requireOneOf,
  requireResource,
  requireString,
} from './private/validation';

/** Properties of a `ClientVpnEndpoint`. */
export interface ClientVpnEndpointProps {
  /** The VPC whose subnets become the endpoint's target networks. */
  readonly vpc: ec2.IVpc;

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
   * It needs user-based authentication.
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
   * Text that AWS-provided clients show when a session starts: at most 1400 characters.
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
   * A client certificate revocation list (PEM text, `-----BEGIN X509 CRL-----`), imported
   * into the endpoint by the custom resource on creation and whenever it changes.
   * Removing it later leaves the last imported list in force: import an empty list to revoke nothing.
   *
   * @default - no revocation list
   */
  readonly certificateRevocationList?: string;

  /**
   * A bucket the client configuration (`.ovpn`) is exported to, encrypted, after creation and
   * whenever the endpoint changes. The file is deleted with the endpoint if this construct wrote it.
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
   * CloudFormation has created or updated the endpoint. On delete, the values in effect
   * before are restored when the endpoint still exists. A parameter that has a prop here is rejected.
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
   * Attaches the endpoint to a transit gateway.
   *
   * @default - none
   */
  readonly transitGatewayConfiguration?: ClientVpnTransitGatewayConfiguration;
}

const MAX_LOGIN_BANNER_CHARACTERS = 1400;
const FIVE_MINUTES = Duration.minutes(5);
const DEFAULT_CRL_EXPIRY_THRESHOLD_DAYS = 7;
const MAX_DNS_SERVERS = 2;
const MAX_SECURITY_GROUPS = 5;
const MIN_CLIENT_CIDR_PREFIX = 12;
const MAX_CLIENT_CIDR_PREFIX = 22;
const CLIENT_CONNECT_HANDLER_PREFIX = 'AWSClientVPN-';
const TAG_RESOURCE_TYPE = 'client-vpn-endpoint';
const MAX_OBJECT_KEY_BYTES = 1024;
// Vpc.fromLookup's stand-in CIDR before the lookup has run.
const LOOKUP_PLACEHOLDER_CIDR = '1.2.3.4/5';

abstract class ClientVpnEndpointBase extends Resource implements IClientVpnEndpoint {
  public abstract readonly endpointId: string;
  public abstract readonly endpointArn: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly targetNetworksAssociated: IDependable;

  public addIngressAuthorization(id: string, options: IngressAuthorizationOptions): IngressAuthorization {
    return new IngressAuthorization(this, id, { ...options, endpoint: this });
  }

  public addRoute(id: string, options: ClientVpnRouteOptions): ClientVpnRoute {
    return new ClientVpnRoute(this, id, { ...options, endpoint: this });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ClientVPN',
      metricName,
      dimensionsMap: { Endpoint: this.endpointId },
      ...props,
    }).attachTo(this);
  }

  public metricActiveConnectionsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ActiveConnectionsCount', { statistic: cloudwatch.Stats.AVERAGE, period: FIVE_MINUTES, ...props });
  }

  public metricAuthenticationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('AuthenticationFailures', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricCrlDaysToExpiry(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CrlDaysToExpiry', { statistic: cloudwatch.Stats.MINIMUM, period: Duration.hours(1), ...props });
  }

  public metricIngressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IngressBytes', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricEgressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EgressBytes', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricIngressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('IngressPackets', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricEgressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EgressPackets', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public metricSelfServicePortalClientConfigurationDownloads(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SelfServicePortalClientConfigurationDownloads', { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, ...props });
  }

  public addCrlExpiryAlarm(id: string, options: CrlExpiryAlarmOptions = {}): cloudwatch.Alarm {
    const thresholdDays = options.thresholdDays ?? DEFAULT_CRL_EXPIRY_THRESHOLD_DAYS;
    if (!isUnresolved(thresholdDays) && (!Number.isInteger(thresholdDays) || thresholdDays < 1)) {
      throw invalid('thresholdDays', 'must be a whole number of days, at least 1', thresholdDays);
    }
    return new cloudwatch.Alarm(this, id, {
      metric: this.metricCrlDaysToExpiry(),
      threshold: thresholdDays,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no CRL is imported, which is not this alarm's concern.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.alarmDescription
        ?? `The client certificate revocation list of ${this.node.path} expires in less than ${thresholdDays} days; an expired list blocks every connection`,
      alarmName: options.alarmName,
    });
  }

  protected arnFor(endpointId: string): string {
    return Stack.of(this).formatArn({
      service: 'ec2',
      resource: 'client-vpn-endpoint',
      resourceName: endpointId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

/**
 * An AWS Client VPN endpoint (`AWS::EC2::ClientVpnEndpoint`) with its target network
 * associations, security group, connection log group and default authorization rule.
 */
export class ClientVpnEndpoint extends ClientVpnEndpointBase implements ITaggable {
  /** The id under which property injectors find this construct. */
  public static readonly PROPERTY_INJECTION_ID = 'cdk-client-vpn.ClientVpnEndpoint';

  /** Uses an endpoint defined elsewhere. */
  public static fromClientVpnEndpointAttributes(scope: Construct, id: string, attrs: ClientVpnEndpointAttributes): IClientVpnEndpoint {
    if (!attrs?.endpointId) {
      throw invalid('endpointId', 'must be the id of a Client VPN endpoint', attrs?.endpointId);
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
    props = applyPropertyInjectors(ClientVpnEndpoint.PROPERTY_INJECTION_ID, props, scope, id);
    validateEndpointProps(props);
    this.props = props;

    const { subnets, isPendingLookup } = selectTargetSubnets(props.vpc, props.vpcSubnets);
    this.securityGroups = props.securityGroups ?? [
      new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Client VPN endpoint' }),
    ];
    this.connections = new ec2.Connections({ securityGroups: this.securityGroups });
    this.logGroup = this.createLogGroup(props);
    this.tags = new TagManager(TagType.STANDARD, 'AWS::EC2::ClientVpnEndpoint', undefined, {
      tagPropertyName: 'tagSpecifications',
    });
    this.node.addValidation({ validate: () => validateTags(this.tags.renderTags()) });
    this.selfServicePortal = this.renderSelfServicePortal(props.selfServicePortal);

    const endpoint = new ec2.CfnClientVpnEndpoint(this, 'Resource', {
      vpcId: props.vpc.vpcId,
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
      securityGroupIds: this.securityGroups.map((sg) => sg.securityGroupId),
      selfServicePortal: this.selfServicePortal,
      sessionTimeoutHours: props.sessionTimeout,
      disconnectOnSessionTimeout: props.disconnectOnSessionTimeout,
      splitTunnel: props.splitTunnel,
      transportProtocol: props.transportProtocol,
      vpnPort: props.port,
      endpointIpAddressType: props.endpointIpAddressType,
      trafficIpAddressType: props.trafficIpAddressType,
      transitGatewayConfiguration: props.transitGatewayConfiguration,
      tagSpecifications: Lazy.any({
        produce: () => this.tags.hasTags()
          ? [{ resourceType: TAG_RESOURCE_TYPE, tags: this.tags.renderTags() }]
          : undefined,
      }),
    });
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

    this.endpointId = endpoint.ref;

    const associations = subnets.map((subnet, index) => new ec2.CfnClientVpnTargetNetworkAssociation(this, `Association${index}`, {
      clientVpnEndpointId: this.endpointId,
      subnetId: subnet.subnetId,
    }));
    this.targetNetworksAssociated = new DependencyGroup(...associations);
    recordEndpointFacts(this, {
      usesUserAuthentication: props.userAuthentication !== undefined,
      targetSubnets: subnets,
      associations,
    });

    // Before Vpc.fromLookup has run, its CIDR is a placeholder and this synthesis is thrown away.
    if ((props.authorizeAllUsersToVpcCidr ?? true) && !isPendingLookup) {
      this.addIngressAuthorization('AuthorizeAll', {
        cidr: vpcCidrToAuthorize(props),
        authorizeAllGroups: true,
        description: 'Allow all users to the VPC',
      });
    }

    if (props.certificateRevocationList !== undefined || props.clientConfigurationBucket || props.apiSettings !== undefined) {
      this.endpointSettings();
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

  /** Always explicit, because the API enables the portal when the property is left out. */
  private renderSelfServicePortal(enabled: boolean | undefined): string {
    if (enabled === undefined || !isUnresolved(enabled)) {
      return enabled ? 'enabled' : 'disabled';
    }
    const condition = new CfnCondition(this, 'SelfServicePortalEnabled', { expression: Fn.conditionEquals(enabled, true) });
    return Fn.conditionIf(condition.logicalId, 'enabled', 'disabled').toString();
  }

  /** The custom resource, created the first time something needs it. */
  private endpointSettings(): EndpointSettings {
    this.settings ??= new EndpointSettings(this, 'Settings', {
      endpointId: this.endpointId,
      endpointArn: this.endpointArn,
      certificateRevocationList: this.props.certificateRevocationList,
      configurationBucket: this.props.clientConfigurationBucket,
      configurationKey: this.props.clientConfigurationKey ?? `${this.endpointId}.ovpn`,
      configurationInputs: Stack.of(this).toJsonString({
        serverCertificate: this.props.serverCertificate.certificateArn,
        clientRootCertificate: this.props.clientRootCertificate?.certificateArn,
        authentication: this.props.userAuthentication?._render(),
        transportProtocol: this.props.transportProtocol,
        port: this.props.port,
        endpointIpAddressType: this.props.endpointIpAddressType,
      }),
      apiSettings: this.props.apiSettings,
      selfServicePortal: this.selfServicePortal,
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

function selectTargetSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): ec2.SelectedSubnets {
  // By default one subnet per zone, so VPCs with several private subnet groups still work.
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection ?? { onePerAz: true });
  } catch (error) {
    throw invalid('vpcSubnets', `must select subnets of the VPC (${(error as Error).message})`, selection ?? {});
  }
  const subnets = selected.subnets;
  if (subnets.length === 0) {
    throw invalid('vpcSubnets', 'must select at least one subnet to associate as a target network', selection ?? {});
  }
  const seen = new Map<string, ec2.ISubnet>();
  for (const subnet of subnets) {
    const zone = knownAvailabilityZone(subnet);
    if (zone === undefined) {
      continue;
    }
    const other = seen.get(zone);
    if (other !== undefined) {
      throw invalid('vpcSubnets',
        `must select at most one subnet per Availability Zone (add \`onePerAz: true\`); ${zone} has ${describeSubnet(other)} and ${describeSubnet(subnet)}`,
        subnets.map(describeSubnet));
    }
    seen.set(zone, subnet);
  }
  return selected;
}

function knownAvailabilityZone(subnet: ec2.ISubnet): string | undefined {
  try {
    const zone = subnet.availabilityZone;
    return zone && !isUnresolved(zone) ? zone : undefined;
  } catch {
    // An imported subnet without an Availability Zone throws when asked for it.
    return undefined;
  }
}

/** The VPC's IPv4 CIDR blocks known at synth time; empty when none is. */
function knownVpcCidrs(vpc: ec2.IVpc): Cidr[] {
  const texts: string[] = [];
  try {
    texts.push(vpc.vpcCidrBlock);
  } catch {
    // Imported VPCs without a CIDR block throw when asked for it.
  }
  // A VPC defined in this app answers with a token; its resources hold the literal blocks.
  // Secondary blocks live in the VPC or beside it, naming it by its id. Only those places are
  // searched: walking the whole stack for every endpoint would make synthesis quadratic.
  const isSecondaryBlock = (child: IConstruct): child is ec2.CfnVPCCidrBlock & { cidrBlock: string } =>
    child instanceof ec2.CfnVPCCidrBlock && child.cidrBlock !== undefined && child.vpcId === vpc.vpcId;
  for (const child of vpc.node.findAll()) {
    if (child instanceof ec2.CfnVPC && child.cidrBlock !== undefined) {
      texts.push(child.cidrBlock);
    } else if (isSecondaryBlock(child)) {
      texts.push(child.cidrBlock);
    }
  }
  for (const sibling of vpc.node.scope?.node.children ?? []) {
    if (isSecondaryBlock(sibling)) {
      texts.push(sibling.cidrBlock);
    }
  }
  return texts
    .filter((text) => typeof text === 'string' && text !== LOOKUP_PLACEHOLDER_CIDR && !isUnresolved(text))
    .map((text) => parseCidr(text, [4]))
    .filter((cidr): cidr is Cidr => cidr !== undefined);
}

function vpcCidrToAuthorize(props: ClientVpnEndpointProps): string {
  if (props.trafficIpAddressType === IpAddressType.IPV6) {
    throw invalid('authorizeAllUsersToVpcCidr',
      'must be false when `trafficIpAddressType` is IPV6 (the default rule authorizes the VPC\'s IPv4 block); add an IngressAuthorization for the VPC\'s IPv6 block instead',
      props.authorizeAllUsersToVpcCidr);
  }
  try {
    return props.vpc.vpcCidrBlock;
  } catch {
    throw invalid('authorizeAllUsersToVpcCidr',
      'must be false when the VPC was imported without `vpcCidrBlock`: the default rule needs the VPC\'s CIDR block',
      props.authorizeAllUsersToVpcCidr);
  }
}

function validateEndpointProps(props: ClientVpnEndpointProps): void {
  if (typeof props !== 'object' || props === null) {
    throw invalid('props', 'must be an object of ClientVpnEndpointProps', props);
  }
  requireResource('vpc', props.vpc, 'an ec2.IVpc', ['vpcId'], ['selectSubnets']);
  requireResource('serverCertificate', props.serverCertificate, 'an ACM certificate', ['certificateArn']);
  validateTypes(props);
  validateClientCidr(props);
  validateAuthentication(props);
  validateLogging(props);
  validateDnsServers(props.dnsServers);
  validateLoginBanner(props.clientLoginBanner);
  validateSecurityGroups(props.securityGroups);
  validateClientConnectHandler(props.clientConnectHandler);
  validateCertificateRevocationList(props.certificateRevocationList);
  validateClientConfiguration(props);
  validateApiSettings(props.apiSettings);
  validateAuthorizationPolicy(props.authorizationPolicy);
  validateDevicePostureOptions(props.devicePostureOptions);
  validateTransitGatewayConfiguration(props.transitGatewayConfiguration);
  if (props.clientRouteEnforcement === true && props.splitTunnel === true) {
    throw invalid('clientRouteEnforcement', 'cannot be true when `splitTunnel` is true: enforced routes would override the split tunnel', props.clientRouteEnforcement);
  }
}

function validateTypes(props: ClientVpnEndpointProps): void {
  requireOneOf('transportProtocol', props.transportProtocol, Object.values(TransportProtocol));
  requireOneOf('port', props.port, [VpnPort.HTTPS, VpnPort.OPENVPN]);
  requireOneOf('sessionTimeout', props.sessionTimeout, [
    SessionTimeout.EIGHT_HOURS, SessionTimeout.TEN_HOURS, SessionTimeout.TWELVE_HOURS, SessionTimeout.TWENTY_FOUR_HOURS,
  ]);
  requireOneOf('endpointIpAddressType', props.endpointIpAddressType, Object.values(IpAddressType));
  requireOneOf('trafficIpAddressType', props.trafficIpAddressType, Object.values(IpAddressType));
  for (const prop of ['splitTunnel', 'selfServicePortal', 'disconnectOnSessionTimeout', 'clientRouteEnforcement'] as const) {
    requireBoolean(prop, props[prop]);
  }
  // These decide which resources exist, which a value known only at deploy time cannot.
  for (const prop of ['logging', 'authorizeAllUsersToVpcCidr'] as const) {
    if (props[prop] !== undefined && typeof props[prop] !== 'boolean') {
      throw invalid(prop, 'must be a literal true or false: it decides which resources are created', props[prop]);
    }
  }
  requireString('description', props.description);
  requireString('clientLoginBanner', props.clientLoginBanner);
  requireArray('dnsServers', props.dnsServers);
  requireArray('securityGroups', props.securityGroups);
}

function validateClientCidr(props: ClientVpnEndpointProps): void {
  const cidrBlock = props.clientCidrBlock;
  if (props.trafficIpAddressType === IpAddressType.IPV6) {
    if (cidrBlock !== undefined) {
      throw invalid('clientCidrBlock', 'must not be given when `trafficIpAddressType` is IPV6: clients get IPv6 addresses from the VPC', cidrBlock);
    }
    return;
  }
  if (cidrBlock === undefined) {
    throw invalid('clientCidrBlock', 'is required unless `trafficIpAddressType` is IPV6: give an IPv4 network from /12 to /22 such as 10.100.0.0/22', cidrBlock);
  }
  const cidr = requireNetworkCidr('clientCidrBlock', cidrBlock, [4]);
  if (!cidr) {
    return;
  }
  if (cidr.prefix < MIN_CLIENT_CIDR_PREFIX || cidr.prefix > MAX_CLIENT_CIDR_PREFIX) {
    throw invalid('clientCidrBlock', `must be between /${MIN_CLIENT_CIDR_PREFIX} and /${MAX_CLIENT_CIDR_PREFIX}`, cidrBlock);
  }
  const overlapping = knownVpcCidrs(props.vpc).find((vpcCidr) => cidrsOverlap(cidr, vpcCidr));
  if (overlapping) {
    throw invalid('clientCidrBlock', `must not overlap the VPC's CIDR block ${overlapping.canonical}`, cidrBlock);
  }
}

function validateAuthentication(props: ClientVpnEndpointProps): void {
  if (props.clientRootCertificate === undefined && props.userAuthentication === undefined) {
    throw invalid('clientRootCertificate',
      'or `userAuthentication` is required: give a client root certificate (mutual TLS), user-based authentication, or both',
      props.clientRootCertificate);
  }
  if (props.clientRootCertificate !== undefined) {
    requireResource('clientRootCertificate', props.clientRootCertificate, 'an ACM certificate', ['certificateArn']);
  }
  if (props.userAuthentication !== undefined && !(props.userAuthentication instanceof ClientVpnUserAuthentication)) {
    throw invalid('userAuthentication', 'must be made with `ClientVpnUserAuthentication.activeDirectory()` or `.federated()`', props.userAuthentication);
  }
  if (props.selfServicePortal === true && props.userAuthentication === undefined) {
    throw invalid('selfServicePortal', 'needs user-based authentication (`userAuthentication`): with mutual TLS alone the portal has no one to sign in', props.selfServicePortal);
  }
  if (props.userAuthentication?._hasSelfServiceProvider() && props.selfServicePortal !== true) {
    throw invalid('selfServicePortal',
      'must be true when `userAuthentication` names a self-service SAML provider: otherwise that provider is never used',
      props.selfServicePortal);
  }
}

function validateLogging(props: ClientVpnEndpointProps): void {
  if (props.logGroup !== undefined) {
    requireResource('logGroup', props.logGroup, 'a logs.ILogGroup', ['logGroupName']);
  }
  if (props.logStream !== undefined) {
    requireResource('logStream', props.logStream, 'a logs.ILogStream', ['logStreamName']);
  }
  requireOneOf('logRetention', props.logRetention, Object.values(logs.RetentionDays).filter((days) => typeof days === 'number'));
  if (props.logging === false) {
    for (const prop of ['logGroup', 'logStream', 'logRetention'] as const) {
      if (props[prop] !== undefined) {
        throw invalid(prop, 'cannot be given when `logging` is false', prop === 'logRetention' ? props[prop] : describeLogResource(props[prop]));
      }
    }
    return;
  }
  if (props.logStream !== undefined && props.logGroup === undefined) {
    throw invalid('logStream', 'needs the `logGroup` it belongs to', describeLogResource(props.logStream));
  }
  if (props.logRetention !== undefined && props.logGroup !== undefined) {
    throw invalid('logRetention', 'applies only to the log group this construct creates: set the retention on `logGroup` instead', props.logRetention);
  }
}

function describeLogResource(resource: unknown): unknown {
  return resource instanceof Construct ? resource.node.path : resource;
}

function validateDnsServers(dnsServers: string[] | undefined): void {
  if (dnsServers === undefined || isUnresolved(dnsServers)) {
    return;
  }
  if (dnsServers.length > MAX_DNS_SERVERS) {
    throw invalid('dnsServers', `must list at most ${MAX_DNS_SERVERS} servers`, dnsServers);
  }
  for (const server of dnsServers) {
    if (isUnresolved(server)) {
      continue;
    }
    if (typeof server !== 'string' || !isIpAddress(server)) {
      throw invalid('dnsServers', 'must list IP addresses', server);
    }
  }
}

function validateLoginBanner(banner: string | undefined): void {
  if (banner === undefined || isUnresolved(banner)) {
    return;
  }
  const length = characterCount(banner);
  if (length === 0 || length > MAX_LOGIN_BANNER_CHARACTERS) {
    throw invalid('clientLoginBanner', `must be 1 to ${MAX_LOGIN_BANNER_CHARACTERS} characters`, banner);
  }
  // A lone UTF-16 surrogate has no UTF-8 encoding.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(banner)) {
    throw invalid('clientLoginBanner', 'must be text that UTF-8 can encode (it has an unpaired surrogate)', banner);
  }
}

function validateSecurityGroups(securityGroups: ec2.ISecurityGroup[] | undefined): void {
  if (securityGroups === undefined || isUnresolved(securityGroups)) {
    return;
  }
  if (securityGroups.length < 1 || securityGroups.length > MAX_SECURITY_GROUPS) {
    throw invalid('securityGroups', `must list 1 to ${MAX_SECURITY_GROUPS} security groups`, securityGroups.map((sg) => sg?.securityGroupId));
  }
  for (let index = 0; index < securityGroups.length; index++) {
    requireResource(`securityGroups[${index}]`, securityGroups[index], 'an ec2.ISecurityGroup', ['securityGroupId']);
  }
}

function validateClientConnectHandler(handler: lambda.IFunction | undefined): void {
  if (handler === undefined) {
    return;
  }
  requireResource('clientConnectHandler', handler, 'a Lambda function', ['functionArn', 'functionName']);
  const name = knownFunctionName(handler);
  if (name === undefined) {
    const resource = handler.node.defaultChild;
    // Without a name, CloudFormation generates one from the stack name, which rarely has the prefix.
    const stackName = Stack.of(resource ?? handler).stackName;
    if (resource instanceof lambda.CfnFunction && Stack.of(resource).resolve(resource.functionName) === undefined
      && !isUnresolved(stackName) && !stackName.startsWith(CLIENT_CONNECT_HANDLER_PREFIX)) {
      throw invalid('clientConnectHandler',
        `must have a functionName starting with '${CLIENT_CONNECT_HANDLER_PREFIX}': the name CloudFormation would generate starts with the stack name`,
        handler.node.path);
    }
    return;
  }
  if (!name.startsWith(CLIENT_CONNECT_HANDLER_PREFIX)) {
    throw invalid('clientConnectHandler', `must be a function whose name starts with '${CLIENT_CONNECT_HANDLER_PREFIX}'`, name);
  }
}

/**
 * A function's name when it is known at synth time: given as functionName, or the literal
 * end of an imported function's ARN (fromFunctionName builds one around the partition token).
 */
function knownFunctionName(handler: lambda.IFunction): string | undefined {
  if (!isUnresolved(handler.functionName)) {
    return handler.functionName;
  }
  const resource = handler.node.defaultChild;
  if (resource instanceof lambda.CfnFunction) {
    return typeof resource.functionName === 'string' && !Token.isUnresolved(resource.functionName) ? resource.functionName : undefined;
  }
  const arn = Stack.of(handler).resolve(handler.functionArn);
  const parts: unknown[] = typeof arn === 'string' ? [arn] : arn?.['Fn::Join']?.[0] === '' ? arn['Fn::Join'][1] : [];
  const tail = parts[parts.length - 1];
  const match = typeof tail === 'string' ? /:function:([^:]+)(:[^:]*)?$/.exec(tail) : null;
  return match?.[1];
}

function validateTags(tags: Array<{ key: string; value: string }> | undefined): string[] {
  const errors: string[] = [];
  for (const { key, value } of tags ?? []) {
    if (isUnresolved(key) || isUnresolved(value)) {
      continue;
    }
    if (characterCount(key) > 127 || key.toLowerCase().startsWith('aws:')) {
      errors.push(`tag key must be at most 127 characters and not start with 'aws:', got '${key}'`);
    }
    if (characterCount(value) > 256) {
      errors.push(`tag value of '${key}' must be at most 256 characters, got ${characterCount(value)}`);
    }
  }
  return errors;
}

const CRL_PEM = /^-----BEGIN X509 CRL-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END X509 CRL-----\s*$/;

function validateCertificateRevocationList(crl: string | undefined): void {
  requireString('certificateRevocationList', crl);
  if (crl === undefined || isUnresolved(crl)) {
    return;
  }
  const match = CRL_PEM.exec(crl.trim() + '\n');
  const body = match?.[1].replace(/\s+/g, '');
  if (!body || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw invalid('certificateRevocationList',
      "must be a PEM-encoded CRL: a base64 body between '-----BEGIN X509 CRL-----' and '-----END X509 CRL-----'",
      crl);
  }
}

function validateClientConfiguration(props: ClientVpnEndpointProps): void {
  const key = props.clientConfigurationKey;
  requireString('clientConfigurationKey', key);
  if (key !== undefined && props.clientConfigurationBucket === undefined) {
    throw invalid('clientConfigurationKey', 'needs `clientConfigurationBucket`, the bucket the key is in', key);
  }
  if (props.clientConfigurationBucket !== undefined) {
    requireResource('clientConfigurationBucket', props.clientConfigurationBucket, 'an s3.IBucket', ['bucketName', 'bucketArn'], ['arnForObjects']);
  }
  if (key === undefined || isUnresolved(key)) {
    return;
  }
  if (key.length === 0 || Buffer.byteLength(key) > MAX_OBJECT_KEY_BYTES) {
    throw invalid('clientConfigurationKey', `must be 1 to ${MAX_OBJECT_KEY_BYTES} bytes long`, key);
  }
}

/** ModifyClientVpnEndpoint and CreateClientVpnEndpoint parameters that have props here. */
const API_SETTINGS_WITH_PROPS: { [parameter: string]: string } = {
  ServerCertificateArn: 'serverCertificate',
  ConnectionLogOptions: 'logging',
  DnsServers: 'dnsServers',
  VpnPort: 'port',
  Description: 'description',
  SplitTunnel: 'splitTunnel',
  VpcId: 'vpc',
  SecurityGroupIds: 'securityGroups',
  SelfServicePortal: 'selfServicePortal',
  ClientConnectOptions: 'clientConnectHandler',
  SessionTimeoutHours: 'sessionTimeout',
  ClientLoginBannerOptions: 'clientLoginBanner',
  ClientRouteEnforcementOptions: 'clientRouteEnforcement',
  DisconnectOnSessionTimeout: 'disconnectOnSessionTimeout',
  ClientCidrBlock: 'clientCidrBlock',
  AuthenticationOptions: 'clientRootCertificate',
  TransportProtocol: 'transportProtocol',
  EndpointIpAddressType: 'endpointIpAddressType',
  TrafficIpAddressType: 'trafficIpAddressType',
  TagSpecifications: 'Tags.of(endpoint)',
  DevicePostureOptions: 'devicePostureOptions',
  TransitGatewayConfiguration: 'transitGatewayConfiguration',
};

function validateApiSettings(apiSettings: { [key: string]: any } | undefined): void {
  if (apiSettings === undefined || isUnresolved(apiSettings)) {
    return;
  }
  if (!isPlainObject(apiSettings)) {
    throw invalid('apiSettings', 'must be a plain object of ModifyClientVpnEndpoint parameters', apiSettings);
  }
  for (const [key, value] of Object.entries(apiSettings)) {
    const prop = API_SETTINGS_WITH_PROPS[key];
    if (prop !== undefined) {
      throw invalid('apiSettings', `cannot set ${key}: use the \`${prop}\` prop`, key);
    }
    if (RESERVED_API_SETTINGS.includes(key)) {
      throw invalid('apiSettings', `cannot set ${key}: the construct sets it`, key);
    }
    if (!/^[A-Z][A-Za-z0-9]*$/.test(key)) {
      throw invalid('apiSettings', 'keys must be ModifyClientVpnEndpoint parameter names in PascalCase, such as DisconnectOnSessionTimeout', key);
    }
    if (value === undefined || value === null) {
      throw invalid('apiSettings', `must give a value for ${key}`, value);
    }
    if (!isJsonValue(value)) {
      throw invalid('apiSettings', `${key} must be a string, a finite number, a boolean, or lists and plain objects of them (null inside)`, value);
    }
  }
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** What survives JSON on its way to the handler unchanged; tokens resolve to such values. */
function isJsonValue(value: unknown): boolean {
  if (value === null || isUnresolved(value)) {
    return true;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (Array.isArray(value)) {
        return value.every(isJsonValue);
      }
      return isPlainObject(value) && Object.values(value).every(isJsonValue);
    default:
      return false;
  }
}

function validateAuthorizationPolicy(policy: ClientVpnAuthorizationPolicy | undefined): void {
  if (policy === undefined) {
    return;
  }
  if (typeof policy !== 'object' || policy === null) {
    throw invalid('authorizationPolicy', 'must be an object with a `policyDocument`', policy);
  }
  if (policy.policyDocument === undefined) {
    throw invalid('authorizationPolicy.policyDocument', 'is required: the Cedar policy', policy.policyDocument);
  }
  requireNonEmptyString('authorizationPolicy.policyDocument', policy.policyDocument);
  requireString('authorizationPolicy.description', policy.description);
  requireBoolean('authorizationPolicy.shadowMode', policy.shadowMode);
  if (isUnresolved(policy.shadowMode)) {
    throw invalid('authorizationPolicy.shadowMode', 'must be a literal true or false', policy.shadowMode);
  }
}

const TRANSIT_GATEWAY_ID = /^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/;

function validateDevicePostureOptions(options: DevicePostureOptions | undefined): void {
  if (options === undefined) {
    return;
  }
  requireBoolean('devicePostureOptions.enabled', options?.enabled);
  const providers = options?.trustProviders;
  if (!Array.isArray(providers) || providers.length === 0) {
    throw invalid('devicePostureOptions.trustProviders', 'must list at least one trust provider', providers);
  }
  for (let index = 0; index < providers.length; index++) {
    const provider = providers[index];
    const prop = `devicePostureOptions.trustProviders[${index}]`;
    if (typeof provider !== 'object' || provider === null) {
      throw invalid(prop, 'must be a DevicePostureTrustProvider', provider);
    }
    if (!(provider?.type instanceof DevicePostureTrustProviderType)) {
      throw invalid(`${prop}.type`, 'must be a DevicePostureTrustProviderType, such as DevicePostureTrustProviderType.CROWDSTRIKE', provider?.type);
    }
    requireNonEmptyString(`${prop}.tenantId`, provider.tenantId);
    if (provider.tenantId === undefined) {
      throw invalid(`${prop}.tenantId`, 'is required', provider.tenantId);
    }
    requireNonEmptyString(`${prop}.publicSigningKeyUrl`, provider.publicSigningKeyUrl);
    const url = provider.publicSigningKeyUrl;
    if (provider.type.requiresPublicSigningKeyUrl === true && url === undefined) {
      throw invalid(`${prop}.publicSigningKeyUrl`, `is required for ${provider.type.value}`, url);
    }
    if (provider.type.requiresPublicSigningKeyUrl === false && url !== undefined) {
      throw invalid(`${prop}.publicSigningKeyUrl`, `is not accepted for ${provider.type.value}`, url);
    }
    if (url !== undefined && !isUnresolved(url) && !/^https:\/\/[^\s/]+/.test(url)) {
      throw invalid(`${prop}.publicSigningKeyUrl`, 'must be an https:// URL', url);
    }
  }
}

function validateTransitGatewayConfiguration(configuration: ClientVpnTransitGatewayConfiguration | undefined): void {
  if (configuration === undefined) {
    return;
  }
  const id = configuration?.transitGatewayId;
  requireString('transitGatewayConfiguration.transitGatewayId', id);
  if (id === undefined || (!isUnresolved(id) && !TRANSIT_GATEWAY_ID.test(id))) {
    throw invalid('transitGatewayConfiguration.transitGatewayId', "must be a transit gateway id: 'tgw-' and 8 or 17 hexadecimal digits", id);
  }
  requireArray('transitGatewayConfiguration.availabilityZones', configuration.availabilityZones);
  requireArray('transitGatewayConfiguration.availabilityZoneIds', configuration.availabilityZoneIds);
  for (const prop of ['availabilityZones', 'availabilityZoneIds'] as const) {
    const zones = configuration[prop];
    for (let index = 0; Array.isArray(zones) && !isUnresolved(zones) && index < zones.length; index++) {
      if (typeof zones[index] !== 'string' || zones[index] === '') {
        throw invalid(`transitGatewayConfiguration.${prop}[${index}]`, 'must be a zone name or id', zones[index]);
      }
    }
  }
  if (configuration.availabilityZones !== undefined && configuration.availabilityZoneIds !== undefined) {
    throw invalid('transitGatewayConfiguration.availabilityZoneIds', 'cannot be given together with `availabilityZones`: name the zones one way',
      configuration.availabilityZoneIds);
  }
}
