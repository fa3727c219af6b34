/**
 * IngressAuthorization and ClientVpnRoute: configurations as data, generators of valid ones,
 * tables of faults, values of the wrong type, and the outcome checks of the properties.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { isStringValue, ruleAndRouteViolations } from './endpoint-spec';
import {
  anyNetwork,
  anything,
  bareFixture,
  CfnTemplate,
  describeError,
  fixture,
  formatIpv4,
  isCrash,
  namedProp,
  notANetwork,
  overlaps,
  parseNetwork,
  resourcesOfType,
  synth,
  typeName,
  validationFailure,
} from './support';
import {
  ClientVpnEndpoint,
  ClientVpnRoute,
  ClientVpnRouteTarget,
  ClientVpnUserAuthentication,
  IClientVpnEndpoint,
  IngressAuthorization,
} from '../../src';

export const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';

/**
 * The endpoint rules and routes belong to: defined here (mutual TLS, or with Active Directory, in a
 * VPC; or mutual TLS, attached to a transit gateway), or imported.
 */
export type EndpointKind = 'defined-cert' | 'defined-user' | 'defined-tgw' | 'imported';

const ENDPOINT_KINDS: EndpointKind[] = ['defined-cert', 'defined-user', 'defined-tgw', 'imported'];

/** The client CIDR block of the endpoints defined here: routes inside it (but for itself) are refused. */
export const CLIENT_CIDR = '10.100.0.0/22';

export interface World {
  readonly stack: Stack;
  readonly app: import('aws-cdk-lib').App;
  readonly endpoint: IClientVpnEndpoint;
  /** The subnets associated as target networks, when the endpoint is defined here. */
  readonly targetSubnets: ec2.ISubnet[];
  /** A subnet of the same VPC that is not a target network. */
  readonly otherSubnet?: ec2.ISubnet;
  readonly vpc?: ec2.Vpc;
}

/** One VPC, one endpoint: the cheapest endpoint that has target networks (no log group, no default rule). */
export function world(kind: EndpointKind): World {
  if (kind === 'imported') {
    const { app, stack } = bareFixture();
    const endpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(stack, 'Endpoint', { endpointId: IMPORTED_ENDPOINT_ID });
    return { app, stack, endpoint, targetSubnets: [] };
  }
  const fx = fixture();
  if (kind === 'defined-tgw') {
    const tgwEndpoint = new ClientVpnEndpoint(fx.stack, 'Endpoint', {
      serverCertificate: fx.serverCertificate,
      clientRootCertificate: fx.clientRootCertificate,
      clientCidrBlock: CLIENT_CIDR,
      logging: false,
      authorizeAllUsersToVpcCidr: false,
      transitGatewayConfiguration: { transitGatewayId: 'tgw-12345678', availabilityZones: ['us-east-1a', 'us-east-1b'] },
    });
    return { app: fx.app, stack: fx.stack, endpoint: tgwEndpoint, targetSubnets: [] };
  }
  const endpoint = new ClientVpnEndpoint(fx.stack, 'Endpoint', {
    vpc: fx.vpc,
    serverCertificate: fx.serverCertificate,
    clientRootCertificate: kind === 'defined-cert' ? fx.clientRootCertificate : undefined,
    userAuthentication: kind === 'defined-user' ? ClientVpnUserAuthentication.activeDirectory('d-1234567890') : undefined,
    clientCidrBlock: CLIENT_CIDR,
    logging: false,
    authorizeAllUsersToVpcCidr: false,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'Sg', 'sg-12345678')],
  });
  const targetSubnets = fx.vpc.selectSubnets({ onePerAz: true }).subnets;
  const otherSubnet = fx.vpc.isolatedSubnets.find((subnet) => !targetSubnets.includes(subnet));
  return { app: fx.app, stack: fx.stack, endpoint, targetSubnets, otherSubnet, vpc: fx.vpc };
}


// ---------------------------------------------------------------------------------------------
// Authorization rules.

export type Grant = { accessGroupId: string; authorizeAllGroups?: false } | { authorizeAllGroups: true };

