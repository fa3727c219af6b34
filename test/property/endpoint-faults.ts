/**
 * Faults for ClientVpnEndpoint: a table of invalid values (each a valid configuration with one
 * mutation, and the prop its error must name), values of the wrong type for every prop, and
 * the outcome checks both properties use.
 */
// CIDR arithmetic is bit arithmetic on addresses.
/* eslint-disable no-bitwise */
import { isIP } from 'net';
import { Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import {
  API_SETTINGS_BLOCKED,
  apiSettingKeyArb,
  bannerArb,
  clientCidrArb,
  createEndpoint,
  ENDPOINT_PROPS,
  EndpointProp,
  EndpointSpec,
  endpointProps,
  endpointTemplateViolations,
  fixtureFor,
  HandlerSpec,
  inVpc,
  LoggingSpec,
  RETENTION_DAYS,
  SecurityGroupSpec,
  SubnetsSpec,
  validEndpointSpec,
} from './endpoint-spec';
import {
  anything,
  CfnTemplate,
  describeError,
  Fixture,
  formatIpv4,
  holdsTokenDouble,
  ipv4Network,
  ipv6Network,
  isCrash,
  namedProp,
  namesProp,
  notANetwork,
  SAML_PROVIDER_ARN,
  synth,
  typeName,
  validationFailure,
} from './support';
import { ClientVpnUserAuthentication, DevicePostureTrustProviderType, IpAddressType, SessionTimeout, TransportProtocol, VpnPort } from '../../src';

// ---------------------------------------------------------------------------------------------
// The table of invalid values.

/** A value put into the props after they are built, for faults the configuration data cannot express. */
export type RawMake = 'federated-without-provider' | 'federated-with-bad-portal' | 'plain-object-sg' | 'undefined-sg' | 'imported-sg'
  | 'fixture-vpc' | 'fixture-subnets';

export type Raw =
  | { readonly prop: string; readonly value: unknown }
  | { readonly prop: string; readonly make: RawMake };

export interface Mutation {
  readonly label: string;
  /** The props the error may name (first name in backticks). */
  readonly expected: readonly string[];
  readonly spec: EndpointSpec;
  readonly raw?: Raw;
}

type Mutate = (spec: EndpointSpec) => fc.Arbitrary<Mutation>;

function ipv4Traffic(spec: EndpointSpec): EndpointSpec {
  return spec.trafficIpAddressType === IpAddressType.IPV6 ? { ...spec, trafficIpAddressType: undefined } : spec;
}

/** A transit gateway endpoint: the spec's own, or one with a transit gateway and no zones. */
function onTransitGateway(spec: EndpointSpec): EndpointSpec {
  return {
    ...spec,
    transitGateway: spec.transitGateway ?? { transitGatewayId: 'tgw-12345678' },
    vpcSubnets: 'default',
    securityGroups: undefined,
    authorizeAllUsersToVpcCidr: false,
  };
}

function withClientCidr(spec: EndpointSpec): EndpointSpec {
  const ipv4 = ipv4Traffic(spec);
  return ipv4.clientCidrBlock === undefined ? { ...ipv4, clientCidrBlock: '10.100.0.0/22' } : ipv4;
}

function raw(label: string, expected: string[], spec: EndpointSpec, prop: string, value: unknown): Mutation {
  return { label, expected, spec, raw: { prop, value } };
}

function block(address: bigint, prefix: number): string {
  const host = BigInt(32 - prefix);
  return `${formatIpv4((address >> host) << host)}/${prefix}`;
}

/** 10.0.0.0/16 itself, a block inside it, or a block containing it: /12 to /22 so only the overlap is wrong. */
const NETWORK_AROUND_VPC = fc.tuple(fc.integer({ min: 12, max: 22 }), fc.bigInt({ min: 0n, max: 0xffffn }))
  .map(([prefix, offset]) => block((10n << 24n) + (prefix > 16 ? offset : 0n), prefix));

/** A block inside or around a secondary VPC block, defined in the Vpc construct or beside it in the stack. */
const NETWORK_AROUND_SECONDARY = fc.record({
  secondary: fc.constantFrom('100.64.0.0/16', '172.31.0.0/16', '192.168.0.0/20'),
  scope: fc.constantFrom<'vpc' | 'stack'>('vpc', 'stack'),
  prefix: fc.integer({ min: 12, max: 22 }),
  offset: fc.bigInt({ min: 0n, max: 0xffffn }),
}).map(({ secondary, scope, prefix, offset }) => {
  const [address, blockPrefixText] = secondary.split('/');
  const blockPrefix = Number(blockPrefixText);
  const base = address.split('.').reduce((acc, octet) => acc * 256n + BigInt(octet), 0n);
  const inside = prefix > blockPrefix ? (offset << BigInt(32 - prefix)) % (1n << BigInt(32 - blockPrefix)) : 0n;
  return { secondaryCidr: { cidr: secondary, scope }, clientCidrBlock: block(base + inside, prefix) };
});

export const MUTATIONS: Mutate[] = [
  // clientCidrBlock
  (spec) => ipv4Network(fc.oneof(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 23, max: 32 })))
    .map((cidr) => ({ label: 'client CIDR prefix outside /12-/22', expected: ['clientCidrBlock'], spec: { ...ipv4Traffic(spec), clientCidrBlock: cidr } })),
  (spec) => NETWORK_AROUND_VPC
    .map((cidr) => ({ label: 'client CIDR overlaps the VPC block', expected: ['clientCidrBlock'], spec: { ...ipv4Traffic(inVpc(spec)), clientCidrBlock: cidr } })),
  (spec) => NETWORK_AROUND_SECONDARY.map((change) => ({
    label: `client CIDR overlaps a secondary VPC block defined in the ${change.secondaryCidr.scope}`,
    expected: ['clientCidrBlock'],
    spec: { ...ipv4Traffic(inVpc(spec)), ...change },
  })),
  (spec) => fc.oneof(notANetwork(), ipv6Network())
    .map((cidr) => ({ label: 'client CIDR is not an IPv4 network', expected: ['clientCidrBlock'], spec: { ...ipv4Traffic(spec), clientCidrBlock: cidr } })),
  (spec) => fc.constantFrom(undefined, IpAddressType.IPV4, IpAddressType.DUAL_STACK)
    .map((traffic) => ({ label: 'client CIDR missing for IPv4 traffic', expected: ['clientCidrBlock'], spec: { ...spec, ipv6Vpc: true, trafficIpAddressType: traffic, clientCidrBlock: undefined } })),
  (spec) => clientCidrArb(spec.secondaryCidr).map((cidr) => ({
    label: 'client CIDR with IPv6 traffic',
    expected: ['clientCidrBlock'],
    spec: { ...spec, ipv6Vpc: true, trafficIpAddressType: IpAddressType.IPV6, clientCidrBlock: cidr },
  })),

  // authentication
  (spec) => fc.constant({ label: 'no authentication', expected: ['clientRootCertificate', 'userAuthentication'], spec: { ...spec, auth: 'none' as const, selfServicePortal: undefined } }),
  (spec) => fc.oneof(
    fc.constantFrom('', 'd-', 'd-123456789', 'd-12345678901', 'd-123456789g', 'd_1234567890', '1234567890', ' d-1234567890', 'd-1234567890 '),
    fc.string({ unit: 'binary', maxLength: 20 }),
  ).filter((id) => !/^d-[0-9a-f]{10}$/i.test(id))
    .chain((id) => fc.constantFrom<EndpointSpec['auth']>('ad', 'cert+ad').map((auth) => ({
      label: 'Active Directory id malformed', expected: ['directoryId'], spec: { ...spec, auth, directoryId: id },
    }))),
  (spec) => fc.constantFrom<'federated-without-provider' | 'federated-with-bad-portal'>('federated-without-provider', 'federated-with-bad-portal')
    .map((make): Mutation => ({
      label: make,
      expected: [make === 'federated-without-provider' ? 'samlProvider' : 'selfServiceSamlProvider'],
      spec: { ...spec, auth: 'cert+saml', samlSelfService: false, selfServicePortal: true },
      raw: { prop: 'userAuthentication', make },
    })),
  (spec) => fc.constant({ label: 'self-service portal without user authentication', expected: ['selfServicePortal'], spec: { ...spec, auth: 'cert' as const, selfServicePortal: true } }),

  // logging
  (spec) => fc.oneof(
    fc.constantFrom<LoggingSpec>({ kind: 'off+group' }, { kind: 'off+stream' }, { kind: 'stream-only' }),
    fc.record({ kind: fc.constantFrom<'off+retention' | 'group+retention'>('off+retention', 'group+retention'), days: fc.constantFrom(...RETENTION_DAYS) }),
  ).map((logging) => ({
    label: `logging ${logging.kind}`,
    expected: [({ 'off+group': 'logGroup', 'off+stream': 'logStream', 'stream-only': 'logStream', 'off+retention': 'logRetention', 'group+retention': 'logRetention' } as { [kind: string]: string })[logging.kind]],
    spec: { ...spec, logging },
  })),
  (spec) => fc.oneof(fc.constantFrom(0, 2, 4, 6, 8, 1.5, -1, 366, 10000), fc.integer({ min: -10, max: 4000 }))
    .filter((days) => !RETENTION_DAYS.includes(days))
    .map((days) => raw('log retention not a RetentionDays value', ['logRetention'], { ...spec, logging: { kind: 'default' } }, 'logRetention', days)),

  // dnsServers
  (spec) => fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { minLength: 3, maxLength: 6 })
    .map((servers) => ({ label: 'more than two DNS servers', expected: ['dnsServers'], spec: { ...spec, dnsServers: servers } })),
  (spec) => fc.tuple(
    fc.array(fc.ipV4(), { maxLength: 1 }),
    fc.oneof(fc.constantFrom('', ' ', '1.2.3.4:53', '8.8.8.8/32', ' 8.8.8.8', '8.8.8', '256.1.1.1', 'dns.google', '::g'), fc.string({ maxLength: 16 }))
      .filter((text) => isIP(text) === 0),
  ).map(([good, bad]) => ({ label: 'a DNS server that is not an IP address', expected: ['dnsServers'], spec: { ...spec, dnsServers: [...good, bad] } })),

  // clientLoginBanner
  (spec) => fc.oneof(
    fc.string({ unit: 'binary', minLength: 1401, maxLength: 2000 }),
    fc.constantFrom('a'.repeat(1401), '😀'.repeat(1401)),
  ).map((banner) => ({ label: 'login banner over 1400 characters', expected: ['clientLoginBanner'], spec: { ...spec, clientLoginBanner: banner } })),
  // A string cut in the middle of an emoji has a lone surrogate, which UTF-8 cannot encode.
  (spec) => fc.tuple(bannerArb.filter((b) => Array.from(b).length < 1400), fc.constantFrom('\uD83D', '\uDE00'))
    .map(([banner, half]) => ({ label: 'login banner with a lone surrogate (not UTF-8 text)', expected: ['clientLoginBanner'], spec: { ...spec, clientLoginBanner: `${banner}${half}` } })),

  // securityGroups
  (spec) => fc.oneof(
    fc.constant<SecurityGroupSpec[]>([]),
    fc.uniqueArray(fc.stringMatching(/^sg-[0-9a-f]{8}$/), { minLength: 6, maxLength: 8 }).map((ids) => ids.map((id): SecurityGroupSpec => ({ kind: 'imported', id }))),
  ).map((groups): Mutation => ({ label: `${groups.length} security groups`, expected: ['securityGroups'], spec: { ...spec, securityGroups: groups } })),
  (spec) => fc.constantFrom<Raw>(
    { prop: 'securityGroups', make: 'undefined-sg' },
    { prop: 'securityGroups', make: 'plain-object-sg' },
    { prop: 'securityGroups', value: ['sg-12345678'] },
  ).map((r) => ({ label: 'security group list with a non-group', expected: ['securityGroups'], spec, raw: r })),

  // clientConnectHandler
  (spec) => fc.record({
    how: fc.constantFrom<HandlerSpec['how']>('by-name', 'by-arn', 'new-named'),
    name: fc.oneof(fc.constantFrom('awsclientvpn-x', 'AWSClientVPN', 'AWSClientVpn-x', 'xAWSClientVPN-', 'AWS-ClientVPN-x', 'Handler'), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/))
      .filter((name) => !name.startsWith('AWSClientVPN-')),
  }).map((handler) => ({ label: 'connect handler name without the AWSClientVPN- prefix', expected: ['clientConnectHandler'], spec: { ...spec, clientConnectHandler: handler } })),
  (spec) => fc.constant({
    label: 'connect handler defined without a name (CloudFormation generates one, never with the prefix)',
    expected: ['clientConnectHandler'],
    spec: { ...spec, clientConnectHandler: { how: 'new-unnamed' as const, name: '' } },
  }),

  // split tunnel with route enforcement
  (spec) => fc.constant({ label: 'split tunnel with route enforcement', expected: ['clientRouteEnforcement'], spec: { ...spec, splitTunnel: true, clientRouteEnforcement: true } }),

  // IPv6 and dual-stack traffic through a VPC without an IPv6 block: clients get their addresses from the subnets
  (spec) => fc.record({ traffic: fc.constantFrom(IpAddressType.IPV6, IpAddressType.DUAL_STACK), authorize: fc.constantFrom(true, false, undefined) })
    .map(({ traffic, authorize }) => ({
      label: `${traffic} traffic through a VPC without an IPv6 block`,
      expected: ['trafficIpAddressType'],
      spec: {
        ...withClientCidr(inVpc(spec)),
        ipv6Vpc: false,
        trafficIpAddressType: traffic,
        authorizeAllUsersToVpcCidr: authorize,
        ...(traffic === IpAddressType.IPV6 ? { clientCidrBlock: undefined } : {}),
      },
    })),

  // logAuthorizationPolicyContext with logging off
  (spec) => fc.boolean().map((value) => ({
    label: 'logAuthorizationPolicyContext with logging off',
    expected: ['logAuthorizationPolicyContext'],
    spec: { ...spec, logging: { kind: 'off' as const }, logAuthorizationPolicyContext: value },
  })),

  // transit gateway endpoints: exactly one of vpc and transitGatewayConfiguration, and nothing of a VPC
  (spec) => fc.constantFrom(true, undefined).map((authorize) => ({
    label: 'transit gateway endpoint with the default authorization rule (no VPC to authorize)',
    expected: ['authorizeAllUsersToVpcCidr'],
    spec: { ...onTransitGateway(spec), authorizeAllUsersToVpcCidr: authorize },
  })),
  (spec) => fc.constant<Mutation>({
    label: 'transit gateway endpoint with a VPC too',
    expected: ['transitGatewayConfiguration'],
    spec: onTransitGateway(spec),
    raw: { prop: 'vpc', make: 'fixture-vpc' },
  }),
  (spec) => fc.constant(raw('neither a VPC nor a transit gateway', ['vpc'], inVpc(spec), 'vpc', undefined)),
  (spec) => fc.constantFrom<Raw>(
    { prop: 'vpcSubnets', make: 'fixture-subnets' },
    { prop: 'vpcSubnets', value: { subnets: [] } },
    { prop: 'securityGroups', make: 'imported-sg' },
  ).map((r): Mutation => ({ label: `${r.prop} on a transit gateway endpoint`, expected: [r.prop], spec: onTransitGateway(spec), raw: r })),
  (spec) => fc.constantFrom('availabilityZones', 'availabilityZoneIds').chain((key) => fc.constantFrom<unknown>(
    key === 'availabilityZones' ? ['us-east-1a', 'us-east-1a'] : ['use1-az1', 'use1-az2', 'use1-az1'],
    Lazy.list({ produce: () => ['us-east-1a'] }),
  ).map((zones) => raw('transit gateway zones named twice, or a list token', ['transitGatewayConfiguration'], onTransitGateway(spec),
    'transitGatewayConfiguration', { transitGatewayId: 'tgw-12345678', [key]: zones }))),

  // enums given values outside them
  (spec) => fc.oneof(
    fc.record({ prop: fc.constant('transportProtocol'), value: fc.constantFrom<unknown>('TCP', 'UDP', 'icmp', '', 6, 'tcp ') }),
    fc.record({ prop: fc.constant('port'), value: fc.constantFrom<unknown>(80, 1195, '443', 0, -443, 443.5, 1194.0001) }),
    fc.record({ prop: fc.constant('sessionTimeout'), value: fc.constantFrom<unknown>(0, 9, 25, '24', 8.5, 48, -8) }),
    fc.record({ prop: fc.constantFrom('endpointIpAddressType', 'trafficIpAddressType'), value: fc.constantFrom<unknown>('IPV4', 'ipv5', 'dualstack', 'dual_stack', 4, 'IPv6') }),
  ).map(({ prop, value }) => raw(`${prop} outside its enum`, [prop], withClientCidr(spec), prop, value)),

  // booleans given other types
  (spec) => fc.record({
    prop: fc.constantFrom('splitTunnel', 'selfServicePortal', 'disconnectOnSessionTimeout', 'clientRouteEnforcement', 'logging', 'authorizeAllUsersToVpcCidr',
      'tagsAtCreation', 'logAuthorizationPolicyContext'),
    value: fc.constantFrom<unknown>('true', 'false', 0, 1, 'yes', [], {}),
  }).map(({ prop, value }) => raw(`${prop} not a boolean`, [prop], { ...spec, logging: { kind: 'default' } }, prop, value)),
  // a boolean that decides which resources exist, given a token
  (spec) => fc.boolean().map((value) => raw('tagsAtCreation a token', ['tagsAtCreation'], spec, 'tagsAtCreation', Lazy.any({ produce: () => value }))),

  // description
  (spec) => fc.constantFrom<unknown>(5, {}, ['x'], true).map((value) => raw('description not a string', ['description'], spec, 'description', value)),

  // certificateRevocationList
  (spec) => fc.oneof(
    fc.constantFrom(
      '',
      'not a CRL',
      '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n',
      '-----BEGIN X509 CRL-----\nMIIBsw==\n',
      '-----BEGIN X509 CRL-----\nMIIBs\n-----END X509 CRL-----\n',
      '-----BEGIN X509 CRL-----\nMII*Bsw=\n-----END X509 CRL-----\n',
      '-----BEGIN X509 CRL-----\n\n-----END X509 CRL-----\n',
    ),
    fc.string({ unit: 'binary', maxLength: 200 }),
  ).map((crl) => ({ label: 'CRL that is not a PEM-encoded CRL', expected: ['certificateRevocationList'], spec: { ...spec, certificateRevocationList: crl } })),

  // client configuration export
  (spec) => fc.string({ minLength: 1, maxLength: 40 }).map((key) => raw('configuration key without a bucket', ['clientConfigurationKey'],
    { ...spec, configuration: undefined }, 'clientConfigurationKey', key)),
  (spec) => fc.oneof(fc.constant(''), fc.constant('k'.repeat(1025)), fc.constant('é'.repeat(513)), fc.string({ unit: 'binary', minLength: 300, maxLength: 600 }))
    .filter((key) => key === '' || Buffer.byteLength(key) > 1024)
    .map((key) => ({
      label: 'configuration key empty or over 1024 bytes',
      expected: ['clientConfigurationKey'],
      spec: { ...spec, configuration: { bucket: 'imported' as const, bucketName: 'config-bucket', key } },
    })),

  // apiSettings
  (spec) => fc.oneof(
    fc.constantFrom(...API_SETTINGS_BLOCKED).map((key): unknown => ({ [key]: true })),
    fc.oneof(fc.constantFrom('newSetting', 'new_setting', 'New-Setting', 'New Setting', '', '1Setting', 'Ñew'), fc.string({ maxLength: 12 }))
      .filter((key) => !/^[A-Z][A-Za-z0-9]*$/.test(key) && key !== '__proto__')
      .map((key): unknown => ({ [key]: 1 })),
    apiSettingKeyArb.chain((key) => fc.constantFrom<unknown>({ [key]: null }, { [key]: undefined })),
    fc.constantFrom<unknown>([], ['DisconnectOnSessionTimeout'], 'DisconnectOnSessionTimeout=true', 5, true),
  ).map((value) => raw('apiSettings with a key the construct owns, a malformed key, no value, or not an object', ['apiSettings'], spec, 'apiSettings', value)),

  // vpcSubnets (selecting none is a warning, not an error)
  (spec) => fc.constantFrom<SubnetsSpec>('two-per-zone')
    .map((selection) => ({ label: `subnet selection ${selection}`, expected: ['vpcSubnets'], spec: { ...inVpc(spec), vpcSubnets: selection } })),
  (spec) => fc.constantFrom<SubnetsSpec>('public', 'unknown-group')
    .map((selection) => ({ label: `subnet selection ${selection} (aws-cdk-lib throws first)`, expected: ['vpcSubnets'], spec: { ...inVpc(spec), vpcSubnets: selection } })),

  // authorizationPolicy
  (spec) => fc.constantFrom<unknown>(
    { policyDocument: '' }, {}, { policyDocument: 5 }, { policyDocument: ['permit(principal, action, resource);'] },
    { policyDocument: 'permit(principal, action, resource);', description: 5 },
    { policyDocument: 'permit(principal, action, resource);', shadowMode: 'enabled' },
    'permit(principal, action, resource);', 5, null,
  ).map((value) => raw('authorizationPolicy without a policy, or of the wrong shape', ['authorizationPolicy'], spec, 'authorizationPolicy', value)),

  // devicePostureOptions
  (spec) => fc.constantFrom<unknown>(
    {}, { trustProviders: [] }, { trustProviders: 'crowdstrike' },
    { trustProviders: [{ type: 'crowdstrike', tenantId: 't', publicSigningKeyUrl: 'https://keys.example' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: '' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: 5 }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.CROWDSTRIKE, tenantId: 't' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JUMPCLOUD, tenantId: 't' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.custom('acme', true), tenantId: 't' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: 't', publicSigningKeyUrl: 'https://keys.example' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.custom('acme', false), tenantId: 't', publicSigningKeyUrl: 'https://keys.example' }] },
    { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: 't' }], enabled: 'true' },
  ).map((value) => raw('devicePostureOptions without providers, or a provider missing a part', ['devicePostureOptions'], spec, 'devicePostureOptions', value)),
  (spec) => fc.oneof(
    fc.constantFrom('http://keys.example', 'ftp://keys.example', 'keys.example', 'https://', 'https:///path', 'https:// keys.example', ''),
    fc.string({ maxLength: 20 }).filter((text) => !/^https:\/\/[^\s/]+/.test(text)),
  ).map((url) => raw('publicSigningKeyUrl that is not an https:// URL', ['devicePostureOptions'], spec, 'devicePostureOptions',
    { trustProviders: [{ type: DevicePostureTrustProviderType.CROWDSTRIKE, tenantId: 't', publicSigningKeyUrl: url }] })),
  // A custom provider kind with a blank name is refused by the factory itself: see counterexamples.test.ts.

  // transitGatewayConfiguration
  (spec) => fc.oneof(
    fc.constantFrom('', 'tgw-123', 'tgw-0123456789abcdef', 'tgw-0123456789abcdef01', 'tgw-ABCDEF12', 'vpc-12345678', 'tgw_12345678', ' tgw-12345678'),
    fc.string({ maxLength: 24 }).filter((id) => !/^tgw-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)),
  ).map((id) => raw('transit gateway id malformed', ['transitGatewayConfiguration'], onTransitGateway(spec), 'transitGatewayConfiguration', { transitGatewayId: id })),
  (spec) => fc.constantFrom<unknown>({}, 'tgw-12345678', 5, { transitGatewayId: 'tgw-12345678', availabilityZones: 'us-east-1a' },
    { transitGatewayId: 'tgw-12345678', availabilityZoneIds: 'use1-az1' },
    { transitGatewayId: 'tgw-12345678', availabilityZones: ['us-east-1a'], availabilityZoneIds: ['use1-az1'] },
    { transitGatewayId: 'tgw-12345678', availabilityZones: [], availabilityZoneIds: [] })
    .map((value) => raw('transitGatewayConfiguration without an id, or of the wrong shape', ['transitGatewayConfiguration'], onTransitGateway(spec),
      'transitGatewayConfiguration', value)),
  (spec) => fc.constantFrom<unknown>([''], [5], [null], ['us-east-1a', {}])
    .chain((zones) => fc.constantFrom('availabilityZones', 'availabilityZoneIds').map((key) =>
      raw('transit gateway zones that are not names', ['transitGatewayConfiguration'], onTransitGateway(spec), 'transitGatewayConfiguration',
        { transitGatewayId: 'tgw-12345678', [key]: zones }))),

  // required props
  (spec) => fc.constantFrom('vpc', 'serverCertificate').chain((prop) => fc.constantFrom<unknown>(undefined, null, {}, 'id')
    .map((value) => raw(`${prop} missing or not a construct`, [prop], inVpc(spec), prop, value))),
];

