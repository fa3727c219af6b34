/**
 * Endpoint configurations as plain data (so fast-check prints counterexamples readably),
 * their generators, the builder that turns one into props, and the checks of the template.
 */
// CIDR arithmetic is bit arithmetic on addresses.
/* eslint-disable no-bitwise */
import { isIP } from 'net';
import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import {
  CfnResource,
  CfnTemplate,
  codePoints,
  fixture,
  Fixture,
  formatIpv4,
  holdsTokenDouble,
  ipv4Network,
  isWellFormed,
  overlaps,
  parseNetwork,
  resourcesOfType,
  SAML_PROVIDER_ARN,
  SecondaryCidr,
  SELF_SERVICE_SAML_PROVIDER_ARN,
  VPC_CIDR,
} from './support';
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnUserAuthentication,
  DevicePostureTrustProviderType,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from '../../src';

// ---------------------------------------------------------------------------------------------
// The configuration as data.

export type AuthMix = 'cert' | 'ad' | 'saml' | 'cert+ad' | 'cert+saml' | 'none';

export type LoggingSpec =
  | { kind: 'default' | 'on' | 'off' | 'group' | 'group+stream' | 'new-group' }
  | { kind: 'retention'; days: logs.RetentionDays }
  // Invalid combinations, for the mutation table.
  | { kind: 'off+group' | 'off+stream' | 'stream-only' }
  | { kind: 'off+retention' | 'group+retention'; days: logs.RetentionDays };

export type SubnetsSpec =
  | 'default' | 'group:Private' | 'group:Data' | 'first-subnet' | 'one-zone' | 'type+onePerAz'
  // No subnet: legal (the endpoint waits in pending-associate), so a warning, not an error.
  | 'unknown-zone' | 'empty-list'
  // Invalid selections, for the mutation table.
  | 'two-per-zone' | 'public' | 'unknown-group';

export type SecurityGroupSpec = { kind: 'new' } | { kind: 'imported'; id: string };

export interface HandlerSpec {
  readonly how: 'by-name' | 'by-arn' | 'new-named' | 'new-unnamed';
  readonly name: string;
}

export interface ConfigurationSpec {
  readonly bucket: 'imported' | 'new-kms';
  readonly bucketName: string;
  readonly key?: string;
}

export interface AuthorizationPolicySpec {
  readonly policyDocument: string;
  readonly description?: string;
  readonly shadowMode?: boolean;
}

/** A provider kind: the three known ones, or custom() saying whether a signing key URL is needed. */
export type ProviderKind = 'crowdstrike' | 'jumpcloud' | 'jamf' | 'custom-needs-url' | 'custom-no-url' | 'custom-unknown';

export interface TrustProviderSpec {
  readonly kind: ProviderKind;
  readonly customValue: string;
  readonly tenantId: string;
  readonly url?: string;
}

export interface DevicePostureSpec {
  readonly enabled?: boolean;
  readonly providers: TrustProviderSpec[];
}

export interface TransitGatewaySpec {
  readonly transitGatewayId: string;
  readonly availabilityZones?: string[];
  readonly availabilityZoneIds?: string[];
}

export interface EndpointSpec {
  readonly secondaryCidr?: SecondaryCidr;
  /** Whether the fixture's VPC is dual-stack (has an IPv6 block), which IPv6 and dual-stack traffic need. */
  readonly ipv6Vpc?: boolean;
  readonly clientCidrBlock?: string;
  readonly auth: AuthMix;
  readonly directoryId: string;
  readonly samlSelfService: boolean;
  readonly vpcSubnets: SubnetsSpec;
  readonly securityGroups?: SecurityGroupSpec[];
  readonly logging: LoggingSpec;
  readonly logAuthorizationPolicyContext?: boolean;
  readonly clientConnectHandler?: HandlerSpec;
  readonly description?: string;
  readonly dnsServers?: string[];
  readonly splitTunnel?: boolean;
  readonly transportProtocol?: TransportProtocol;
  readonly port?: VpnPort;
  readonly selfServicePortal?: boolean;
  readonly sessionTimeout?: SessionTimeout;
  readonly disconnectOnSessionTimeout?: boolean;
  readonly clientLoginBanner?: string;
  readonly clientRouteEnforcement?: boolean;
  readonly endpointIpAddressType?: IpAddressType;
  readonly trafficIpAddressType?: IpAddressType;
  readonly authorizeAllUsersToVpcCidr?: boolean;
  readonly certificateRevocationList?: string;
  readonly configuration?: ConfigurationSpec;
  readonly apiSettings?: { [key: string]: unknown };
  readonly authorizationPolicy?: AuthorizationPolicySpec;
  readonly devicePosture?: DevicePostureSpec;
  /** An endpoint attached to a transit gateway: no VPC, no subnets, no security groups. */
  readonly transitGateway?: TransitGatewaySpec;
  /** Whether the tags go into TagSpecifications (the endpoint is replaced when they change) instead of the custom resource. */
  readonly tagsAtCreation?: boolean;
  readonly tags: Array<[string, string]>;
}

/** Every prop of ClientVpnEndpointProps, as the contract lists them. */
export const ENDPOINT_PROPS = [
  'vpc', 'serverCertificate', 'clientCidrBlock', 'clientRootCertificate', 'userAuthentication', 'vpcSubnets',
  'securityGroups', 'logging', 'logGroup', 'logRetention', 'logStream', 'clientConnectHandler', 'description',
  'dnsServers', 'splitTunnel', 'transportProtocol', 'port', 'selfServicePortal', 'sessionTimeout',
  'disconnectOnSessionTimeout', 'clientLoginBanner', 'clientRouteEnforcement', 'endpointIpAddressType',
  'trafficIpAddressType', 'authorizeAllUsersToVpcCidr', 'certificateRevocationList', 'clientConfigurationBucket',
  'clientConfigurationKey', 'apiSettings', 'authorizationPolicy', 'devicePostureOptions', 'transitGatewayConfiguration',
  'tagsAtCreation', 'logAuthorizationPolicyContext',
] as const;

export type EndpointProp = typeof ENDPOINT_PROPS[number];

/** ModifyClientVpnEndpoint parameters that have a prop, or that the construct sets itself. */
export const API_SETTINGS_BLOCKED = [
  'ServerCertificateArn', 'ConnectionLogOptions', 'DnsServers', 'VpnPort', 'Description', 'SplitTunnel', 'VpcId',
  'SecurityGroupIds', 'SelfServicePortal', 'ClientConnectOptions', 'SessionTimeoutHours', 'ClientLoginBannerOptions',
  'ClientRouteEnforcementOptions', 'DisconnectOnSessionTimeout', 'ClientCidrBlock', 'AuthenticationOptions',
  'TransportProtocol', 'EndpointIpAddressType', 'TrafficIpAddressType', 'TagSpecifications',
  'DevicePostureOptions', 'TransitGatewayConfiguration',
  'ClientVpnEndpointId', 'DryRun', 'ClientToken',
];

export const RETENTION_DAYS: logs.RetentionDays[] = Object.values(logs.RetentionDays)
  .filter((value): value is logs.RetentionDays => typeof value === 'number');

// ---------------------------------------------------------------------------------------------
// Generators of valid values.

const SECONDARY_CIDRS = ['100.64.0.0/16', '172.31.0.0/16', '192.168.0.0/20', '10.1.0.0/16'];

export function secondaryCidrArb(): fc.Arbitrary<SecondaryCidr | undefined> {
  return fc.option(
    fc.record({ cidr: fc.constantFrom(...SECONDARY_CIDRS), scope: fc.constantFrom<'vpc' | 'stack'>('vpc', 'stack') }),
    { nil: undefined, freq: 3 },
  );
}

function vpcBlocks(secondary: SecondaryCidr | undefined) {
  return [VPC_CIDR, ...(secondary ? [secondary.cidr] : [])].map((text) => parseNetwork(text)!);
}

/** An IPv4 network from /12 to /22 that overlaps none of the VPC's blocks. */
export function clientCidrArb(secondary: SecondaryCidr | undefined): fc.Arbitrary<string> {
  const blocks = vpcBlocks(secondary);
  const outside = (text: string) => {
    const cidr = parseNetwork(text, [4]);
    return cidr !== undefined && blocks.every((block) => !overlaps(cidr, block));
  };
  return fc.oneof(
    { weight: 6, arbitrary: ipv4Network(fc.integer({ min: 12, max: 22 })) },
    // Private ranges, where real client CIDRs live.
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(10n << 24n, (172n << 24n) + (16n << 16n), (192n << 24n) + (168n << 16n), (100n << 24n) + (64n << 16n)),
        fc.bigInt({ min: 0n, max: (1n << 20n) - 1n }), fc.integer({ min: 12, max: 22 }))
        .map(([base, offset, prefix]) => {
          const value = base + (offset << 10n);
          const host = BigInt(32 - prefix);
          return `${formatIpv4((value >> host) << host)}/${prefix}`;
        }),
    },
    // Neighbours of the VPC's block and the range ends.
    {
      weight: 1,
      arbitrary: fc.constantFrom('10.1.0.0/16', '10.2.0.0/15', '9.255.252.0/22', '10.16.0.0/12', '0.0.0.0/12',
        '255.255.252.0/22', '10.100.0.0/22', '11.0.0.0/12'),
    },
  ).filter(outside);
}