export interface RuleSpec {
  readonly via: 'construct' | 'method';
  readonly cidr: string;
  readonly grant: Grant;
  readonly description?: string;
}

export interface RulesSpec {
  readonly endpoint: EndpointKind;
  readonly rules: RuleSpec[];
}

const descriptionArb = fc.option(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 255 }), fc.string({ unit: 'binary', maxLength: 255 })),
  { nil: undefined });
const groupIdArb = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^S-1-5-21-\d{5,10}-\d{5,10}-\d{5,10}-\d{3,5}$/),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
);

function ruleArb(userGroups: boolean): fc.Arbitrary<RuleSpec> {
  const grant: fc.Arbitrary<Grant> = userGroups
    ? fc.oneof(
      fc.constant<Grant>({ authorizeAllGroups: true }),
      fc.record({ accessGroupId: groupIdArb, authorizeAllGroups: fc.constantFrom<false | undefined>(false, undefined) }, { requiredKeys: ['accessGroupId'] })
        .map((g) => (g.authorizeAllGroups === undefined ? { accessGroupId: g.accessGroupId } : g) as Grant),
    )
    : fc.constant<Grant>({ authorizeAllGroups: true });
  return fc.record({
    via: fc.constantFrom<'construct' | 'method'>('construct', 'method'),
    cidr: anyNetwork(),
    grant,
    description: descriptionArb,
  }, { requiredKeys: ['via', 'cidr', 'grant'] });
}

export function validRulesSpec(): fc.Arbitrary<RulesSpec> {
  return fc.constantFrom(...ENDPOINT_KINDS).chain((endpoint) => fc.record({
    endpoint: fc.constant(endpoint),
    rules: fc.array(ruleArb(endpoint === 'defined-user' || endpoint === 'imported'), { minLength: 1, maxLength: 3 }),
  }));
}

export function addRule(w: World, index: number, options: { [key: string]: unknown }, via: 'construct' | 'method' = 'construct'): IngressAuthorization {
  return via === 'method'
    ? w.endpoint.addIngressAuthorization(`Rule${index}`, options as any)
    : new IngressAuthorization(w.stack, `Rule${index}`, { endpoint: w.endpoint, ...options } as any);
}

function ruleOptions(rule: RuleSpec): { [key: string]: unknown } {
  return { cidr: rule.cidr, ...rule.grant, ...(rule.description !== undefined ? { description: rule.description } : {}) };
}

export function validRulesOutcome(spec: RulesSpec): string[] {
  const w = world(spec.endpoint);
  spec.rules.forEach((rule, index) => addRule(w, index, ruleOptions(rule), rule.via));
  const template = synth(w.app, w.stack);
  const v = ruleAndRouteViolations(template);
  const rendered = resourcesOfType(template, 'AWS::EC2::ClientVpnAuthorizationRule').map(([, r]) => r.Properties ?? {});
  if (rendered.length !== spec.rules.length) {
    v.push(`expected ${spec.rules.length} authorization rules, found ${rendered.length}`);
  }
  spec.rules.forEach((rule) => {
    const match = rendered.find((p) => p.TargetNetworkCidr === rule.cidr
      && p.AccessGroupId === ('accessGroupId' in rule.grant ? rule.grant.accessGroupId : undefined)
      && p.Description === rule.description);
    if (!match) {
      v.push(`no rule renders ${JSON.stringify(rule)}`);
    } else if (spec.endpoint === 'imported' && match.ClientVpnEndpointId !== IMPORTED_ENDPOINT_ID) {
      v.push(`the rule names endpoint ${JSON.stringify(match.ClientVpnEndpointId)}, not the imported one`);
    } else if (spec.endpoint !== 'imported' && !isStringValue(match.ClientVpnEndpointId)) {
      v.push('the rule names no endpoint');
    }
  });
  return v;
}

export interface RuleMutation {
  readonly label: string;
  readonly expected: readonly string[];
  readonly endpoint: EndpointKind;
  readonly options: { [key: string]: unknown };
  readonly via: 'construct' | 'method';
  /** Replaces the endpoint prop itself (construct only). */
  readonly endpointValue?: unknown;
}

