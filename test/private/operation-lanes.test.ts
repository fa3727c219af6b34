import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClientVpnEndpoint, ClientVpnRoute, ClientVpnRouteTarget, IClientVpnEndpoint, IngressAuthorization } from '../../src';
import { MAX_CONCURRENT_OPERATIONS } from '../../src/private/operation-lanes';
import { Fixture, createEndpoint, testStack } from '../util';

const ASSOCIATION = 'AWS::EC2::ClientVpnTargetNetworkAssociation';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';
const ROUTE = 'AWS::EC2::ClientVpnRoute';
const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';

interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: any; DependsOn?: string | string[] }>;
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function dependsOn(template: CfnTemplate, id: string): string[] {
  const value = template.Resources[id].DependsOn;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Every logical id of the template that `value` refers to with Ref or Fn::GetAtt. */
function referencedIds(template: CfnTemplate, value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((item) => referencedIds(template, item, found));
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string' && o.Ref in template.Resources) {
      found.add(o.Ref);
    }
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[0] in template.Resources) {
      found.add(getAtt[0]);
    }
    Object.values(o).forEach((item) => referencedIds(template, item, found));
  }
  return found;
}

/** What CloudFormation waits for before it starts each resource: its DependsOn, its Refs and its GetAtts. */
function prerequisites(template: CfnTemplate): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    graph.set(id, new Set([...dependsOn(template, id), ...referencedIds(template, resource.Properties)]));
  }
  return graph;
}

/**
 * CloudFormation's schedule when every resource takes the same time: a wave holds every resource
 * whose prerequisites are all in earlier waves. Returns each resource's wave, from 0.
 */
function waves(template: CfnTemplate): Map<string, number> {
  const graph = prerequisites(template);
  const wave = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    const known = wave.get(id);
    if (known !== undefined) {
      return known;
    }
    if (path.has(id)) {
      throw new Error(`dependency cycle through ${id}`);
    }
    path.add(id);
    const before = [...graph.get(id)!].map((prerequisite) => visit(prerequisite, path));
    path.delete(id);
    const result = before.length === 0 ? 0 : Math.max(...before) + 1;
    wave.set(id, result);
    return result;
  };
  for (const id of graph.keys()) {
    visit(id, new Set());
  }
  return wave;
}

/**
 * CloudFormation's schedule when resources take different times (a deterministic pseudo-random
 * duration each): the largest number of `counted` resources in progress at one moment.
 */
function peakConcurrency(template: CfnTemplate, counted: Set<string>, seed: number): number {
  const graph = prerequisites(template);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const duration = new Map([...graph.keys()].map((id) => [id, 1 + Math.floor(random() * 20)]));
  const done = new Set<string>();
  const running = new Map<string, number>();
  let now = 0;
  let peak = 0;
  while (done.size < graph.size) {
    for (const [id, prerequisitesOfId] of graph) {
      if (!done.has(id) && !running.has(id) && [...prerequisitesOfId].every((p) => done.has(p))) {
        running.set(id, now + duration.get(id)!);
      }
    }
    peak = Math.max(peak, [...running.keys()].filter((id) => counted.has(id)).length);
    if (running.size === 0) {
      throw new Error('nothing can start: a dependency cycle');
    }
    now = Math.min(...running.values());
    for (const [id, end] of [...running]) {
      if (end === now) {
        running.delete(id);
        done.add(id);
      }
    }
  }
  return peak;
}

/** The logical ids of the resources of `type` whose ClientVpnEndpointId is `endpointId` (as rendered). */
function ofEndpoint(template: CfnTemplate, types: string[], endpointId: unknown): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => types.includes(r.Type) && JSON.stringify(r.Properties?.ClientVpnEndpointId) === JSON.stringify(endpointId))
    .map(([id]) => id);
}

interface Lanes {
  /** The rules and routes of the endpoint, in construction order. */
  readonly operations: string[];
  readonly associations: string[];
  /** The rules and routes that depend directly on the associations, in construction order. */
  readonly heads: string[];
  /** Each lane, head first. */
  readonly lanes: string[][];
}