const directoryIdArb = fc.stringMatching(/^d-[0-9a-fA-F]{10}$/);
const sgIdArb = fc.stringMatching(/^sg-[0-9a-f]{8}([0-9a-f]{9})?$/);
const functionSuffixArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,51}$/);
const bucketNameArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/);

/** S3 object keys of 1 to 1024 UTF-8 bytes. */
export const objectKeyArb = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 256 }),
  fc.constant('k'.repeat(1024)),
  fc.constant('é'.repeat(512)),
).filter((key) => Buffer.byteLength(key) >= 1 && Buffer.byteLength(key) <= 1024);

/** Banners of 1 to 1400 characters (code points), from plain ASCII to any Unicode. */
export const bannerArb = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 120 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1400 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
  fc.constantFrom('a'.repeat(1400), '😀'.repeat(1400), 'é'.repeat(1400), 'x', '😀', '\u0000', ' '),
).filter((banner) => codePoints(banner) >= 1 && codePoints(banner) <= 1400);

/** A PEM-encoded CRL: base64 lines between the markers, LF or CRLF, optional surrounding blank space. */
export const crlArb = fc.record({
  body: fc.uint8Array({ minLength: 1, maxLength: 700 }),
  width: fc.constantFrom(64, 76),
  newline: fc.constantFrom('\n', '\r\n'),
  trailing: fc.constantFrom('', '\n', '\r\n', '\n\n'),
}).map(({ body, width, newline, trailing }) => {
  const base64 = Buffer.from(body).toString('base64');
  const lines = base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return `-----BEGIN X509 CRL-----${newline}${lines.join(newline)}${newline}-----END X509 CRL-----${trailing}`;
});

/** ModifyClientVpnEndpoint parameter names the construct does not own. */
export const apiSettingKeyArb = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,24}$/)
  .filter((key) => !API_SETTINGS_BLOCKED.includes(key));

export const apiSettingsArb = fc.dictionary(apiSettingKeyArb,
  fc.jsonValue({ maxDepth: 2 }).filter((value) => value !== null && !holdsTokenDouble(value)), { maxKeys: 3 });

const tagArb: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 127 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 127 }))
    .filter((key) => !key.toLowerCase().startsWith('aws:') && key.trim() !== ''),
  fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 256 }), fc.string({ unit: 'binary', maxLength: 256 })),
);

const loggingArb: fc.Arbitrary<LoggingSpec> = fc.oneof(
  fc.constantFrom<LoggingSpec>({ kind: 'default' }, { kind: 'on' }, { kind: 'off' }, { kind: 'group' }, { kind: 'group+stream' }, { kind: 'new-group' }),
  fc.constantFrom(...RETENTION_DAYS).map((days): LoggingSpec => ({ kind: 'retention', days })),
);

const handlerArb: fc.Arbitrary<HandlerSpec> = fc.record({
  how: fc.constantFrom<HandlerSpec['how']>('by-name', 'by-name', 'by-arn', 'by-arn', 'new-named'),
  name: functionSuffixArb.map((suffix) => `AWSClientVPN-${suffix}`),
});

const configurationArb: fc.Arbitrary<ConfigurationSpec> = fc.record({
  bucket: fc.constantFrom<'imported' | 'new-kms'>('imported', 'imported', 'imported', 'new-kms'),
  bucketName: bucketNameArb,
  key: fc.option(objectKeyArb, { nil: undefined }),
}, { requiredKeys: ['bucket', 'bucketName'] });

/** Cedar policies, from the documentation's kind to any non-empty text. */
const policyDocumentArb = fc.oneof(
  fc.constantFrom(
    'permit(principal, action, resource);',
    'forbid(principal, action, resource) unless { context.device.compliant };',
    'permit(principal in Group::"engineering", action, resource) when { context.time.hour < 20 };',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }),
).filter((text) => text.length > 0);

export const authorizationPolicyArb: fc.Arbitrary<AuthorizationPolicySpec> = fc.record({
  policyDocument: policyDocumentArb,
  description: fc.string({ maxLength: 100 }),
  shadowMode: fc.boolean(),
}, { requiredKeys: ['policyDocument'] });

const httpsUrlArb = fc.webUrl({ validSchemes: ['https'] });

const trustProviderArb: fc.Arbitrary<TrustProviderSpec> = fc.record({
  kind: fc.constantFrom<ProviderKind>('crowdstrike', 'jumpcloud', 'jamf', 'custom-needs-url', 'custom-no-url', 'custom-unknown'),
  customValue: fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/),
  tenantId: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9]{6,32}$/)),
  url: httpsUrlArb,
  unknownHasUrl: fc.boolean(),
}).map(({ unknownHasUrl, ...provider }) => {
  const needsUrl = provider.kind === 'crowdstrike' || provider.kind === 'jumpcloud' || provider.kind === 'custom-needs-url'
    || (provider.kind === 'custom-unknown' && unknownHasUrl);
  return needsUrl ? provider : { kind: provider.kind, customValue: provider.customValue, tenantId: provider.tenantId };
});

export const devicePostureArb: fc.Arbitrary<DevicePostureSpec> = fc.record({
  enabled: fc.boolean(),
  providers: fc.array(trustProviderArb, { minLength: 1, maxLength: 3 }),
}, { requiredKeys: ['providers'] });

const transitGatewayIdArb = fc.oneof(fc.stringMatching(/^tgw-[0-9a-f]{8}$/), fc.stringMatching(/^tgw-[0-9a-f]{17}$/));

/** A transit gateway, with its zones by name or by id (never both: the API refuses that). */
export const transitGatewayArb: fc.Arbitrary<TransitGatewaySpec> = fc.tuple(
  transitGatewayIdArb,
  fc.constantFrom<'none' | 'names' | 'ids'>('none', 'names', 'ids'),
  fc.uniqueArray(fc.constantFrom('us-east-1a', 'us-east-1b', 'us-east-1c'), { maxLength: 3 }),
  fc.uniqueArray(fc.constantFrom('use1-az1', 'use1-az2', 'use1-az4'), { maxLength: 3 }),
).map(([transitGatewayId, zones, names, ids]) => ({
  transitGatewayId,
  ...(zones === 'names' ? { availabilityZones: names } : {}),
  ...(zones === 'ids' ? { availabilityZoneIds: ids } : {}),
}));

function maybe<T>(arbitrary: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(arbitrary, { nil: undefined, freq });
}