export function invalidRuleMutation(): fc.Arbitrary<RuleMutation> {
  return validRulesSpec().chain(({ endpoint, rules }) => {
    const rule = rules[0];
    const base = ruleOptions(rule);
    const make = (label: string, expected: string[], options: { [key: string]: unknown }, kind: EndpointKind = endpoint) =>
      fc.constantFrom<'construct' | 'method'>('construct', 'method').map((via): RuleMutation => ({ label, expected, endpoint: kind, options, via }));
    return fc.oneof(
      notANetwork().chain((cidr) => make('cidr not a network in CIDR notation', ['cidr'], { ...base, cidr })),
      make('cidr missing', ['cidr'], { ...base, cidr: undefined }),
      fc.constantFrom<unknown>(5, {}, ['10.0.0.0/16'], true, null).chain((cidr) => make('cidr not a string', ['cidr'], { ...base, cidr })),
      make('accessGroupId empty', ['accessGroupId'], { cidr: rule.cidr, accessGroupId: '' }, 'defined-user'),
      make('neither accessGroupId nor authorizeAllGroups', ['authorizeAllGroups'], { cidr: rule.cidr }),
      make('authorizeAllGroups false without accessGroupId', ['authorizeAllGroups'], { cidr: rule.cidr, authorizeAllGroups: false }),
      fc.constantFrom<unknown>('true', 1, 'yes', []).chain((value) => make('authorizeAllGroups not a boolean', ['authorizeAllGroups'], { cidr: rule.cidr, authorizeAllGroups: value })),
      fc.constantFrom<unknown>(5, {}, ['g'], true).chain((value) => make('accessGroupId not a string', ['accessGroupId'], { cidr: rule.cidr, accessGroupId: value }, 'defined-user')),
      fc.constantFrom<unknown>(5, {}, ['d'], true).chain((value) => make('description not a string', ['description'], { ...base, description: value })),
      fc.constantFrom<unknown>(undefined, null, {}, 'cvpn-endpoint-0123456789abcdef0', 5).map((value): RuleMutation => ({
        label: 'endpoint missing or not an endpoint', expected: ['endpoint'], endpoint, options: base, via: 'construct', endpointValue: value,
      })),
    );
  });
}

