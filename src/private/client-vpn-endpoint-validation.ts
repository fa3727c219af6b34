import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import type { ClientVpnEndpointProps } from '../client-vpn-endpoint';
import {
  ClientVpnAuthorizationPolicy,
  ClientVpnTransitGatewayConfiguration,
  ClientVpnUserAuthentication,
  DevicePostureOptions,
  DevicePostureTrustProviderType,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from '../client-vpn-endpoint-types';
import {
  Caution,
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
} from './validation';
import { isDedicatedTenancy, knownVpcCidrs, vpcIpv6Blocks } from './vpc-blocks';
import { RESERVED_API_SETTINGS } from '../custom-resource/resource-properties';

/*
 * The rules of a ClientVpnEndpoint's props, as pure functions of the props: every rule and its
 * source is listed in docs/constraints.md.
 */

const MAX_LOGIN_BANNER_CHARACTERS = 1400;
const MAX_DNS_SERVERS = 2;
const MAX_SECURITY_GROUPS = 5;
const MIN_CLIENT_CIDR_PREFIX = 12;
const MAX_CLIENT_CIDR_PREFIX = 22;
const CLIENT_CONNECT_HANDLER_PREFIX = 'AWSClientVPN-';
const MAX_OBJECT_KEY_BYTES = 1024;

/**
 * What the default authorization rules cover: the VPC's IPv4 block for IPv4 traffic, its IPv6
 * blocks for IPv6 traffic, and both for dual-stack traffic.
 */
export function vpcCidrsToAuthorize(props: ClientVpnEndpointProps): Array<{ cidr: string; after?: IDependable }> {
  const vpc = props.vpc;
  if (!vpc) {
    throw invalid('authorizeAllUsersToVpcCidr',
      'must be false for a transit gateway endpoint: there is no VPC to authorize; add an IngressAuthorization for each network behind the transit gateway',
      props.authorizeAllUsersToVpcCidr);
  }
  // A token traffic type is taken as IPv4, the API's default: the rule for the IPv4 block is the one that can always be written.
  const given = props.trafficIpAddressType;
  const traffic = given === undefined || isUnresolved(given) ? IpAddressType.IPV4 : given;
  const cidrs: Array<{ cidr: string; after?: IDependable }> = [];
  if (traffic !== IpAddressType.IPV6) {
    let cidr: string;
    try {
      cidr = vpc.vpcCidrBlock;
    } catch {
      throw invalid('authorizeAllUsersToVpcCidr',
        'must be false when the VPC was imported without `vpcCidrBlock`: the default rule needs the VPC\'s CIDR block',
        props.authorizeAllUsersToVpcCidr);
    }
    // An imported VPC's block is the app's own text; the rule would reject it later, under the rule's path.
    if (!isUnresolved(cidr) && !parseCidr(cidr, [4])?.isNetworkAddress) {
      throw invalid('vpc', 'must have a CIDR block that is an IPv4 network address, which the default rule authorizes: '
        + 'fix the imported `vpcCidrBlock` or set `authorizeAllUsersToVpcCidr: false`', cidr);
    }
    cidrs.push({ cidr });
  }
  if (traffic !== IpAddressType.IPV4) {
    const ipv6Blocks = vpcIpv6Blocks(vpc);
    if (ipv6Blocks === undefined) {
      throw invalid('authorizeAllUsersToVpcCidr',
        'must be false with IPv6 traffic through an imported VPC: the default rule needs the VPC\'s IPv6 blocks, which the app cannot know; add an IngressAuthorization for them',
        props.authorizeAllUsersToVpcCidr);
    }
    cidrs.push(...ipv6Blocks.map(({ cidr, association }) => ({ cidr, after: association })));
  }
  return cidrs;
}

/** One association per zone of a transit gateway endpoint, by name or by id. */
type ZoneAssociation = { availabilityZone: string } | { availabilityZoneId: string };

export function transitGatewayZones(configuration: ClientVpnTransitGatewayConfiguration): ZoneAssociation[] {
  return [
    ...(configuration.availabilityZones ?? []).map((availabilityZone) => ({ availabilityZone })),
    ...(configuration.availabilityZoneIds ?? []).map((availabilityZoneId) => ({ availabilityZoneId })),
  ];
}

/** Throws for the first broken rule; returns what is allowed but probably a mistake. */
export function validateEndpointProps(props: ClientVpnEndpointProps): Caution[] {
  if (typeof props !== 'object' || props === null) {
    throw invalid('props', 'must be an object of ClientVpnEndpointProps', props);
  }
  const cautions: Caution[] = [];
  validateNetwork(props);
  requireResource('serverCertificate', props.serverCertificate, 'an ACM certificate', ['certificateArn']);
  validateTypes(props);
  validateClientCidr(props);
  validateAuthentication(props, cautions);
  validateLogging(props);
  validateDnsServers(props.dnsServers);
  validateLoginBanner(props.clientLoginBanner, cautions);
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
  return cautions;
}

/** Exactly one of a VPC and a transit gateway; a transit gateway endpoint has no VPC settings. */
function validateNetwork(props: ClientVpnEndpointProps): void {
  if (props.vpc === undefined && props.transitGatewayConfiguration === undefined) {
    throw invalid('vpc', 'or `transitGatewayConfiguration` is required: the endpoint is associated with subnets of a VPC or attached to a transit gateway', props.vpc);
  }
  if (props.vpc !== undefined && props.transitGatewayConfiguration !== undefined) {
    throw invalid('transitGatewayConfiguration',
      'cannot be given together with `vpc`: an endpoint cannot mix VPC subnet associations and transit gateway associations',
      props.transitGatewayConfiguration?.transitGatewayId);
  }
  if (props.vpc === undefined) {
    const rule = 'cannot be given for a transit gateway endpoint: it has no VPC, so no subnets or security groups';
    if (props.vpcSubnets !== undefined) {
      const { subnets, ...selection } = props.vpcSubnets;
      throw invalid('vpcSubnets', rule, subnets ? { ...selection, subnets: subnets.map(describeSubnet) } : selection);
    }
    if (props.securityGroups !== undefined) {
      throw invalid('securityGroups', rule, props.securityGroups.map((group) => group?.securityGroupId));
    }
    return;
  }
  requireResource('vpc', props.vpc, 'an ec2.IVpc', ['vpcId'], ['selectSubnets']);
  if (isDedicatedTenancy(props.vpc)) {
    throw invalid('vpc', 'must not be a dedicated-tenancy VPC: Client VPN cannot associate its subnets', props.vpc.node.path);
  }
  const traffic = props.trafficIpAddressType;
  if ((traffic === IpAddressType.IPV6 || traffic === IpAddressType.DUAL_STACK) && vpcIpv6Blocks(props.vpc)?.length === 0) {
    throw invalid('trafficIpAddressType',
      `needs a VPC with an IPv6 CIDR block: clients get their IPv6 addresses from the associated subnets, and ${props.vpc.node.path} has none`, traffic);
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
  requireBoolean('logAuthorizationPolicyContext', props.logAuthorizationPolicyContext);
  for (const prop of ['logging', 'authorizeAllUsersToVpcCidr', 'tagsAtCreation'] as const) {
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
  const overlapping = (props.vpc ? knownVpcCidrs(props.vpc) : []).find((vpcCidr) => cidrsOverlap(cidr, vpcCidr));
  if (overlapping) {
    throw invalid('clientCidrBlock', `must not overlap the VPC's CIDR block ${overlapping.canonical}`, cidrBlock);
  }
}

function validateAuthentication(props: ClientVpnEndpointProps, cautions: Caution[]): void {
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
  // AWS keeps the provider; it is used once the portal is switched on, which a deploy-time value may do.
  if (props.userAuthentication?._hasSelfServiceProvider() && props.selfServicePortal !== true && !isUnresolved(props.selfServicePortal)) {
    cautions.push({
      rule: 'selfServiceProviderWithoutPortal',
      prop: 'selfServicePortal',
      advice: 'is off while `userAuthentication` names a self-service SAML provider: nobody signs in through that provider until the portal is on',
      value: props.selfServicePortal,
    });
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
    for (const prop of ['logGroup', 'logStream', 'logRetention', 'logAuthorizationPolicyContext'] as const) {
      if (props[prop] !== undefined) {
        const value = props[prop];
        throw invalid(prop, 'cannot be given when `logging` is false', value instanceof Construct ? describeLogResource(value) : value);
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

function validateLoginBanner(banner: string | undefined, cautions: Caution[]): void {
  if (banner === undefined || isUnresolved(banner)) {
    return;
  }
  const length = characterCount(banner);
  if (length > MAX_LOGIN_BANNER_CHARACTERS) {
    throw invalid('clientLoginBanner', `must be at most ${MAX_LOGIN_BANNER_CHARACTERS} characters`, banner);
  }
  if (length === 0) {
    cautions.push({ rule: 'emptyLoginBanner', prop: 'clientLoginBanner', advice: 'is empty: the banner is switched on but shows no text', value: banner });
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

export function validateTags(tags: Array<{ key: string; value: string }> | undefined): string[] {
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
    if (zones !== undefined && isUnresolved(zones)) {
      throw invalid(`transitGatewayConfiguration.${prop}`, 'must be a literal list: each zone becomes an association of its own', zones);
    }
    for (let index = 0; Array.isArray(zones) && index < zones.length; index++) {
      if (typeof zones[index] !== 'string' || zones[index] === '') {
        throw invalid(`transitGatewayConfiguration.${prop}[${index}]`, 'must be a zone name or id', zones[index]);
      }
      if (!isUnresolved(zones[index]) && zones.indexOf(zones[index]) !== index) {
        throw invalid(`transitGatewayConfiguration.${prop}`, 'must name each zone once: a zone is associated once', zones);
      }
    }
  }
  if (configuration.availabilityZones !== undefined && configuration.availabilityZoneIds !== undefined) {
    throw invalid('transitGatewayConfiguration.availabilityZoneIds', 'cannot be given together with `availabilityZones`: name the zones one way',
      configuration.availabilityZoneIds);
  }
}