/** An arbitrary valid endpoint configuration, cross-field rules respected. */
export function validEndpointSpec(): fc.Arbitrary<EndpointSpec> {
  return secondaryCidrArb().chain((secondaryCidr) => fc.record({
    secondaryCidr: fc.constant(secondaryCidr),
    ipv6Vpc: maybe(fc.boolean()),
    clientCidrBlock: clientCidrArb(secondaryCidr),
    auth: fc.constantFrom<AuthMix>('cert', 'ad', 'saml', 'cert+ad', 'cert+saml'),
    directoryId: directoryIdArb,
    samlSelfService: fc.boolean(),
    vpcSubnets: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<SubnetsSpec>('default', 'default', 'group:Private', 'group:Data', 'first-subnet', 'one-zone', 'type+onePerAz') },
      { weight: 1, arbitrary: fc.constantFrom<SubnetsSpec>('empty-list', 'unknown-zone') },
    ),
    securityGroups: maybe(fc.uniqueArray(
      fc.oneof({ weight: 1, arbitrary: fc.constant<SecurityGroupSpec>({ kind: 'new' }) },
        { weight: 3, arbitrary: sgIdArb.map((id): SecurityGroupSpec => ({ kind: 'imported', id })) }),
      { minLength: 1, maxLength: 5, selector: (sg) => (sg.kind === 'imported' ? sg.id : Math.random()) },
    )),
    logging: loggingArb,
    logAuthorizationPolicyContext: maybe(fc.boolean(), 3),
    clientConnectHandler: maybe(handlerArb, 3),
    description: maybe(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 255 }), fc.string({ unit: 'binary', maxLength: 255 }))),
    dnsServers: maybe(fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 2 })),
    splitTunnel: maybe(fc.boolean()),
    transportProtocol: maybe(fc.constantFrom(TransportProtocol.TCP, TransportProtocol.UDP)),
    port: maybe(fc.constantFrom(VpnPort.HTTPS, VpnPort.OPENVPN)),
    selfServicePortal: maybe(fc.boolean()),
    sessionTimeout: maybe(fc.constantFrom(
      SessionTimeout.EIGHT_HOURS, SessionTimeout.TEN_HOURS, SessionTimeout.TWELVE_HOURS, SessionTimeout.TWENTY_FOUR_HOURS)),
    disconnectOnSessionTimeout: maybe(fc.boolean()),
    clientLoginBanner: maybe(bannerArb),
    clientRouteEnforcement: maybe(fc.boolean()),
    endpointIpAddressType: maybe(fc.constantFrom(IpAddressType.IPV4, IpAddressType.IPV6, IpAddressType.DUAL_STACK)),
    trafficIpAddressType: maybe(fc.constantFrom(IpAddressType.IPV4, IpAddressType.IPV6, IpAddressType.DUAL_STACK)),
    authorizeAllUsersToVpcCidr: maybe(fc.boolean()),
    certificateRevocationList: maybe(crlArb, 4),
    configuration: maybe(configurationArb, 4),
    apiSettings: maybe(apiSettingsArb, 4),
    authorizationPolicy: maybe(authorizationPolicyArb, 4),
    devicePosture: maybe(devicePostureArb, 4),
    transitGateway: maybe(transitGatewayArb, 4),
    tagsAtCreation: maybe(fc.boolean()),
    tags: fc.array(tagArb, { maxLength: 3 }),
  }, {
    requiredKeys: ['secondaryCidr', 'clientCidrBlock', 'auth', 'directoryId', 'samlSelfService', 'vpcSubnets', 'logging', 'tags'],
  })).map(respectCrossFieldRules);
}

/** Makes a generated configuration valid: the rules between props, applied the way a user would. */
function respectCrossFieldRules(spec: EndpointSpec): EndpointSpec {
  const next: { -readonly [K in keyof EndpointSpec]: EndpointSpec[K] } = { ...spec };
  const hasUser = spec.auth !== 'cert';
  // The portal needs user-based authentication. A self-service SAML provider with the portal off
  // is valid (a warning), so it is left as generated.
  if (!hasUser && next.selfServicePortal) {
    next.selfServicePortal = false;
  }
  // Enforced routes would override a split tunnel.
  if (next.splitTunnel === true && next.clientRouteEnforcement === true) {
    next.clientRouteEnforcement = false;
  }
  // IPv6 traffic: clients get addresses from the VPC's subnets, so there is no client CIDR block.
  if (next.trafficIpAddressType === IpAddressType.IPV6) {
    next.clientCidrBlock = undefined;
  }
  // IPv6 and dual-stack traffic through a VPC need a VPC with an IPv6 block.
  if (next.trafficIpAddressType === IpAddressType.IPV6 || next.trafficIpAddressType === IpAddressType.DUAL_STACK) {
    next.ipv6Vpc = true;
  }
  // Nothing to log the policy context to.
  if (next.logging.kind === 'off') {
    next.logAuthorizationPolicyContext = undefined;
  }
  // A transit gateway endpoint has no VPC: no subnets, no security groups, no VPC to authorize.
  if (next.transitGateway) {
    next.vpcSubnets = 'default';
    next.securityGroups = undefined;
    next.authorizeAllUsersToVpcCidr = false;
  }
  return next;
}

/** The same configuration as an endpoint in the fixture's VPC: for faults only a VPC endpoint can have. */
export function inVpc(spec: EndpointSpec): EndpointSpec {
  return spec.transitGateway ? { ...spec, transitGateway: undefined } : spec;
}

/** The fixture a configuration needs. */
export function fixtureFor(spec: EndpointSpec): Fixture {
  return fixture({ secondaryCidr: spec.secondaryCidr, ipv6: spec.ipv6Vpc });
}

export function usesUserAuthentication(spec: EndpointSpec): boolean {
  return spec.auth === 'ad' || spec.auth === 'saml' || spec.auth === 'cert+ad' || spec.auth === 'cert+saml';
}

// ---------------------------------------------------------------------------------------------
// From data to props.

export function userAuthentication(spec: EndpointSpec, fx: Fixture): ClientVpnUserAuthentication | undefined {
  if (spec.auth.includes('ad')) {
    return ClientVpnUserAuthentication.activeDirectory(spec.directoryId);
  }
  if (spec.auth.includes('saml')) {
    const provider = iam.SamlProvider.fromSamlProviderArn(fx.stack, 'Saml', SAML_PROVIDER_ARN);
    const portal = spec.samlSelfService
      ? iam.SamlProvider.fromSamlProviderArn(fx.stack, 'PortalSaml', SELF_SERVICE_SAML_PROVIDER_ARN)
      : undefined;
    return ClientVpnUserAuthentication.federated(provider, portal);
  }
  return undefined;
}

function subnetSelection(spec: SubnetsSpec, fx: Fixture): ec2.SubnetSelection | undefined {
  switch (spec) {
    case 'default': return undefined;
    case 'group:Private': return { subnetGroupName: 'Private' };
    case 'group:Data': return { subnetGroupName: 'Data' };
    case 'first-subnet': return { subnets: [fx.vpc.isolatedSubnets[0]] };
    case 'one-zone': return { availabilityZones: [fx.vpc.availabilityZones[0]], subnetGroupName: 'Private' };
    case 'type+onePerAz': return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
    case 'two-per-zone': return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    case 'public': return { subnetType: ec2.SubnetType.PUBLIC };
    case 'unknown-group': return { subnetGroupName: 'Nope' };
    case 'unknown-zone': return { availabilityZones: ['us-east-1z'] };
    case 'empty-list': return { subnets: [] };
  }
}

/** How many target networks a selection gives in the fixture's VPC. */
export function expectedAssociations(spec: SubnetsSpec): number {
  if (spec === 'empty-list' || spec === 'unknown-zone') {
    return 0;
  }
  return spec === 'first-subnet' || spec === 'one-zone' ? 1 : 2;
}

/** The zones of a transit gateway endpoint, each an association: by name or by id. */
export function transitGatewayZones(spec: TransitGatewaySpec): Array<{ AvailabilityZone: string } | { AvailabilityZoneId: string }> {
  return [
    ...(spec.availabilityZones ?? []).map((zone) => ({ AvailabilityZone: zone })),
    ...(spec.availabilityZoneIds ?? []).map((zone) => ({ AvailabilityZoneId: zone })),
  ];
}

/** The default rules a configuration gets: IPv4 traffic the IPv4 block, IPv6 traffic the (one) IPv6 block, dual-stack both. */
export function expectedDefaultRules(spec: EndpointSpec): number {
  if (spec.authorizeAllUsersToVpcCidr === false) {
    return 0;
  }
  return spec.trafficIpAddressType === IpAddressType.DUAL_STACK ? 2 : 1;
}

function logging(spec: LoggingSpec, fx: Fixture): Partial<ClientVpnEndpointProps> {
  const group = () => logs.LogGroup.fromLogGroupName(fx.stack, 'Logs', 'client-vpn-connections');
  const stream = () => logs.LogStream.fromLogStreamName(fx.stack, 'Stream', 'connections');
  switch (spec.kind) {
    case 'default': return {};
    case 'on': return { logging: true };
    case 'off': return { logging: false };
    case 'group': return { logGroup: group() };
    case 'group+stream': return { logGroup: group(), logStream: stream() };
    case 'new-group': return { logGroup: new logs.LogGroup(fx.stack, 'Logs') };
    case 'retention': return { logRetention: spec.days };
    case 'off+group': return { logging: false, logGroup: group() };
    case 'off+stream': return { logging: false, logStream: stream() };
    case 'off+retention': return { logging: false, logRetention: spec.days };
    case 'stream-only': return { logStream: stream() };
    case 'group+retention': return { logGroup: group(), logRetention: spec.days };
  }
}

export function providerType(provider: TrustProviderSpec): DevicePostureTrustProviderType {
  switch (provider.kind) {
    case 'crowdstrike': return DevicePostureTrustProviderType.CROWDSTRIKE;
    case 'jumpcloud': return DevicePostureTrustProviderType.JUMPCLOUD;
    case 'jamf': return DevicePostureTrustProviderType.JAMF;
    case 'custom-needs-url': return DevicePostureTrustProviderType.custom(provider.customValue, true);
    case 'custom-no-url': return DevicePostureTrustProviderType.custom(provider.customValue, false);
    case 'custom-unknown': return DevicePostureTrustProviderType.custom(provider.customValue);
  }
}