export function invalidRuleOutcome(m: RuleMutation): string[] {
  let error: unknown;
  try {
    const w = world(m.endpoint);
    if ('endpointValue' in m) {
      new IngressAuthorization(w.stack, 'Rule', { ...m.options, endpoint: m.endpointValue } as any);
    } else {
      addRule(w, 0, m.options, m.via);
    }
    synth(w.app, w.stack);
  } catch (e) {
    error = e;
  }
  if (error === undefined) {
    return [`${m.label}: expected an Error naming ${m.expected.map((p) => `\`${p}\``).join(' or ')}, but it synthesized`];
  }
  const failure = validationFailure(error, m.expected);
  return failure ? [`${m.label}: ${failure}`] : [];
}

export const RULE_PROPS = ['endpoint', 'cidr', 'accessGroupId', 'authorizeAllGroups', 'description'] as const;
export type RuleProp = typeof RULE_PROPS[number];

function shapedRuleValue(prop: RuleProp): fc.Arbitrary<unknown> {
  const any = anything();
  switch (prop) {
    case 'endpoint': return fc.record({
      endpointId: fc.oneof(any, fc.constant(IMPORTED_ENDPOINT_ID)),
      targetNetworksAssociated: any,
    }, { requiredKeys: ['endpointId'] });
    case 'cidr': return fc.oneof(any, notANetwork());
    default: return any;
  }
}

function usableRuleValue(prop: RuleProp, value: unknown): boolean {
  switch (prop) {
    case 'endpoint': return typeof value === 'object' && value !== null && typeof (value as { endpointId?: unknown }).endpointId === 'string'
      && (value as { endpointId: string }).endpointId.length > 0;
    case 'cidr':
    case 'accessGroupId':
    case 'description': return typeof value === 'string' || (value === null && prop !== 'cidr');
    case 'authorizeAllGroups': return typeof value === 'boolean' || value === null;
  }
}

export function wrongRuleArb(): fc.Arbitrary<[EndpointKind, RuleSpec, RuleProp, unknown]> {
  return fc.tuple(
    fc.constantFrom(...ENDPOINT_KINDS),
    ruleArb(true),
    fc.constantFrom(...RULE_PROPS),
  ).chain(([kind, rule, prop]) => fc.tuple(
    fc.constant(kind), fc.constant(rule), fc.constant(prop),
    fc.oneof(anything(), shapedRuleValue(prop)).filter((value) => value !== undefined),
  ));
}

export function wrongRuleOutcome(kind: EndpointKind, rule: RuleSpec, prop: RuleProp, value: unknown): string[] {
  let error: unknown;
  let template: CfnTemplate | undefined;
  try {
    const w = world(kind);
    const props: { [key: string]: unknown } = { endpoint: w.endpoint, ...ruleOptions(rule) };
    props[prop] = value;
    new IngressAuthorization(w.stack, 'Rule', props as any);
    template = synth(w.app, w.stack);
  } catch (e) {
    error = e;
  }
  const what = `IngressAuthorization \`${prop}\` = ${typeName(value)}`;
  if (error !== undefined) {
    if (isCrash(error)) {
      return [`${what}: crashed with ${describeError(error)}`];
    }
    const named = namedProp(error);
    const crossField = usableRuleValue(prop, value) && named !== undefined && (RULE_PROPS as readonly string[]).includes(named);
    return named === prop || crossField ? [] : [`${what}: expected an Error naming \`${prop}\`, got ${describeError(error)}`];
  }
  if (!usableRuleValue(prop, value)) {
    return [`${what}: accepted a value of the wrong type without an error`];
  }
  return ruleAndRouteViolations(template!).map((violation) => `${what}: ${violation}`);
}

// ---------------------------------------------------------------------------------------------
// Routes.

export type TargetSpec = { kind: 'target-subnet'; index: number } | { kind: 'local' } | { kind: 'imported-subnet'; id: string } | { kind: 'transit-gateway' };

export interface RouteSpec {
  readonly via: 'construct' | 'method';
  readonly cidr: string;
  readonly target: TargetSpec;
  readonly description?: string;
}

export interface RoutesSpec {
  readonly endpoint: EndpointKind;
  readonly routes: RouteSpec[];
}

const subnetIdArb = fc.stringMatching(/^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/);

/** Networks strictly inside the client CIDR block: a route there would take traffic meant for clients. */
export function insideClientCidr(): fc.Arbitrary<string> {
  // 10.100.0.0 is 174325760; the /22 holds 1024 addresses. Host bits are cleared by arithmetic.
  return fc.tuple(fc.integer({ min: 23, max: 32 }), fc.bigInt({ min: 0n, max: 1023n })).map(([prefix, offset]) => {
    const size = 2n ** BigInt(32 - prefix);
    return `${formatIpv4(174325760n + (offset / size) * size)}/${prefix}`;
  });
}

function isInsideClientCidr(cidr: string): boolean {
  const network = parseNetwork(cidr);
  return network !== undefined && network.prefix > 22 && overlaps(network, parseNetwork(CLIENT_CIDR)!);
}

function routeArb(kind: EndpointKind): fc.Arbitrary<RouteSpec> {
  const target: fc.Arbitrary<TargetSpec> = kind === 'imported'
    ? fc.oneof(fc.constant<TargetSpec>({ kind: 'local' }), subnetIdArb.map((id): TargetSpec => ({ kind: 'imported-subnet', id })),
      fc.constant<TargetSpec>({ kind: 'transit-gateway' }))
    : kind === 'defined-tgw'
      ? fc.constant<TargetSpec>({ kind: 'transit-gateway' })
      : fc.oneof(fc.constant<TargetSpec>({ kind: 'local' }), fc.integer({ min: 0, max: 1 }).map((index): TargetSpec => ({ kind: 'target-subnet', index })));
  return fc.record({
    via: fc.constantFrom<'construct' | 'method'>('construct', 'method'),
    // The client CIDR block itself (client-to-client) is a valid route.
    cidr: fc.oneof({ weight: 20, arbitrary: anyNetwork() }, { weight: 1, arbitrary: fc.constant(CLIENT_CIDR) })
      .filter((cidr) => kind === 'imported' || !isInsideClientCidr(cidr)),
    target,
    description: descriptionArb,
  }, { requiredKeys: ['via', 'cidr', 'target'] });
}