/**
 * Reads an endpoint's lanes from the template, checking the shape on the way: a rule or route
 * waits either for every association and nothing else of the endpoint, or for exactly one earlier
 * rule or route of the endpoint and no association; and no two wait for the same one.
 */
function lanesOf(template: CfnTemplate, operations: string[], associations: string[]): Lanes {
  const heads: string[] = [];
  const successor = new Map<string, string>();
  operations.forEach((id, index) => {
    const deps = dependsOn(template, id);
    const onAssociations = deps.filter((d) => associations.includes(d));
    const onOperations = deps.filter((d) => operations.includes(d));
    if (onOperations.length === 0) {
      expect({ id, waitsFor: [...onAssociations].sort() }).toEqual({ id, waitsFor: [...associations].sort() });
      heads.push(id);
    } else {
      expect({ id, waitsFor: onOperations.length, onAssociations }).toEqual({ id, waitsFor: 1, onAssociations: [] });
      const previous = onOperations[0];
      expect(operations.indexOf(previous)).toBeLessThan(index);
      expect(successor.has(previous)).toBe(false);
      successor.set(previous, id);
    }
  });
  const lanes = heads.map((head) => {
    const lane = [head];
    for (let next = successor.get(head); next !== undefined; next = successor.get(next)) {
      lane.push(next);
    }
    return lane;
  });
  expect(lanes.flat().sort()).toEqual([...operations].sort());
  return { operations, associations, heads, lanes };
}