function devicePostureOptions(spec: DevicePostureSpec): unknown {
  return {
    ...(spec.enabled !== undefined ? { enabled: spec.enabled } : {}),
    trustProviders: spec.providers.map((provider) => ({
      type: providerType(provider),
      tenantId: provider.tenantId,
      ...(provider.url !== undefined ? { publicSigningKeyUrl: provider.url } : {}),
    })),
  };
}

function connectHandler(spec: HandlerSpec, fx: Fixture): lambda.IFunction {
  switch (spec.how) {
    case 'by-name': return lambda.Function.fromFunctionName(fx.stack, 'Connect', spec.name);
    case 'by-arn': return lambda.Function.fromFunctionArn(fx.stack, 'Connect', `arn:aws:lambda:us-east-1:123456789012:function:${spec.name}`);
    case 'new-named':
    case 'new-unnamed':
      return new lambda.Function(fx.stack, 'Connect', {
        functionName: spec.how === 'new-named' ? spec.name : undefined,
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ allow: true });'),
      });
  }
}

/** The props a configuration describes, built in the fixture's stack. */
export function endpointProps(spec: EndpointSpec, fx: Fixture): ClientVpnEndpointProps {
  const props: { [key: string]: unknown } = {
    ...(spec.transitGateway ? {} : { vpc: fx.vpc }),
    serverCertificate: fx.serverCertificate,
    ...logging(spec.logging, fx),
  };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) {
      props[key] = value;
    }
  };
  set('clientCidrBlock', spec.clientCidrBlock);
  if (spec.auth.startsWith('cert')) {
    props.clientRootCertificate = fx.clientRootCertificate;
  }
  set('userAuthentication', userAuthentication(spec, fx));
  set('vpcSubnets', subnetSelection(spec.vpcSubnets, fx));
  set('securityGroups', spec.securityGroups?.map((sg, index) => sg.kind === 'new'
    ? new ec2.SecurityGroup(fx.stack, `Sg${index}`, { vpc: fx.vpc })
    : ec2.SecurityGroup.fromSecurityGroupId(fx.stack, `Sg${index}`, sg.id)));
  set('clientConnectHandler', spec.clientConnectHandler && connectHandler(spec.clientConnectHandler, fx));
  for (const key of ['description', 'dnsServers', 'splitTunnel', 'transportProtocol', 'port', 'selfServicePortal', 'sessionTimeout',
    'disconnectOnSessionTimeout', 'clientLoginBanner', 'clientRouteEnforcement', 'endpointIpAddressType', 'trafficIpAddressType',
    'authorizeAllUsersToVpcCidr', 'certificateRevocationList', 'apiSettings', 'tagsAtCreation', 'logAuthorizationPolicyContext'] as const) {
    set(key, spec[key]);
  }
  set('authorizationPolicy', spec.authorizationPolicy);
  set('devicePostureOptions', spec.devicePosture && devicePostureOptions(spec.devicePosture));
  set('transitGatewayConfiguration', spec.transitGateway);
  if (spec.configuration) {
    props.clientConfigurationBucket = spec.configuration.bucket === 'imported'
      ? s3.Bucket.fromBucketName(fx.stack, 'Bucket', spec.configuration.bucketName)
      : new s3.Bucket(fx.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS });
    set('clientConfigurationKey', spec.configuration.key);
  }
  return props as unknown as ClientVpnEndpointProps;
}

export function createEndpoint(fx: Fixture, props: ClientVpnEndpointProps, tags: Array<[string, string]> = []): ClientVpnEndpoint {
  const endpoint = new ClientVpnEndpoint(fx.stack, 'Endpoint', props);
  for (const [key, value] of tags) {
    Tags.of(endpoint).add(key, value);
  }
  return endpoint;
}

// ---------------------------------------------------------------------------------------------
// The documented constraints, checked on the rendered template.

const ENDPOINT_PROPERTIES = new Set([
  'AuthenticationOptions', 'ClientCidrBlock', 'ClientConnectOptions', 'ClientLoginBannerOptions', 'ClientRouteEnforcementOptions',
  'ConnectionLogOptions', 'Description', 'DisconnectOnSessionTimeout', 'DnsServers', 'EndpointIpAddressType', 'SecurityGroupIds',
  'SelfServicePortal', 'ServerCertificateArn', 'SessionTimeoutHours', 'SplitTunnel', 'TagSpecifications', 'TrafficIpAddressType',
  'TransportProtocol', 'VpcId', 'VpnPort', 'AuthorizationPolicy', 'DevicePostureOptions', 'TransitGatewayConfiguration',
]);

const INTRINSICS = ['Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::If', 'Fn::ImportValue', 'Fn::Select', 'Fn::Split'];

export function isIntrinsic(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.keys(value).length === 1 && INTRINSICS.includes(Object.keys(value)[0]);
}

/** A literal non-empty string, or a CloudFormation function that yields one. */
export function isStringValue(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || isIntrinsic(value);
}