export function validRoutesSpec(): fc.Arbitrary<RoutesSpec> {
  return fc.constantFrom(...ENDPOINT_KINDS).chain((endpoint) => fc.record({
    endpoint: fc.constant(endpoint),
    routes: fc.array(routeArb(endpoint), { minLength: 1, maxLength: 3 }),
  }));
}

function routeTarget(w: World, spec: TargetSpec, index: number): ClientVpnRouteTarget {
  switch (spec.kind) {
    case 'local': return ClientVpnRouteTarget.local();
    case 'target-subnet': return ClientVpnRouteTarget.subnet(w.targetSubnets[spec.index]);
    case 'imported-subnet': return ClientVpnRouteTarget.subnet(ec2.Subnet.fromSubnetId(w.stack, `Subnet${index}`, spec.id));
    case 'transit-gateway': return ClientVpnRouteTarget.transitGateway();
  }
}

export function addRoute(w: World, index: number, options: { [key: string]: unknown }, via: 'construct' | 'method' = 'construct'): ClientVpnRoute {
  return via === 'method'
    ? w.endpoint.addRoute(`Route${index}`, options as any)
    : new ClientVpnRoute(w.stack, `Route${index}`, { endpoint: w.endpoint, ...options } as any);
}

function routeOptions(w: World, route: RouteSpec, index: number): { [key: string]: unknown } {
  return {
    cidr: route.cidr,
    target: routeTarget(w, route.target, index),
    ...(route.description !== undefined ? { description: route.description } : {}),
  };
}

export function validRoutesOutcome(spec: RoutesSpec): string[] {
  const w = world(spec.endpoint);
  spec.routes.forEach((route, index) => addRoute(w, index, routeOptions(w, route, index), route.via));
  const template = synth(w.app, w.stack);
  const v = ruleAndRouteViolations(template);
  const rendered = resourcesOfType(template, 'AWS::EC2::ClientVpnRoute').map(([, r]) => r.Properties ?? {});
  if (rendered.length !== spec.routes.length) {
    v.push(`expected ${spec.routes.length} routes, found ${rendered.length}`);
  }
  spec.routes.forEach((route) => {
    const expectedTarget = route.target.kind === 'local' ? 'local'
      : route.target.kind === 'imported-subnet' ? route.target.id
        : route.target.kind === 'transit-gateway' ? undefined
          : w.stack.resolve(w.targetSubnets[route.target.index].subnetId);
    const match = rendered.find((p) => p.DestinationCidrBlock === route.cidr && p.Description === route.description
      && JSON.stringify(p.TargetVpcSubnetId) === JSON.stringify(expectedTarget));
    if (!match) {
      v.push(`no route renders ${JSON.stringify(route)}`);
    }
  });
  return v;
}

export interface RouteMutation {
  readonly label: string;
  readonly expected: readonly string[];
  readonly endpoint: EndpointKind;
  readonly route: RouteSpec;
  /** Replaces an option after the valid ones are built; 'target-of' values go through ClientVpnRouteTarget.subnet(). */
  readonly replace?: { readonly prop: string; readonly value: unknown } | { readonly prop: 'target-of'; readonly value: unknown }
  | { readonly prop: 'target'; readonly value: 'other-subnet' };
}