/** An endpoint without the default rule, and `count` rules and routes added alternately (rule first). */
function endpointWithOperations(count: number, f: Fixture = testStack(), id = 'Endpoint', defaultRule = false) {
  const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: defaultRule }, id);
  const operations = [] as Array<IngressAuthorization | ClientVpnRoute>;
  for (let i = 0; i < count; i++) {
    operations.push(i % 2 === 0
      ? endpoint.addIngressAuthorization(`Rule${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true })
      : endpoint.addRoute(`Route${i}`, { cidr: `172.${16 + (i % 16)}.${i}.0/24`, target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[i % 2]) }));
  }
  return { ...f, endpoint, operations };
}

function templateOf(stack: Stack): CfnTemplate {
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** The lanes of `endpoint` in `stack`, its rules and routes in construction order (`operations`). */
function readLanes(stack: Stack, endpoint: ClientVpnEndpoint, operations: Array<{ node: { defaultChild?: unknown } }>) {
  const template = templateOf(stack);
  const ref = { Ref: logicalId(stack, endpoint) };
  const ids = operations.map((operation) => logicalId(stack, operation));
  // Every rule and route of the endpoint in the template is one of `operations`.
  expect(ofEndpoint(template, [RULE, ROUTE], ref).sort()).toEqual([...ids].sort());
  const associations = ofEndpoint(template, [ASSOCIATION], ref);
  return { template, lanes: lanesOf(template, ids, associations) };
}

describe('the schedule simulations of these tests', () => {
  /** Two associations and `count` operations, each waiting for what `waitsFor` says. */
  function synthetic(count: number, waitsFor: (index: number) => string[]): CfnTemplate {
    const resources: CfnTemplate['Resources'] = {
      Endpoint: { Type: 'AWS::EC2::ClientVpnEndpoint' },
      A0: { Type: ASSOCIATION, Properties: { ClientVpnEndpointId: { Ref: 'Endpoint' } } },
      A1: { Type: ASSOCIATION, Properties: { ClientVpnEndpointId: { Ref: 'Endpoint' } } },
    };
    for (let i = 0; i < count; i++) {
      resources[`R${i}`] = { Type: RULE, Properties: { ClientVpnEndpointId: { Ref: 'Endpoint' } }, DependsOn: waitsFor(i) };
    }
    return { Resources: resources };
  }

  test('all 40 waiting for the associations alone: one wave of 40 after them, 40 at once', () => {
    const template = synthetic(40, () => ['A0', 'A1']);
    const wave = waves(template);
    expect(wave.get('Endpoint')).toBe(0);
    expect(wave.get('A0')).toBe(1);
    expect(new Set(Array.from({ length: 40 }, (_, i) => wave.get(`R${i}`)))).toEqual(new Set([2]));
    const operations = new Set(Array.from({ length: 40 }, (_, i) => `R${i}`));
    expect(peakConcurrency(template, operations, 1)).toBe(40);
  });

  test('one chain of 40: 40 waves, one at a time', () => {
    const template = synthetic(40, (i) => (i === 0 ? ['A0', 'A1'] : [`R${i - 1}`]));
    expect(waves(template).get('R39')).toBe(41);
    expect(peakConcurrency(template, new Set(Array.from({ length: 40 }, (_, i) => `R${i}`)), 1)).toBe(1);
  });

  test('a Ref is waited for like a DependsOn, and a cycle is reported', () => {
    const template: CfnTemplate = { Resources: { X: { Type: 'T', Properties: { P: { 'Fn::GetAtt': ['Y', 'Arn'] } } }, Y: { Type: 'T', DependsOn: 'X' } } };
    expect(() => waves(template)).toThrow(/cycle/);
  });
});

describe('operation lanes', () => {
  test('an endpoint runs at most 10 operations at once', () => {
    expect(MAX_CONCURRENT_OPERATIONS).toBe(10);
  });

  test('one rule depends on the associations, exactly', () => {
    const { stack, endpoint, operations } = endpointWithOperations(1);
    const { template, lanes } = readLanes(stack, endpoint, operations);
    expect(lanes.associations).toHaveLength(2);
    expect([...dependsOn(template, lanes.operations[0])].sort()).toEqual([...lanes.associations].sort());
  });

  test('one route depends on the associations, exactly', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: false });
    const route = endpoint.addRoute('Route', { cidr: '172.16.0.0/24', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]) });
    const { template, lanes } = readLanes(f.stack, endpoint, [route]);
    expect([...dependsOn(template, lanes.operations[0])].sort()).toEqual([...lanes.associations].sort());
  });

  test.each([1, 2, 9, 10, 11, 19, 20, 21, 40])('%i rules and routes: min(n, 10) wait for the associations, the rest each for one earlier, in balanced lanes', (count) => {
    const { stack, endpoint, operations } = endpointWithOperations(count);
    const { lanes } = readLanes(stack, endpoint, operations);
    expect(lanes.heads).toHaveLength(Math.min(count, MAX_CONCURRENT_OPERATIONS));
    const sizes = lanes.lanes.map((lane) => lane.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Math.max(...sizes)).toBe(Math.ceil(count / MAX_CONCURRENT_OPERATIONS));
  });

  test('40 rules and routes: the lanes are filled round-robin, the first ten are the heads, each next one follows the one ten before it', () => {
    const { stack, endpoint, operations } = endpointWithOperations(40);
    const { template, lanes } = readLanes(stack, endpoint, operations);
    expect(lanes.heads).toEqual(lanes.operations.slice(0, 10));
    lanes.operations.slice(10).forEach((id, index) => {
      expect(dependsOn(template, id)).toEqual([lanes.operations[index]]);
    });
    // Lane k holds the k-th, (k+10)-th, (k+20)-th and (k+30)-th, whether rules or routes.
    expect(lanes.lanes).toEqual(Array.from({ length: 10 }, (_, k) => [0, 10, 20, 30].map((offset) => lanes.operations[k + offset])));
  });

  test('40 rules and routes: waves of at most 10, ceil(40/10) of them after the associations\' wave', () => {
    const { stack, endpoint, operations } = endpointWithOperations(40);
    const { template, lanes } = readLanes(stack, endpoint, operations);
    const wave = waves(template);
    const associationWaves = new Set(lanes.associations.map((id) => wave.get(id)!));
    expect(associationWaves.size).toBe(1);
    const perWave = new Map<number, string[]>();
    for (const id of [...lanes.associations, ...lanes.operations]) {
      perWave.set(wave.get(id)!, [...(perWave.get(wave.get(id)!) ?? []), id]);
    }
    expect(perWave.size).toBe(Math.ceil(40 / MAX_CONCURRENT_OPERATIONS) + 1);
    const [first] = associationWaves;
    expect(Math.min(...perWave.keys())).toBe(first);
    // The associations' wave has no rule or route; each wave after has exactly 10 of them, consecutively.
    expect(perWave.get(first)!.sort()).toEqual([...lanes.associations].sort());
    for (let k = 1; k <= 4; k++) {
      const inWave = perWave.get(first + k)!;
      expect(inWave).toHaveLength(10);
      expect(inWave.every((id) => lanes.operations.includes(id))).toBe(true);
    }
    for (const ids of perWave.values()) {
      expect(ids.length).toBeLessThanOrEqual(MAX_CONCURRENT_OPERATIONS);
    }
  });

  test.each([1, 7, 42])('40 rules and routes with uneven durations (seed %i): never more than 10 of the endpoint\'s operations at once', (seed) => {
    const { stack, endpoint, operations } = endpointWithOperations(40);
    const { template, lanes } = readLanes(stack, endpoint, operations);
    const counted = new Set([...lanes.associations, ...lanes.operations]);
    expect(peakConcurrency(template, counted, seed)).toBeLessThanOrEqual(MAX_CONCURRENT_OPERATIONS);
    expect(peakConcurrency(template, new Set(lanes.operations), seed)).toBeGreaterThan(1);
  });

  test('the default rule takes the first place of the first lane: 40 more make 41 in lanes of 5 and 4', () => {
    const f = testStack();
    const { endpoint, operations } = endpointWithOperations(40, f, 'Endpoint', true);
    const defaultRule = endpoint.node.findChild('AuthorizeAll') as IngressAuthorization;
    const { template, lanes } = readLanes(f.stack, endpoint, [defaultRule, ...operations]);
    expect(lanes.heads[0]).toBe(logicalId(f.stack, defaultRule));
    expect(lanes.heads).toHaveLength(10);
    expect(lanes.lanes.map((lane) => lane.length)).toEqual([5, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    const wave = waves(template);
    expect(new Set([...lanes.associations, ...lanes.operations].map((id) => wave.get(id))).size).toBe(Math.ceil(41 / 10) + 1);
  });

  test('rules of two endpoints do not share lanes: each endpoint has its own ten', () => {
    const f = testStack();
    const a = createEndpoint(f, { authorizeAllUsersToVpcCidr: false }, 'A');
    const b = createEndpoint(f, { authorizeAllUsersToVpcCidr: false, clientCidrBlock: '10.104.0.0/22' }, 'B');
    const rulesA: IngressAuthorization[] = [];
    const rulesB: IngressAuthorization[] = [];
    // Interleaved, as an app may add them.
    for (let i = 0; i < 15; i++) {
      rulesA.push(a.addIngressAuthorization(`Rule${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true }));
      rulesB.push(b.addIngressAuthorization(`Rule${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true }));
    }
    const lanesA = readLanes(f.stack, a, rulesA).lanes;
    const { template, lanes: lanesB } = readLanes(f.stack, b, rulesB);
    expect(lanesA.heads).toHaveLength(10);
    expect(lanesB.heads).toHaveLength(10);
    // No rule of one endpoint waits for anything of the other's.
    for (const id of lanesA.operations) {
      expect(dependsOn(template, id).filter((d) => lanesB.operations.includes(d) || lanesB.associations.includes(d))).toEqual([]);
    }
    for (const id of lanesB.operations) {
      expect(dependsOn(template, id).filter((d) => lanesA.operations.includes(d) || lanesA.associations.includes(d))).toEqual([]);
    }
    // Each endpoint, separately, never has more than 10 operations at once.
    for (const lanes of [lanesA, lanesB]) {
      expect(peakConcurrency(template, new Set([...lanes.associations, ...lanes.operations]), 3)).toBeLessThanOrEqual(10);
    }
  });

  test('an imported endpoint\'s rules have lanes too: ten without DependsOn, the others each after one earlier rule', () => {
    const f = testStack();
    const endpoint: IClientVpnEndpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
    const rules = Array.from({ length: 12 }, (_, i) => new IngressAuthorization(f.stack, `Rule${i}`, {
      endpoint, cidr: `10.${i}.0.0/16`, authorizeAllGroups: true,
    }));
    const template = templateOf(f.stack);
    const ids = rules.map((rule) => logicalId(f.stack, rule));
    expect(ofEndpoint(template, [RULE], IMPORTED_ENDPOINT_ID).sort()).toEqual([...ids].sort());
    const lanes = lanesOf(template, ids, []);
    expect(lanes.heads).toEqual(ids.slice(0, 10));
    expect(dependsOn(template, ids[10])).toEqual([ids[0]]);
    expect(dependsOn(template, ids[11])).toEqual([ids[1]]);
  });

  test('a rule in another stack than its endpoint synthesizes, with no DependsOn across stacks: its stack waits for the endpoint\'s', () => {
    const app = new App();
    const f = testStack(app, 'Network');
    const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: false });
    const local = Array.from({ length: 3 }, (_, i) => endpoint.addIngressAuthorization(`Local${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true }));
    const access = new Stack(app, 'Access', { env: { account: '123456789012', region: 'us-east-1' } });
    const remote = Array.from({ length: 12 }, (_, i) => new IngressAuthorization(access, `Rule${i}`, {
      endpoint, cidr: `10.${100 + i}.0.0/16`, authorizeAllGroups: true,
    }));
    expect(() => app.synth()).not.toThrow();

    const accessTemplate = templateOf(access);
    for (const id of Object.keys(accessTemplate.Resources)) {
      for (const dependency of dependsOn(accessTemplate, id)) {
        expect({ id, dependency, inStack: dependency in accessTemplate.Resources }).toEqual({ id, dependency, inStack: true });
      }
    }
    expect(access.dependencies).toContain(f.stack);
    // The other stack's rules have lanes of their own, within that stack.
    const ids = remote.map((rule) => logicalId(access, rule));
    const lanes = lanesOf(accessTemplate, ids, []);
    expect(lanes.heads).toEqual(ids.slice(0, 10));
    expect(dependsOn(accessTemplate, ids[10])).toEqual([ids[0]]);
    // The endpoint's own stack keeps its lanes: its rules still wait for the associations.
    const { lanes: localLanes } = readLanes(f.stack, endpoint, local);
    expect(localLanes.heads).toHaveLength(3);
  });

  test('lanes are per stack even when the rules of two stacks are added alternately', () => {
    const app = new App();
    const f = testStack(app, 'Network');
    const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: false });
    const access = new Stack(app, 'Access', { env: { account: '123456789012', region: 'us-east-1' } });
    const local: IngressAuthorization[] = [];
    const remote: IngressAuthorization[] = [];
    for (let i = 0; i < 12; i++) {
      local.push(endpoint.addIngressAuthorization(`Local${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true }));
      remote.push(new IngressAuthorization(access, `Rule${i}`, { endpoint, cidr: `10.${100 + i}.0.0/16`, authorizeAllGroups: true }));
    }
    expect(() => app.synth()).not.toThrow();
    const { lanes } = readLanes(f.stack, endpoint, local);
    expect(lanes.heads).toHaveLength(10);
    const accessTemplate = templateOf(access);
    const remoteLanes = lanesOf(accessTemplate, remote.map((rule) => logicalId(access, rule)), []);
    expect(remoteLanes.heads).toHaveLength(10);
  });

  test('a route added through the constructor joins the same lanes as addRoute and addIngressAuthorization', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: false });
    const operations = Array.from({ length: 10 }, (_, i) => endpoint.addIngressAuthorization(`Rule${i}`, { cidr: `10.${i}.0.0/16`, authorizeAllGroups: true }));
    const route = new ClientVpnRoute(f.stack, 'Route', {
      endpoint, cidr: '172.16.0.0/24', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0] as ec2.ISubnet),
    });
    const { template } = readLanes(f.stack, endpoint, [...operations, route]);
    expect(dependsOn(template, logicalId(f.stack, route))).toEqual([logicalId(f.stack, operations[0])]);
  });
});