/** Values CloudFormation cannot take: null, NaN and infinities, anywhere in the properties. */
export function badValues(value: unknown, at: string): string[] {
  if (value === null || value === undefined) {
    return [`${at} is ${value}`];
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return [`${at} is ${value}`];
  }
  if (typeof value === 'string' && !isWellFormed(value)) {
    return [`${at} has a lone surrogate, which UTF-8 cannot encode`];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => badValues(item, `${at}[${index}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => badValues(item, `${at}.${key}`));
  }
  return [];
}

/** The function name an ARN in the template ends in, when it is known. */
function functionNameOf(template: CfnTemplate, arn: unknown): string | undefined | null {
  if (typeof arn === 'string') {
    return /:function:([^:]+)(:[^:]*)?$/.exec(arn)?.[1] ?? null;
  }
  const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
  if (getAtt) {
    const name = template.Resources[getAtt[0]]?.Properties?.FunctionName;
    return typeof name === 'string' ? name : null;
  }
  const join = (arn as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join'];
  if (join && join[0] === '') {
    const tail = join[1][join[1].length - 1];
    return typeof tail === 'string' ? /:function:([^:]+)(:[^:]*)?$/.exec(tail)?.[1] ?? null : undefined;
  }
  return undefined;
}

function literalVpcBlocks(template: CfnTemplate) {
  const texts = [
    ...resourcesOfType(template, 'AWS::EC2::VPC').map(([, r]) => r.Properties?.CidrBlock),
    ...resourcesOfType(template, 'AWS::EC2::VPCCidrBlock').map(([, r]) => r.Properties?.CidrBlock),
  ];
  return texts.filter((text): text is string => typeof text === 'string').map((text) => parseNetwork(text, [4])!).filter(Boolean);
}

/** Every documented constraint of AWS::EC2::ClientVpnEndpoint and its companions, as violations found. */
export function endpointTemplateViolations(template: CfnTemplate): string[] {
  const v: string[] = [];
  const endpoints = resourcesOfType(template, 'AWS::EC2::ClientVpnEndpoint');
  if (endpoints.length !== 1) {
    return [`expected exactly one AWS::EC2::ClientVpnEndpoint, found ${endpoints.length}`];
  }
  const [endpointId, endpoint] = endpoints[0];
  const p = endpoint.Properties ?? {};
  v.push(...badValues(p, 'Properties'));
  for (const key of Object.keys(p)) {
    if (!ENDPOINT_PROPERTIES.has(key)) {
      v.push(`unknown property ${key}`);
    }
  }

  if (!isStringValue(p.ServerCertificateArn)) {
    v.push(`ServerCertificateArn must be a string, got ${JSON.stringify(p.ServerCertificateArn)}`);
  }
  // An endpoint is in a VPC or attached to a transit gateway, never both (CreateClientVpnEndpoint).
  const transitGateway = p.TransitGatewayConfiguration !== undefined;
  if (transitGateway) {
    if (p.VpcId !== undefined || p.SecurityGroupIds !== undefined) {
      v.push(`a transit gateway endpoint has no VpcId or SecurityGroupIds, got ${JSON.stringify({ VpcId: p.VpcId, SecurityGroupIds: p.SecurityGroupIds })}`);
    }
  } else if (!isStringValue(p.VpcId)) {
    v.push(`VpcId must be a string, got ${JSON.stringify(p.VpcId)}`);
  }

  // ClientCidrBlock: IPv4, /12 to /22, outside the VPC's blocks; absent for IPv6 traffic.
  if (p.TrafficIpAddressType === 'ipv6') {
    if (p.ClientCidrBlock !== undefined) {
      v.push('ClientCidrBlock must be absent when TrafficIpAddressType is ipv6');
    }
  } else if (typeof p.ClientCidrBlock !== 'string' && !isIntrinsic(p.ClientCidrBlock)) {
    v.push(`ClientCidrBlock is required for IPv4 traffic, got ${JSON.stringify(p.ClientCidrBlock)}`);
  } else if (typeof p.ClientCidrBlock === 'string') {
    const cidr = parseNetwork(p.ClientCidrBlock, [4]);
    if (!cidr) {
      v.push(`ClientCidrBlock must be an IPv4 network in CIDR notation, got '${p.ClientCidrBlock}'`);
    } else {
      if (cidr.prefix < 12 || cidr.prefix > 22) {
        v.push(`ClientCidrBlock must be /12 to /22, got '${p.ClientCidrBlock}'`);
      }
      for (const block of transitGateway ? [] : literalVpcBlocks(template)) {
        if (overlaps(cidr, block)) {
          v.push(`ClientCidrBlock ${p.ClientCidrBlock} overlaps a CIDR block of the VPC`);
        }
      }
    }
  }

  // AuthenticationOptions: one or two, no type twice, at most one user-based method.
  const auth: any[] = Array.isArray(p.AuthenticationOptions) ? p.AuthenticationOptions : [];
  if (!Array.isArray(p.AuthenticationOptions) || auth.length < 1 || auth.length > 2) {
    v.push(`AuthenticationOptions must list 1 or 2 methods, got ${JSON.stringify(p.AuthenticationOptions)}`);
  }
  const types = auth.map((option) => option?.Type);
  if (new Set(types).size !== types.length) {
    v.push(`AuthenticationOptions lists a type twice: ${types.join(', ')}`);
  }
  if (types.includes('directory-service-authentication') && types.includes('federated-authentication')) {
    v.push('AuthenticationOptions combines Active Directory and federated authentication');
  }
  for (const option of auth) {
    switch (option?.Type) {
      case 'certificate-authentication':
        if (!isStringValue(option.MutualAuthentication?.ClientRootCertificateChainArn)) {
          v.push('certificate-authentication needs MutualAuthentication.ClientRootCertificateChainArn');
        }
        break;
      case 'directory-service-authentication': {
        const id = option.ActiveDirectory?.DirectoryId;
        if (!isStringValue(id) || (typeof id === 'string' && !/^d-[0-9a-f]{10}$/i.test(id))) {
          v.push(`directory-service-authentication needs a Directory Service id, got ${JSON.stringify(id)}`);
        }
        break;
      }
      case 'federated-authentication':
        if (!isStringValue(option.FederatedAuthentication?.SAMLProviderArn)) {
          v.push('federated-authentication needs FederatedAuthentication.SAMLProviderArn');
        }
        if (option.FederatedAuthentication?.SelfServiceSAMLProviderArn !== undefined
          && !isStringValue(option.FederatedAuthentication.SelfServiceSAMLProviderArn)) {
          v.push('SelfServiceSAMLProviderArn must be a string');
        }
        break;
      default:
        v.push(`unknown authentication type ${JSON.stringify(option?.Type)}`);
    }
  }
  const userAuth = types.includes('directory-service-authentication') || types.includes('federated-authentication');

  // ConnectionLogOptions: required; a log group exactly when enabled; a stream only with its group.
  const log = p.ConnectionLogOptions;
  if (typeof log !== 'object' || log === null || typeof log.Enabled !== 'boolean') {
    v.push(`ConnectionLogOptions.Enabled must be a boolean, got ${JSON.stringify(log)}`);
  } else if (log.Enabled) {
    if (!isStringValue(log.CloudwatchLogGroup)) {
      v.push(`ConnectionLogOptions.CloudwatchLogGroup is required when logging is enabled, got ${JSON.stringify(log.CloudwatchLogGroup)}`);
    }
    if (log.CloudwatchLogStream !== undefined && !isStringValue(log.CloudwatchLogStream)) {
      v.push('ConnectionLogOptions.CloudwatchLogStream must be a string');
    }
    if (log.IncludeAuthorizationPolicyContext !== undefined && typeof log.IncludeAuthorizationPolicyContext !== 'boolean') {
      v.push(`ConnectionLogOptions.IncludeAuthorizationPolicyContext must be a boolean, got ${JSON.stringify(log.IncludeAuthorizationPolicyContext)}`);
    }
    const ref = log.CloudwatchLogGroup?.Ref;
    if (ref !== undefined) {
      const group = template.Resources[ref];
      if (group?.Type !== 'AWS::Logs::LogGroup') {
        v.push(`ConnectionLogOptions.CloudwatchLogGroup refers to ${ref}, which is not a log group`);
      } else if (group.Properties?.RetentionInDays !== undefined
        && !RETENTION_DAYS.filter((d) => d !== logs.RetentionDays.INFINITE).includes(group.Properties.RetentionInDays)) {
        v.push(`log group RetentionInDays ${JSON.stringify(group.Properties.RetentionInDays)} is not an allowed value`);
      }
    }
  } else if (log.CloudwatchLogGroup !== undefined || log.CloudwatchLogStream !== undefined || log.IncludeAuthorizationPolicyContext !== undefined) {
    v.push('ConnectionLogOptions names a log group, a stream or the policy context while logging is disabled');
  }

  if (p.DnsServers !== undefined) {
    if (!Array.isArray(p.DnsServers) || p.DnsServers.length > 2) {
      v.push(`DnsServers must list at most 2 servers, got ${JSON.stringify(p.DnsServers)}`);
    } else {
      for (const server of p.DnsServers) {
        if (typeof server === 'string' ? isIP(server) === 0 : !isIntrinsic(server)) {
          v.push(`DnsServers must list IP addresses, got ${JSON.stringify(server)}`);
        }
      }
    }
  }
  const oneOf = (key: string, allowed: unknown[]) => {
    if (p[key] !== undefined && !allowed.includes(p[key])) {
      v.push(`${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(p[key])}`);
    }
  };
  oneOf('TransportProtocol', ['tcp', 'udp']);
  oneOf('VpnPort', [443, 1194]);
  oneOf('SessionTimeoutHours', [8, 10, 12, 24]);
  oneOf('EndpointIpAddressType', ['ipv4', 'ipv6', 'dual-stack']);
  oneOf('TrafficIpAddressType', ['ipv4', 'ipv6', 'dual-stack']);
  for (const key of ['SplitTunnel', 'DisconnectOnSessionTimeout']) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean') {
      v.push(`${key} must be a boolean, got ${JSON.stringify(p[key])}`);
    }
  }
  if (p.Description !== undefined && typeof p.Description !== 'string' && !isIntrinsic(p.Description)) {
    v.push(`Description must be a string, got ${JSON.stringify(p.Description)}`);
  }

  // Security groups: one to five, with the VPC they belong to.
  if (transitGateway) {
    // Checked above: none.
  } else if (!Array.isArray(p.SecurityGroupIds) || p.SecurityGroupIds.length < 1 || p.SecurityGroupIds.length > 5) {
    v.push(`SecurityGroupIds must list 1 to 5 groups, got ${JSON.stringify(p.SecurityGroupIds)}`);
  } else {
    if (!p.SecurityGroupIds.every(isStringValue)) {
      v.push(`SecurityGroupIds must list ids, got ${JSON.stringify(p.SecurityGroupIds)}`);
    }
  }

  // The self-service portal: always explicit (the API enables it by default), only with user-based authentication.
  if (!['enabled', 'disabled'].includes(p.SelfServicePortal) && !isIntrinsic(p.SelfServicePortal)) {
    v.push(`SelfServicePortal must be 'enabled' or 'disabled', got ${JSON.stringify(p.SelfServicePortal)}`);
  }
  if (p.SelfServicePortal === 'enabled' && !userAuth) {
    v.push('SelfServicePortal is enabled without user-based authentication');
  }

  if (p.ClientConnectOptions !== undefined) {
    const options = p.ClientConnectOptions;
    if (options.Enabled !== true || !isStringValue(options.LambdaFunctionArn)) {
      v.push(`ClientConnectOptions must be enabled with a function ARN, got ${JSON.stringify(options)}`);
    } else {
      const name = functionNameOf(template, options.LambdaFunctionArn);
      if (name === null) {
        v.push(`ClientConnectOptions.LambdaFunctionArn names no function whose name starts with AWSClientVPN-: ${JSON.stringify(options.LambdaFunctionArn)}`);
      } else if (name !== undefined && !name.startsWith('AWSClientVPN-')) {
        v.push(`ClientConnectOptions function name must start with AWSClientVPN-, got '${name}'`);
      }
    }
  }

  if (p.ClientLoginBannerOptions !== undefined) {
    const banner = p.ClientLoginBannerOptions;
    if (typeof banner.Enabled !== 'boolean') {
      v.push('ClientLoginBannerOptions.Enabled must be a boolean');
    }
    if (banner.Enabled === true) {
      // AWS documents a maximum and no minimum: an empty banner is only a warning (cdk-client-vpn:emptyLoginBanner).
      if (typeof banner.BannerText !== 'string' || codePoints(banner.BannerText) > 1400) {
        v.push(`ClientLoginBannerOptions.BannerText must be at most 1400 characters, got ${typeof banner.BannerText === 'string' ? codePoints(banner.BannerText) : JSON.stringify(banner.BannerText)}`);
      }
    }
  }

  if (p.ClientRouteEnforcementOptions !== undefined) {
    if (typeof p.ClientRouteEnforcementOptions.Enforced !== 'boolean') {
      v.push('ClientRouteEnforcementOptions.Enforced must be a boolean');
    }
    if (p.ClientRouteEnforcementOptions.Enforced === true && p.SplitTunnel === true) {
      v.push('ClientRouteEnforcementOptions.Enforced is true with SplitTunnel true');
    }
  }

  if (p.TagSpecifications !== undefined) {
    const specs = p.TagSpecifications;
    if (!Array.isArray(specs) || specs.length !== 1 || specs[0]?.ResourceType !== 'client-vpn-endpoint' || !Array.isArray(specs[0]?.Tags)) {
      v.push(`TagSpecifications must be one entry for client-vpn-endpoint, got ${JSON.stringify(specs)}`);
    } else {
      v.push(...tagViolations(specs[0].Tags));
    }
  }

  if (p.AuthorizationPolicy !== undefined) {
    const policy = p.AuthorizationPolicy;
    if (typeof policy.PolicyDocument !== 'string' || policy.PolicyDocument === '') {
      v.push(`AuthorizationPolicy.PolicyDocument must be a non-empty string, got ${JSON.stringify(policy.PolicyDocument)?.slice(0, 60)}`);
    }
    if (policy.Description !== undefined && typeof policy.Description !== 'string') {
      v.push('AuthorizationPolicy.Description must be a string');
    }
    if (policy.ShadowMode !== undefined && !['enabled', 'disabled'].includes(policy.ShadowMode)) {
      v.push(`AuthorizationPolicy.ShadowMode must be 'enabled' or 'disabled', got ${JSON.stringify(policy.ShadowMode)}`);
    }
  }
  if (p.DevicePostureOptions !== undefined) {
    const posture = p.DevicePostureOptions;
    if (typeof posture.Enabled !== 'boolean') {
      v.push(`DevicePostureOptions.Enabled must be a boolean, got ${JSON.stringify(posture.Enabled)}`);
    }
    if (!Array.isArray(posture.TrustProviders) || posture.TrustProviders.length === 0) {
      v.push('DevicePostureOptions.TrustProviders must list at least one provider');
    } else {
      for (const provider of posture.TrustProviders) {
        if (typeof provider?.TrustProviderType !== 'string' || provider.TrustProviderType === '') {
          v.push(`a trust provider needs a TrustProviderType, got ${JSON.stringify(provider?.TrustProviderType)}`);
        }
        if (!isStringValue(provider?.TenantId)) {
          v.push(`a trust provider needs a TenantId, got ${JSON.stringify(provider?.TenantId)}`);
        }
        const url = provider?.PublicSigningKeyUrl;
        if (url !== undefined && (typeof url === 'string' ? !/^https:\/\/[^\s/]+/.test(url) : !isIntrinsic(url))) {
          v.push(`PublicSigningKeyUrl must be an https:// URL, got ${JSON.stringify(url)}`);
        }
        if (['crowdstrike', 'jumpcloud'].includes(provider?.TrustProviderType) && url === undefined) {
          v.push(`${provider.TrustProviderType} needs a PublicSigningKeyUrl`);
        }
        if (provider?.TrustProviderType === 'jamf' && url !== undefined) {
          v.push('jamf takes no PublicSigningKeyUrl');
        }
      }
    }
  }
  if (p.TransitGatewayConfiguration !== undefined) {
    const tgw = p.TransitGatewayConfiguration;
    if (typeof tgw.TransitGatewayId === 'string' ? !/^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/.test(tgw.TransitGatewayId) : !isIntrinsic(tgw.TransitGatewayId)) {
      v.push(`TransitGatewayConfiguration.TransitGatewayId must be a transit gateway id, got ${JSON.stringify(tgw.TransitGatewayId)}`);
    }
    // The zones are associated one by one, as a VPC endpoint's subnets are.
    for (const key of Object.keys(tgw)) {
      if (key !== 'TransitGatewayId') {
        v.push(`TransitGatewayConfiguration holds only TransitGatewayId (the zones are associations), got ${key}`);
      }
    }
  }

  // Target networks (none is legal: the endpoint waits in pending-associate): at most one per
  // Availability Zone, all for this endpoint; subnets for an endpoint in a VPC, zones for a transit gateway endpoint.
  const associations = resourcesOfType(template, 'AWS::EC2::ClientVpnTargetNetworkAssociation');
  const zones = associations.map(([, a]) => a.Properties?.AvailabilityZone ?? a.Properties?.AvailabilityZoneId
    ?? template.Resources[a.Properties?.SubnetId?.Ref]?.Properties?.AvailabilityZone);
  if (new Set(zones.filter((z) => z !== undefined).map((z) => JSON.stringify(z))).size !== zones.filter((z) => z !== undefined).length) {
    v.push(`two target networks share an Availability Zone: ${JSON.stringify(zones)}`);
  }
  for (const [id, association] of associations) {
    const a = association.Properties ?? {};
    if (a.ClientVpnEndpointId?.Ref !== endpointId) {
      v.push(`association ${id} is not for the endpoint`);
    }
    const given = ['SubnetId', 'AvailabilityZone', 'AvailabilityZoneId'].filter((key) => a[key] !== undefined);
    const allowed = transitGateway ? ['AvailabilityZone', 'AvailabilityZoneId'] : ['SubnetId'];
    if (given.length !== 1 || !allowed.includes(given[0]) || !isStringValue(a[given[0]])) {
      v.push(`association ${id} must name one of ${allowed.join(', ')}, got ${JSON.stringify(a)}`);
    }
  }
  if (transitGateway && associations.some(([, a]) => a.Properties?.AvailabilityZone !== undefined)
    && associations.some(([, a]) => a.Properties?.AvailabilityZoneId !== undefined)) {
    v.push('a transit gateway endpoint\'s zones are named by name or by id, never both');
  }
  v.push(...ruleAndRouteViolations(template));
  v.push(...settingsViolations(template));
  return v;
}