export function invalidEndpointMutation(mutations: Mutate[] = MUTATIONS): fc.Arbitrary<Mutation> {
  return validEndpointSpec().chain((spec) => fc.oneof(...mutations.map((mutate) => mutate(spec))));
}

export function applyRaw(props: { [key: string]: unknown }, r: Raw | undefined, fx: Fixture): void {
  if (!r) {
    return;
  }
  if ('value' in r) {
    props[r.prop] = r.value;
    return;
  }
  switch (r.make) {
    case 'federated-without-provider':
      props[r.prop] = ClientVpnUserAuthentication.federated(undefined as unknown as iam.ISamlProvider);
      return;
    case 'federated-with-bad-portal':
      props[r.prop] = ClientVpnUserAuthentication.federated(iam.SamlProvider.fromSamlProviderArn(fx.stack, 'Saml2', SAML_PROVIDER_ARN),
        {} as iam.ISamlProvider);
      return;
    case 'undefined-sg':
      props[r.prop] = [ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'SgA', 'sg-12345678'), undefined];
      return;
    case 'plain-object-sg':
      props[r.prop] = [{}];
      return;
    case 'imported-sg':
      props[r.prop] = [ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'SgA', 'sg-12345678')];
      return;
    case 'fixture-vpc':
      props[r.prop] = fx.vpc;
      return;
    case 'fixture-subnets':
      props[r.prop] = { subnets: [fx.vpc.isolatedSubnets[0]] };
      return;
  }
}