export function invalidRouteMutation(): fc.Arbitrary<RouteMutation> {
  return fc.constantFrom(...ENDPOINT_KINDS)
    .chain((endpoint) => fc.tuple(fc.constant(endpoint), routeArb(endpoint)))
    .chain(([endpoint, route]) => fc.oneof(
      fc.tuple(fc.constantFrom<EndpointKind>('defined-cert', 'defined-user', 'defined-tgw'), insideClientCidr()).map(([kind, cidr]): RouteMutation => ({
        label: 'cidr inside the endpoint\'s client CIDR block',
        expected: ['cidr'],
        endpoint: kind,
        route: { ...route, cidr, target: kind === 'defined-tgw' ? { kind: 'transit-gateway' } : { kind: 'local' } },
      })),
      fc.constantFrom<TargetSpec>({ kind: 'local' }, { kind: 'imported-subnet', id: 'subnet-12345678' }).map((target): RouteMutation => ({
        label: 'a subnet or local target on a transit gateway endpoint', expected: ['target'], endpoint: 'defined-tgw', route: { ...route, target },
      })),
      fc.constantFrom<EndpointKind>('defined-cert', 'defined-user').map((kind): RouteMutation => ({
        label: 'the transit gateway target on an endpoint in a VPC', expected: ['target'], endpoint: kind, route: { ...route, target: { kind: 'transit-gateway' } },
      })),
      notANetwork().map((cidr): RouteMutation => ({ label: 'cidr not a network in CIDR notation', expected: ['cidr'], endpoint, route: { ...route, cidr } })),
      fc.constantFrom<unknown>(undefined, 5, {}, ['0.0.0.0/0'], null)
        .map((value): RouteMutation => ({ label: 'cidr missing or not a string', expected: ['cidr'], endpoint, route, replace: { prop: 'cidr', value } })),
      fc.constantFrom<EndpointKind>('defined-cert', 'defined-user').map((kind): RouteMutation => ({
        label: 'target is a subnet of the VPC that is not a target network',
        expected: ['target'],
        endpoint: kind,
        route: { ...route, target: { kind: 'local' } },
        replace: { prop: 'target', value: 'other-subnet' },
      })),
      fc.constantFrom<unknown>(undefined, null, {}, 'subnet-12345678', 'local', 5)
        .map((value): RouteMutation => ({ label: 'target not a ClientVpnRouteTarget', expected: ['target'], endpoint, route, replace: { prop: 'target', value } })),
      fc.constantFrom<unknown>(undefined, null, {}, 'subnet-12345678', 5)
        .map((value): RouteMutation => ({ label: 'ClientVpnRouteTarget.subnet() of a non-subnet', expected: ['target'], endpoint, route, replace: { prop: 'target-of', value } })),
      fc.constantFrom<unknown>(5, {}, ['d'], true)
        .map((value): RouteMutation => ({ label: 'description not a string', expected: ['description'], endpoint, route, replace: { prop: 'description', value } })),
      fc.constantFrom<unknown>(undefined, null, {}, IMPORTED_ENDPOINT_ID, 5)
        .map((value): RouteMutation => ({ label: 'endpoint missing or not an endpoint', expected: ['endpoint'], endpoint, route: { ...route, via: 'construct' }, replace: { prop: 'endpoint', value } })),
    ));
}

function routeProps(w: World, m: { route: RouteSpec; replace?: RouteMutation['replace'] }): { [key: string]: unknown } {
  const options = routeOptions(w, m.route, 0);
  if (m.replace?.prop === 'target-of') {
    options.target = ClientVpnRouteTarget.subnet(m.replace.value as ec2.ISubnet);
  } else if (m.replace?.prop === 'target' && m.replace.value === 'other-subnet') {
    options.target = ClientVpnRouteTarget.subnet(w.otherSubnet!);
  } else if (m.replace && m.replace.prop !== 'endpoint') {
    options[m.replace.prop] = m.replace.value;
  }
  return options;
}