function dependsOn(resource: CfnResource): string[] {
  return resource.DependsOn === undefined ? [] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
}

/**
 * Rules and routes wait for the target networks, at most 10 at once per endpoint: each waits either
 * for every association of its endpoint, or for exactly one other rule or route of its endpoint (its
 * lane's previous one) that does; no two wait for the same one, and at most 10 wait for the associations.
 */
function laneViolations(template: CfnTemplate, associationsOf: (endpointRef: unknown) => string[]): string[] {
  const v: string[] = [];
  const operations = [...resourcesOfType(template, 'AWS::EC2::ClientVpnAuthorizationRule'), ...resourcesOfType(template, 'AWS::EC2::ClientVpnRoute')];
  const byEndpoint = new Map<string, string[]>();
  for (const [id, resource] of operations) {
    const key = JSON.stringify(resource.Properties?.ClientVpnEndpointId) ?? 'null';
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), id]);
  }
  for (const [endpointKey, ids] of byEndpoint) {
    const endpointAssociations = associationsOf(JSON.parse(endpointKey));
    if (endpointAssociations.length === 0) {
      continue;
    }
    const previous = new Map<string, string>();
    const followed = new Map<string, string>();
    let heads = 0;
    for (const id of ids) {
      const deps = dependsOn(template.Resources[id]);
      const onOperations = deps.filter((d) => ids.includes(d));
      const missing = endpointAssociations.filter((a) => !deps.includes(a));
      if (onOperations.length === 0) {
        heads++;
        if (missing.length > 0) {
          v.push(`${id}: does not wait for target network associations ${missing.join(', ')}`);
        }
      } else if (onOperations.length > 1 || missing.length < endpointAssociations.length) {
        v.push(`${id}: must wait for one rule or route of its lane, or for the associations, got ${deps.join(', ')}`);
      } else if (followed.has(onOperations[0])) {
        v.push(`${id} and ${followed.get(onOperations[0])} both wait for ${onOperations[0]}: lanes are chains`);
      } else {
        previous.set(id, onOperations[0]);
        followed.set(onOperations[0], id);
      }
    }
    if (heads > 10) {
      v.push(`${heads} rules and routes of one endpoint start together after the associations: at most 10 may`);
    }
    // Every lane leads back to the associations.
    for (const id of previous.keys()) {
      const seen = new Set<string>([id]);
      let at = id;
      while (previous.has(at)) {
        at = previous.get(at)!;
        if (seen.has(at)) {
          v.push(`${id}: its lane is a cycle`);
          break;
        }
        seen.add(at);
      }
    }
  }
  return v;
}