/** What went wrong when a mutated configuration did not throw the Error the contract asks for. */
export function invalidOutcome(mutation: Mutation): string[] {
  let error: unknown;
  let phase = 'construction';
  try {
    const fx = fixtureFor(mutation.spec);
    const props = endpointProps(mutation.spec, fx) as unknown as { [key: string]: unknown };
    applyRaw(props, mutation.raw, fx);
    createEndpoint(fx, props as any, mutation.spec.tags);
    phase = 'synthesis';
    synth(fx.app, fx.stack);
  } catch (e) {
    error = e;
  }
  const expected = mutation.expected.map((p) => `\`${p}\``).join(' or ');
  if (error === undefined) {
    return [`${mutation.label}: expected an Error naming ${expected}, but it synthesized`];
  }
  const failure = validationFailure(error, mutation.expected);
  if (failure) {
    return [`${mutation.label} (thrown at ${phase}): ${failure}`];
  }
  // The contract's shape: prop in backticks, the rule, then the value received.
  if (!/, got /.test((error as Error).message)) {
    return [`${mutation.label}: the message does not say which value it got: ${(error as Error).message}`];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Wrong types.

const STRING_PROPS: EndpointProp[] = ['clientCidrBlock', 'description', 'clientLoginBanner', 'certificateRevocationList', 'clientConfigurationKey'];
const BOOLEAN_PROPS: EndpointProp[] = [
  'logging', 'splitTunnel', 'selfServicePortal', 'disconnectOnSessionTimeout', 'clientRouteEnforcement', 'authorizeAllUsersToVpcCidr', 'tagsAtCreation',
  'logAuthorizationPolicyContext',
];
const ENUMS: Partial<Record<EndpointProp, unknown[]>> = {
  transportProtocol: Object.values(TransportProtocol),
  port: [VpnPort.HTTPS, VpnPort.OPENVPN],
  sessionTimeout: [SessionTimeout.EIGHT_HOURS, SessionTimeout.TEN_HOURS, SessionTimeout.TWELVE_HOURS, SessionTimeout.TWENTY_FOUR_HOURS],
  endpointIpAddressType: Object.values(IpAddressType),
  trafficIpAddressType: Object.values(IpAddressType),
  logRetention: RETENTION_DAYS,
};

const isObject = (value: unknown): value is { [key: string]: unknown } => typeof value === 'object' && value !== null;
const nonEmptyString = (value: unknown) => typeof value === 'string' && value.length > 0;

/** Values shaped like what the prop takes, with wrong parts: where duck typing and aws-cdk-lib crash. */
export function shapedWrongValue(prop: EndpointProp): fc.Arbitrary<unknown> {
  const any = anything();
  switch (prop) {
    case 'vpc': return fc.record({ vpcId: fc.oneof(any, fc.constant('vpc-12345678')), vpcCidrBlock: any }, { requiredKeys: ['vpcId'] });
    case 'serverCertificate':
    case 'clientRootCertificate': return fc.record({ certificateArn: fc.oneof(any, fc.constantFrom('arn:aws:acm:us-east-1:123456789012:certificate/x', '', 5)) });
    case 'userAuthentication': return fc.record({ _render: any, _hasSelfServiceProvider: any }, { requiredKeys: [] });
    case 'vpcSubnets': return fc.record({
      subnetType: fc.oneof(any, fc.constantFrom(...Object.values(ec2.SubnetType))),
      availabilityZones: fc.oneof(any, fc.constant(['dummy1a'])),
      subnetGroupName: any,
      onePerAz: any,
      subnets: any,
      subnetFilters: any,
    }, { requiredKeys: [] });
    case 'securityGroups': return fc.array(fc.oneof(any, fc.record({ securityGroupId: fc.oneof(any, fc.constant('sg-12345678')) })), { maxLength: 6 });
    case 'logGroup': return fc.record({ logGroupName: fc.oneof(any, fc.constant('logs')), logGroupArn: any }, { requiredKeys: [] });
    case 'logStream': return fc.record({ logStreamName: fc.oneof(any, fc.constant('stream')) }, { requiredKeys: [] });
    case 'clientConnectHandler': return fc.record({
      functionArn: fc.oneof(any, fc.constant('arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-x')),
      functionName: fc.oneof(any, fc.constant('AWSClientVPN-x')),
    }, { requiredKeys: [] });
    case 'clientConfigurationBucket': return fc.record({ bucketName: fc.oneof(any, fc.constant('bucket')), bucketArn: any }, { requiredKeys: [] });
    case 'dnsServers': return fc.array(fc.oneof(any, fc.ipV4()), { maxLength: 3 });
    case 'apiSettings': return fc.dictionary(apiSettingKeyArb, any, { maxKeys: 2 });
    case 'logRetention':
    case 'port':
    case 'sessionTimeout': return fc.oneof(fc.integer({ min: -10, max: 4000 }), fc.double().filter((n) => !holdsTokenDouble(n)));
    case 'transportProtocol':
    case 'endpointIpAddressType':
    case 'trafficIpAddressType': return fc.string({ maxLength: 12 });
    case 'authorizationPolicy': return fc.record({
      policyDocument: fc.oneof(any, fc.constant('permit(principal, action, resource);')),
      description: any,
      shadowMode: any,
    }, { requiredKeys: [] });
    case 'devicePostureOptions': return fc.record({
      trustProviders: fc.oneof(any, fc.array(fc.record({
        type: fc.oneof(any, fc.constantFrom(DevicePostureTrustProviderType.JAMF, DevicePostureTrustProviderType.CROWDSTRIKE)),
        tenantId: fc.oneof(any, fc.constant('tenant')),
        publicSigningKeyUrl: fc.oneof(any, fc.constant('https://keys.example')),
      }, { requiredKeys: [] }), { maxLength: 2 })),
      enabled: any,
    }, { requiredKeys: [] });
    case 'transitGatewayConfiguration': return fc.record({
      transitGatewayId: fc.oneof(any, fc.constant('tgw-12345678')),
      availabilityZones: fc.oneof(any, fc.array(any, { maxLength: 2 })),
      availabilityZoneIds: any,
    }, { requiredKeys: [] });
    default: return any;
  }
}

/** A prop and a value for it from anywhere in JavaScript. */
export function wrongTypeArb(props: readonly EndpointProp[] = ENDPOINT_PROPS): fc.Arbitrary<[EndpointProp, unknown]> {
  return fc.constantFrom(...props).chain((prop) => fc.tuple(
    fc.constant(prop),
    fc.oneof(anything(), shapedWrongValue(prop)).filter((value) => value !== undefined),
  ));
}

/**
 * When the construct may accept the value: of the prop's type, or shaped enough for what the
 * construct reads of it (duck typing), or null for an optional prop.
 */
export function usable(prop: EndpointProp, value: unknown): boolean {
  if (value === null) {
    return prop !== 'vpc' && prop !== 'serverCertificate';
  }
  if (STRING_PROPS.includes(prop)) {
    return typeof value === 'string';
  }
  if (BOOLEAN_PROPS.includes(prop)) {
    return typeof value === 'boolean';
  }
  if (ENUMS[prop]) {
    return ENUMS[prop]!.includes(value);
  }
  switch (prop) {
    case 'serverCertificate':
    case 'clientRootCertificate':
      return isObject(value) && nonEmptyString(value.certificateArn);
    case 'vpcSubnets':
      return isObject(value) && !Array.isArray(value);
    case 'securityGroups':
      return Array.isArray(value) && value.length >= 1 && value.length <= 5
        && value.every((sg) => isObject(sg) && nonEmptyString(sg.securityGroupId));
    case 'logGroup':
      return isObject(value) && nonEmptyString(value.logGroupName);
    case 'logStream':
      return isObject(value) && nonEmptyString(value.logStreamName);
    case 'clientConnectHandler':
      return isObject(value) && nonEmptyString(value.functionArn);
    case 'clientConfigurationBucket':
      return isObject(value) && nonEmptyString(value.bucketName);
    case 'dnsServers':
      return Array.isArray(value);
    case 'apiSettings':
    case 'authorizationPolicy':
    case 'devicePostureOptions':
    case 'transitGatewayConfiguration':
      return isObject(value) && !Array.isArray(value);
    default:
      // vpc and userAuthentication: nothing short of the real thing.
      return false;
  }
}

const KNOWN_NAMES = [...ENDPOINT_PROPS, 'directoryId', 'samlProvider', 'selfServiceSamlProvider', 'value'];

/** The base configuration with the replaced prop's partners out of the way, so the error can only be about the prop. */
function neutralFor(prop: EndpointProp, spec: EndpointSpec): EndpointSpec {
  if (prop === 'logging' || prop === 'logGroup' || prop === 'logRetention' || prop === 'logAuthorizationPolicyContext') {
    return { ...spec, logging: { kind: 'default' }, logAuthorizationPolicyContext: undefined };
  }
  // The VPC's props on an endpoint in the VPC, the transit gateway's on a transit gateway endpoint.
  if (prop === 'vpc' || prop === 'vpcSubnets' || prop === 'securityGroups') {
    return inVpc(spec);
  }
  if (prop === 'transitGatewayConfiguration') {
    return onTransitGateway(spec);
  }
  if (prop === 'logStream') {
    // A stream is only read with its group.
    return { ...spec, logging: { kind: 'group' } };
  }
  if (prop === 'clientConfigurationBucket' || prop === 'clientConfigurationKey') {
    return { ...spec, configuration: { bucket: 'imported', bucketName: 'config-bucket' } };
  }
  if (prop === 'trafficIpAddressType' || prop === 'clientCidrBlock' || prop === 'authorizeAllUsersToVpcCidr') {
    return withClientCidr(spec);
  }
  return spec;
}

/** What went wrong when a value of the wrong type was neither rejected by name nor turned into a valid template. */
export function wrongTypeOutcome(baseSpec: EndpointSpec, prop: EndpointProp, value: unknown): string[] {
  const spec = neutralFor(prop, baseSpec);
  let error: unknown;
  let template: CfnTemplate | undefined;
  try {
    const fx = fixtureFor(spec);
    const props = endpointProps(spec, fx) as unknown as { [key: string]: unknown };
    props[prop] = value;
    createEndpoint(fx, props as any, spec.tags);
    template = synth(fx.app, fx.stack);
  } catch (e) {
    error = e;
  }
  const what = `\`${prop}\` = ${typeName(value)}`;
  if (error !== undefined) {
    if (isCrash(error)) {
      return [`${what}: crashed with ${describeError(error)}`];
    }
    const named = namedProp(error);
    const crossField = usable(prop, value) && KNOWN_NAMES.some((known) => namesProp(named, known));
    return namesProp(named, prop) || crossField ? [] : [`${what}: expected an Error naming \`${prop}\`, got ${describeError(error)}`];
  }
  if (!usable(prop, value)) {
    return [`${what}: accepted a value of the wrong type without an error`];
  }
  return endpointTemplateViolations(template!).map((violation) => `${what}: ${violation}`);
}