export function invalidRouteOutcome(m: RouteMutation): string[] {
  let error: unknown;
  try {
    const w = world(m.endpoint);
    const options = routeProps(w, m);
    if (m.replace?.prop === 'endpoint') {
      new ClientVpnRoute(w.stack, 'Route', { ...options, endpoint: m.replace.value } as any);
    } else {
      addRoute(w, 0, options, m.route.via);
    }
    synth(w.app, w.stack);
  } catch (e) {
    error = e;
  }
  if (error === undefined) {
    return [`${m.label}: expected an Error naming ${m.expected.map((p) => `\`${p}\``).join(' or ')}, but it synthesized`];
  }
  const failure = validationFailure(error, m.expected);
  return failure ? [`${m.label}: ${failure}`] : [];
}

export const ROUTE_PROPS = ['endpoint', 'cidr', 'target', 'description', 'target-of'] as const;
export type RouteProp = typeof ROUTE_PROPS[number];

function shapedRouteValue(prop: RouteProp): fc.Arbitrary<unknown> {
  const any = anything();
  switch (prop) {
    case 'endpoint': return fc.record({ endpointId: fc.oneof(any, fc.constant(IMPORTED_ENDPOINT_ID)), targetNetworksAssociated: any }, { requiredKeys: ['endpointId'] });
    case 'target': return fc.record({ targetVpcSubnetId: fc.oneof(any, fc.constant('local')), _subnet: any }, { requiredKeys: [] });
    case 'target-of': return fc.record({ subnetId: fc.oneof(any, fc.constant('subnet-12345678')), availabilityZone: any }, { requiredKeys: [] });
    case 'cidr': return fc.oneof(any, notANetwork());
    default: return any;
  }
}

function usableRouteValue(prop: RouteProp, value: unknown): boolean {
  switch (prop) {
    case 'endpoint': return typeof value === 'object' && value !== null && typeof (value as { endpointId?: unknown }).endpointId === 'string'
      && (value as { endpointId: string }).endpointId.length > 0;
    case 'cidr': return typeof value === 'string';
    case 'description': return typeof value === 'string' || value === null;
    case 'target': return false;
    case 'target-of': return typeof value === 'object' && value !== null && typeof (value as { subnetId?: unknown }).subnetId === 'string'
      && (value as { subnetId: string }).subnetId.length > 0;
  }
}

export function wrongRouteArb(): fc.Arbitrary<[EndpointKind, RouteSpec, RouteProp, unknown]> {
  return fc.constantFrom(...ENDPOINT_KINDS)
    .chain((kind) => fc.tuple(fc.constant(kind), routeArb(kind), fc.constantFrom(...ROUTE_PROPS)))
    .chain(([kind, route, prop]) => fc.tuple(
      fc.constant(kind), fc.constant(route), fc.constant(prop),
      fc.oneof(anything(), shapedRouteValue(prop)).filter((value) => value !== undefined),
    ));
}

export function wrongRouteOutcome(kind: EndpointKind, route: RouteSpec, prop: RouteProp, value: unknown): string[] {
  let error: unknown;
  let template: CfnTemplate | undefined;
  // Errors from ClientVpnRouteTarget.subnet() name `target`, the prop the value was for.
  const expectedName = prop === 'target-of' ? 'target' : prop;
  try {
    const w = world(kind);
    const props: { [key: string]: unknown } = { endpoint: w.endpoint, ...routeOptions(w, route, 0) };
    if (prop === 'target-of') {
      props.target = ClientVpnRouteTarget.subnet(value as ec2.ISubnet);
    } else {
      props[prop] = value;
    }
    new ClientVpnRoute(w.stack, 'Route', props as any);
    template = synth(w.app, w.stack);
  } catch (e) {
    error = e;
  }
  const what = `ClientVpnRoute \`${prop}\` = ${typeName(value)}`;
  if (error !== undefined) {
    if (isCrash(error)) {
      return [`${what}: crashed with ${describeError(error)}`];
    }
    const named = namedProp(error);
    const crossField = usableRouteValue(prop, value) && named !== undefined && (ROUTE_PROPS as readonly string[]).includes(named);
    return named === expectedName || crossField ? [] : [`${what}: expected an Error naming \`${expectedName}\`, got ${describeError(error)}`];
  }
  if (!usableRouteValue(prop, value)) {
    return [`${what}: accepted a value of the wrong type without an error`];
  }
  return ruleAndRouteViolations(template!).map((violation) => `${what}: ${violation}`);
}