/** Authorization rules and routes: their documented constraints, and that they wait for the target networks. */
export function ruleAndRouteViolations(template: CfnTemplate): string[] {
  const v: string[] = [];
  const associations = resourcesOfType(template, 'AWS::EC2::ClientVpnTargetNetworkAssociation');
  const associationsOf = (endpointRef: unknown) => associations
    .filter(([, a]) => JSON.stringify(a.Properties?.ClientVpnEndpointId) === JSON.stringify(endpointRef))
    .map(([id]) => id);
  for (const [id, rule] of resourcesOfType(template, 'AWS::EC2::ClientVpnAuthorizationRule')) {
    const p = rule.Properties ?? {};
    v.push(...badValues(p, `${id}.Properties`));
    for (const key of Object.keys(p)) {
      if (!['ClientVpnEndpointId', 'TargetNetworkCidr', 'AccessGroupId', 'AuthorizeAllGroups', 'Description'].includes(key)) {
        v.push(`${id}: unknown property ${key}`);
      }
    }
    if (!isStringValue(p.ClientVpnEndpointId)) {
      v.push(`${id}: ClientVpnEndpointId must be a string, got ${JSON.stringify(p.ClientVpnEndpointId)}`);
    }
    if (typeof p.TargetNetworkCidr === 'string' ? !parseNetwork(p.TargetNetworkCidr) : !isIntrinsic(p.TargetNetworkCidr)) {
      v.push(`${id}: TargetNetworkCidr must be a network in CIDR notation, got ${JSON.stringify(p.TargetNetworkCidr)}`);
    }
    const hasGroup = p.AccessGroupId !== undefined;
    if (hasGroup && !isStringValue(p.AccessGroupId)) {
      v.push(`${id}: AccessGroupId must be a non-empty string, got ${JSON.stringify(p.AccessGroupId)}`);
    }
    if (p.AuthorizeAllGroups !== undefined && typeof p.AuthorizeAllGroups !== 'boolean' && !isIntrinsic(p.AuthorizeAllGroups)) {
      v.push(`${id}: AuthorizeAllGroups must be a boolean, got ${JSON.stringify(p.AuthorizeAllGroups)}`);
    }
    // AWS needs one of the two; both is only a warning (cdk-client-vpn:accessGroupWithAllGroups).
    if (!hasGroup && p.AuthorizeAllGroups !== true && !isIntrinsic(p.AuthorizeAllGroups)) {
      v.push(`${id}: AccessGroupId or AuthorizeAllGroups: true is required, got ${JSON.stringify({ AccessGroupId: p.AccessGroupId, AuthorizeAllGroups: p.AuthorizeAllGroups })}`);
    }
    if (p.Description !== undefined && typeof p.Description !== 'string') {
      v.push(`${id}: Description must be a string`);
    }
  }
  for (const [id, route] of resourcesOfType(template, 'AWS::EC2::ClientVpnRoute')) {
    const p = route.Properties ?? {};
    v.push(...badValues(p, `${id}.Properties`));
    for (const key of Object.keys(p)) {
      if (!['ClientVpnEndpointId', 'DestinationCidrBlock', 'TargetVpcSubnetId', 'Description'].includes(key)) {
        v.push(`${id}: unknown property ${key}`);
      }
    }
    if (!isStringValue(p.ClientVpnEndpointId)) {
      v.push(`${id}: ClientVpnEndpointId must be a string, got ${JSON.stringify(p.ClientVpnEndpointId)}`);
    }
    if (typeof p.DestinationCidrBlock === 'string' ? !parseNetwork(p.DestinationCidrBlock) : !isIntrinsic(p.DestinationCidrBlock)) {
      v.push(`${id}: DestinationCidrBlock must be a network in CIDR notation, got ${JSON.stringify(p.DestinationCidrBlock)}`);
    }
    // Required for an endpoint in a VPC, absent for a transit gateway endpoint; an imported endpoint may be either.
    const endpointResource = template.Resources[p.ClientVpnEndpointId?.Ref];
    const throughTransitGateway = endpointResource?.Properties?.TransitGatewayConfiguration !== undefined;
    if (throughTransitGateway || (endpointResource === undefined && p.TargetVpcSubnetId === undefined)) {
      if (p.TargetVpcSubnetId !== undefined) {
        v.push(`${id}: a route of a transit gateway endpoint has no TargetVpcSubnetId, got ${JSON.stringify(p.TargetVpcSubnetId)}`);
      }
    } else if (!isStringValue(p.TargetVpcSubnetId)) {
      v.push(`${id}: TargetVpcSubnetId must be a subnet id or 'local', got ${JSON.stringify(p.TargetVpcSubnetId)}`);
    }
    const targetRef = p.TargetVpcSubnetId?.Ref;
    const endpointAssociations = associationsOf(p.ClientVpnEndpointId);
    if (targetRef !== undefined && endpointAssociations.length > 0
      && !endpointAssociations.some((a) => template.Resources[a].Properties?.SubnetId?.Ref === targetRef)) {
      v.push(`${id}: TargetVpcSubnetId ${targetRef} is not a target network of the endpoint`);
    }
    if (p.Description !== undefined && typeof p.Description !== 'string') {
      v.push(`${id}: Description must be a string`);
    }
  }
  v.push(...laneViolations(template, associationsOf));
  return v;
}

/** EC2's rules for tags: a key of 1 to 127 characters not starting with aws:, a value of at most 256. */
function tagViolations(tags: any[]): string[] {
  const v: string[] = [];
  for (const tag of tags) {
    if (typeof tag?.Key !== 'string' || codePoints(tag.Key) < 1 || codePoints(tag.Key) > 127 || tag.Key.toLowerCase().startsWith('aws:')) {
      v.push(`tag key must be 1 to 127 characters and not start with aws:, got ${JSON.stringify(tag?.Key)}`);
    }
    if (typeof tag?.Value !== 'string' || codePoints(tag.Value) > 256) {
      v.push(`tag value must be at most 256 characters, got ${JSON.stringify(tag?.Value)?.slice(0, 40)}`);
    }
  }
  return v;
}

/** The settings custom resource's Tags, parsed: a JSON list of { Key, Value }; undefined when absent or not literal. */
export function settingsTags(properties: { [key: string]: any }): Array<{ Key: string; Value: string }> | undefined {
  return typeof properties.Tags === 'string' ? JSON.parse(properties.Tags) : undefined;
}

/** The settings custom resource: properties the handler can parse. */
function settingsViolations(template: CfnTemplate): string[] {
  const v: string[] = [];
  for (const [id, resource] of resourcesOfType(template, 'Custom::ClientVpnEndpointSettings')) {
    const p = resource.Properties ?? {};
    if (!isStringValue(p.EndpointId)) {
      v.push(`${id}: EndpointId is required`);
    }
    if ((p.ConfigurationBucket === undefined) !== (p.ConfigurationKey === undefined)) {
      v.push(`${id}: ConfigurationBucket and ConfigurationKey go together`);
    }
    if (p.ApiSettings !== undefined) {
      if (typeof p.ApiSettings !== 'string') {
        if (!isIntrinsic(p.ApiSettings)) {
          v.push(`${id}: ApiSettings must be a JSON string`);
        }
      } else {
        try {
          const parsed = JSON.parse(p.ApiSettings);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            v.push(`${id}: ApiSettings must be a JSON object`);
          }
        } catch {
          v.push(`${id}: ApiSettings is not JSON: ${p.ApiSettings.slice(0, 60)}`);
        }
      }
    }
    if (p.Tags !== undefined) {
      if (typeof p.Tags !== 'string') {
        if (!isIntrinsic(p.Tags)) {
          v.push(`${id}: Tags must be a JSON string`);
        }
      } else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(p.Tags);
        } catch {
          v.push(`${id}: Tags is not JSON: ${p.Tags.slice(0, 60)}`);
        }
        if (parsed !== undefined && (!Array.isArray(parsed) || parsed.length === 0)) {
          v.push(`${id}: Tags must be a non-empty JSON list of { Key, Value }, got ${p.Tags.slice(0, 60)}`);
        } else if (Array.isArray(parsed)) {
          v.push(...tagViolations(parsed).map((violation) => `${id}: ${violation}`));
          if (!parsed.every((tag) => Object.keys(tag ?? {}).sort().join() === 'Key,Value')) {
            v.push(`${id}: each tag must be exactly { Key, Value }, got ${p.Tags.slice(0, 60)}`);
          }
        }
      }
    }
    // CloudFormation waits 1 to 3600 seconds, and must wait longer than the handler may run.
    const timeout = Number(p.ServiceTimeout);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
      v.push(`${id}: ServiceTimeout must be 1 to 3600 seconds, got ${JSON.stringify(p.ServiceTimeout)}`);
    }
    const handler = template.Resources[p.ServiceToken?.['Fn::GetAtt']?.[0]];
    if (handler?.Type === 'AWS::Lambda::Function' && !(timeout > Number(handler.Properties?.Timeout))) {
      v.push(`${id}: ServiceTimeout ${p.ServiceTimeout} must exceed the handler's Timeout ${handler.Properties?.Timeout}`);
    }
  }
  return v;
}

/** JSON with keys in order and undefined members dropped, to compare values however they were built. */
export function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_, item) => (typeof item === 'object' && item !== null && !Array.isArray(item)
    ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]]))
    : item));
}

/** The template says what the configuration asked for. */
export function reflectsSpecViolations(template: CfnTemplate, spec: EndpointSpec): string[] {
  const v: string[] = [];
  const [, endpoint] = resourcesOfType(template, 'AWS::EC2::ClientVpnEndpoint')[0];
  const p = endpoint.Properties ?? {};
  const same = (what: string, actual: unknown, expected: unknown) => {
    if (canonical(actual) !== canonical(expected)) {
      v.push(`${what}: expected ${JSON.stringify(expected)?.slice(0, 200)}, got ${JSON.stringify(actual)?.slice(0, 200)}`);
    }
  };
  same('ClientCidrBlock', p.ClientCidrBlock, spec.clientCidrBlock);
  same('Description', p.Description, spec.description);
  same('DnsServers', p.DnsServers, spec.dnsServers);
  same('SplitTunnel', p.SplitTunnel, spec.splitTunnel);
  same('TransportProtocol', p.TransportProtocol, spec.transportProtocol);
  same('VpnPort', p.VpnPort, spec.port);
  same('SessionTimeoutHours', p.SessionTimeoutHours, spec.sessionTimeout);
  same('DisconnectOnSessionTimeout', p.DisconnectOnSessionTimeout, spec.disconnectOnSessionTimeout);
  same('ClientLoginBannerOptions', p.ClientLoginBannerOptions,
    spec.clientLoginBanner === undefined ? undefined : { BannerText: spec.clientLoginBanner, Enabled: true });
  same('ClientRouteEnforcementOptions', p.ClientRouteEnforcementOptions,
    spec.clientRouteEnforcement === undefined ? undefined : { Enforced: spec.clientRouteEnforcement });
  same('EndpointIpAddressType', p.EndpointIpAddressType, spec.endpointIpAddressType);
  same('TrafficIpAddressType', p.TrafficIpAddressType, spec.trafficIpAddressType);
  same('SelfServicePortal', p.SelfServicePortal, spec.selfServicePortal ? 'enabled' : 'disabled');
  same('authentication types', (p.AuthenticationOptions ?? []).map((o: any) => o.Type).sort(), [
    ...(spec.auth.startsWith('cert') ? ['certificate-authentication'] : []),
    ...(spec.auth.includes('ad') ? ['directory-service-authentication'] : []),
    ...(spec.auth.includes('saml') ? ['federated-authentication'] : []),
  ].sort());
  same('ConnectionLogOptions.Enabled', p.ConnectionLogOptions?.Enabled, spec.logging.kind !== 'off');
  same('ConnectionLogOptions has a stream', p.ConnectionLogOptions?.CloudwatchLogStream !== undefined, spec.logging.kind === 'group+stream');
  same('ConnectionLogOptions.IncludeAuthorizationPolicyContext', p.ConnectionLogOptions?.IncludeAuthorizationPolicyContext, spec.logAuthorizationPolicyContext);
  same('VpcId given', p.VpcId !== undefined, spec.transitGateway === undefined);
  same('SecurityGroupIds count', p.SecurityGroupIds?.length, spec.transitGateway ? undefined : spec.securityGroups?.length ?? 1);
  const associations = resourcesOfType(template, 'AWS::EC2::ClientVpnTargetNetworkAssociation');
  if (spec.transitGateway) {
    const rendered = associations.map(([, a]) => ({
      AvailabilityZone: a.Properties?.AvailabilityZone,
      AvailabilityZoneId: a.Properties?.AvailabilityZoneId,
    }));
    same('the transit gateway zones, each an association', rendered.map((zone) => canonical(zone)).sort(),
      transitGatewayZones(spec.transitGateway).map((zone) => canonical(zone)).sort());
  } else {
    same('target network associations', associations.length, expectedAssociations(spec.vpcSubnets));
  }
  const rules = resourcesOfType(template, 'AWS::EC2::ClientVpnAuthorizationRule');
  same('default authorization rules', rules.length, expectedDefaultRules(spec));
  if (spec.clientConnectHandler) {
    same('ClientConnectOptions.Enabled', p.ClientConnectOptions?.Enabled, true);
  }
  same('AuthorizationPolicy', p.AuthorizationPolicy, spec.authorizationPolicy && {
    PolicyDocument: spec.authorizationPolicy.policyDocument,
    Description: spec.authorizationPolicy.description,
    ShadowMode: spec.authorizationPolicy.shadowMode === undefined ? undefined : spec.authorizationPolicy.shadowMode ? 'enabled' : 'disabled',
  });
  same('DevicePostureOptions', p.DevicePostureOptions, spec.devicePosture && {
    Enabled: spec.devicePosture.enabled ?? true,
    TrustProviders: spec.devicePosture.providers.map((provider) => ({
      TrustProviderType: providerType(provider).value,
      TenantId: provider.tenantId,
      PublicSigningKeyUrl: provider.url,
    })),
  });
  same('TransitGatewayConfiguration', p.TransitGatewayConfiguration, spec.transitGateway && {
    TransitGatewayId: spec.transitGateway.transitGatewayId,
  });
  // Tags go into TagSpecifications only when asked for (the endpoint is replaced when they change);
  // by default the custom resource applies them.
  const tags = new Map(spec.tags);
  const settings = resourcesOfType(template, 'Custom::ClientVpnEndpointSettings');
  const settingsProperties = settings.length === 1 ? settings[0][1].Properties ?? {} : {};
  const [where, renderedTags] = spec.tagsAtCreation
    ? ['TagSpecifications', p.TagSpecifications?.[0]?.Tags]
    : ['the settings custom resource\'s Tags', settingsTags(settingsProperties)];
  const rendered = new Map<string, string>((renderedTags ?? []).map((t: any) => [t.Key, t.Value]));
  same(`number of tags in ${where}`, rendered.size, tags.size);
  for (const [key, value] of tags) {
    if (rendered.get(key) !== value) {
      v.push(`tag ${JSON.stringify(key).slice(0, 60)} did not reach ${where}`);
    }
  }
  if (!spec.tagsAtCreation && p.TagSpecifications !== undefined) {
    v.push(`TagSpecifications must be absent without tagsAtCreation (a change would replace the endpoint), got ${JSON.stringify(p.TagSpecifications).slice(0, 80)}`);
  }
  if ((spec.tagsAtCreation || tags.size === 0) && settingsProperties.Tags !== undefined) {
    v.push(`the settings custom resource must have no Tags, got ${JSON.stringify(settingsProperties.Tags).slice(0, 80)}`);
  }
  const needsSettings = spec.certificateRevocationList !== undefined || spec.configuration !== undefined || spec.apiSettings !== undefined
    || (!spec.tagsAtCreation && tags.size > 0);
  same('settings custom resource', settings.length, needsSettings ? 1 : 0);
  if (settings.length === 1) {
    const sp = settingsProperties;
    same('CertificateRevocationList', sp.CertificateRevocationList, spec.certificateRevocationList);
    if (spec.apiSettings !== undefined) {
      same('ApiSettings', typeof sp.ApiSettings === 'string' ? JSON.parse(sp.ApiSettings) : sp.ApiSettings,
        JSON.parse(JSON.stringify(spec.apiSettings)));
    }
    if (spec.configuration?.key !== undefined) {
      same('ConfigurationKey', sp.ConfigurationKey, spec.configuration.key);
    }
  }
  return v;
}
