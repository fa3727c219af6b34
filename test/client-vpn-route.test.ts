import { CfnElement, Fn, PropertyInjectors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnRoute,
  ClientVpnRouteProps,
  ClientVpnRouteTarget,
  IClientVpnEndpoint,
} from '../src';
import { expectInvalid, minimalProps, testStack, transitGatewayProps } from './util';

const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
const ROUTE = 'AWS::EC2::ClientVpnRoute';

/** A fixture with an endpoint associated with the VPC's private subnets (the default). */
function setup(overrides: (fixture: ReturnType<typeof testStack>) => Partial<ClientVpnEndpointProps> = () => ({})) {
  const fixture = testStack();
  const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), ...overrides(fixture) });
  return { ...fixture, endpoint };
}

function importedEndpoint(stack: Stack): IClientVpnEndpoint {
  return ClientVpnEndpoint.fromClientVpnEndpointAttributes(stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
}

function onlyRoute(stack: Stack): any {
  const found = Object.values(Template.fromStack(stack).findResources(ROUTE));
  expect(found).toHaveLength(1);
  return found[0];
}

function ref(stack: Stack, construct: { node: { defaultChild?: unknown } }) {
  return { Ref: stack.getLogicalId(construct.node.defaultChild as CfnElement) };
}

function associationIds(stack: Stack, endpoint: ClientVpnEndpoint): string[] {
  return endpoint.node.children
    .filter((child): child is ec2.CfnClientVpnTargetNetworkAssociation => child instanceof ec2.CfnClientVpnTargetNetworkAssociation)
    .map((association) => stack.getLogicalId(association))
    .sort();
}

describe('ClientVpnRoute', () => {
  test('renders every prop on AWS::EC2::ClientVpnRoute', () => {
    const { stack, endpoint, vpc } = setup();
    new ClientVpnRoute(stack, 'Route', {
      endpoint,
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]),
      description: 'On-premises through the VPC',
    });
    expect(onlyRoute(stack).Properties).toEqual({
      ClientVpnEndpointId: ref(stack, endpoint),
      DestinationCidrBlock: '192.168.0.0/16',
      TargetVpcSubnetId: ref(stack, vpc.privateSubnets[0]),
      Description: 'On-premises through the VPC',
    });
  });

  test('leaves out Description when not given', () => {
    const { stack, endpoint, vpc } = setup();
    new ClientVpnRoute(stack, 'Route', { endpoint, cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[1]) });
    const properties = onlyRoute(stack).Properties;
    expect(properties).not.toHaveProperty('Description');
    expect(properties.TargetVpcSubnetId).toEqual(ref(stack, vpc.privateSubnets[1]));
  });

  test("ClientVpnRouteTarget.local() renders 'local'", () => {
    const { stack, endpoint } = setup();
    new ClientVpnRoute(stack, 'Route', { endpoint, cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() });
    expect(onlyRoute(stack).Properties.TargetVpcSubnetId).toBe('local');
  });

  test('the targets expose the TargetVpcSubnetId they render', () => {
    const { stack, vpc } = testStack();
    expect(ClientVpnRouteTarget.local().targetVpcSubnetId).toBe('local');
    expect(stack.resolve(ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]).targetVpcSubnetId)).toEqual(ref(stack, vpc.privateSubnets[0]));
  });

  test('depends on every target network association of an endpoint defined in the app', () => {
    const { stack, endpoint, vpc } = setup();
    new ClientVpnRoute(stack, 'Route', { endpoint, cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]) });
    const associations = associationIds(stack, endpoint);
    expect(associations).toHaveLength(2);
    expect([...onlyRoute(stack).DependsOn].sort()).toEqual(associations);
  });

  test('works on an imported endpoint: literal id, no DependsOn', () => {
    const { stack, vpc } = testStack();
    new ClientVpnRoute(stack, 'Route', {
      endpoint: importedEndpoint(stack),
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]),
      description: 'Imported',
    });
    const route = onlyRoute(stack);
    expect(route.Properties).toEqual({
      ClientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      DestinationCidrBlock: '192.168.0.0/16',
      TargetVpcSubnetId: ref(stack, vpc.privateSubnets[0]),
      Description: 'Imported',
    });
    expect(route).not.toHaveProperty('DependsOn');
  });

  test('an imported endpoint takes any subnet, since its associations are unknown', () => {
    const { stack } = testStack();
    const subnet = ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-0123456789abcdef0');
    new ClientVpnRoute(stack, 'Route', { endpoint: importedEndpoint(stack), cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet(subnet) });
    expect(onlyRoute(stack).Properties.TargetVpcSubnetId).toBe('subnet-0123456789abcdef0');
  });
});

describe('ClientVpnRoute in the endpoint\'s operation lanes', () => {
  test('the first ten routes wait for the associations; the eleventh waits for the first route alone', () => {
    const { stack, endpoint, vpc } = setup(() => ({ authorizeAllUsersToVpcCidr: false }));
    const created = Array.from({ length: 11 }, (_, i) => new ClientVpnRoute(stack, `Route${i}`, {
      endpoint, cidr: `192.168.${i}.0/24`, target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[i % 2]),
    }));
    const rendered = Template.fromStack(stack).findResources(ROUTE);
    const ids = created.map((route) => ref(stack, route).Ref);
    for (const id of ids.slice(0, 10)) {
      expect([...rendered[id].DependsOn].sort()).toEqual(associationIds(stack, endpoint));
    }
    expect(rendered[ids[10]].DependsOn).toEqual([ids[0]]);
  });

  test('routes and rules share the lanes: a route after the default rule and nine rules waits for the default rule', () => {
    const { stack, endpoint, vpc } = setup();
    for (let i = 0; i < 9; i++) {
      endpoint.addIngressAuthorization(`Rule${i}`, { cidr: `10.${100 + i}.0.0/16`, authorizeAllGroups: true });
    }
    const route = endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]) });
    const defaultRule = endpoint.node.findChild('AuthorizeAll');
    expect(onlyRoute(stack).DependsOn).toEqual([ref(stack, defaultRule).Ref]);
    expect(route.node.scope).toBe(endpoint);
  });

  test('on an imported endpoint, the eleventh route waits for the first', () => {
    const { stack } = testStack();
    const endpoint = importedEndpoint(stack);
    const created = Array.from({ length: 11 }, (_, i) => endpoint.addRoute(`Route${i}`, {
      cidr: `192.168.${i}.0/24`, target: ClientVpnRouteTarget.subnet(ec2.Subnet.fromSubnetId(stack, `Subnet${i}`, 'subnet-0123456789abcdef0')),
    }));
    const rendered = Template.fromStack(stack).findResources(ROUTE);
    const ids = created.map((route) => ref(stack, route).Ref);
    expect(ids.slice(0, 10).map((id) => rendered[id].DependsOn)).toEqual(Array(10).fill(undefined));
    expect(rendered[ids[10]].DependsOn).toEqual([ids[0]]);
  });
});

describe('addRoute', () => {
  test('adds a route to the endpoint with every option', () => {
    const { stack, endpoint, vpc } = setup();
    const route = endpoint.addRoute('OnPremises', {
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[1]),
      description: 'On-premises',
    });
    expect(route).toBeInstanceOf(ClientVpnRoute);
    expect(route.node.scope).toBe(endpoint);
    const rendered = onlyRoute(stack);
    expect(rendered.Properties).toEqual({
      ClientVpnEndpointId: ref(stack, endpoint),
      DestinationCidrBlock: '192.168.0.0/16',
      TargetVpcSubnetId: ref(stack, vpc.privateSubnets[1]),
      Description: 'On-premises',
    });
    expect([...rendered.DependsOn].sort()).toEqual(associationIds(stack, endpoint));
  });

  test('works on an imported endpoint', () => {
    const { stack } = testStack();
    importedEndpoint(stack).addRoute('Local', { cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() });
    const route = onlyRoute(stack);
    expect(route.Properties).toEqual({ ClientVpnEndpointId: IMPORTED_ENDPOINT_ID, DestinationCidrBlock: '10.0.0.0/16', TargetVpcSubnetId: 'local' });
    expect(route).not.toHaveProperty('DependsOn');
  });
});

describe('validation', () => {
  /** Creates a route on an endpoint associated with the private subnets, through the first one unless told. */
  function create(options: Partial<ClientVpnRouteProps>) {
    const { stack, endpoint, vpc } = setup();
    new ClientVpnRoute(stack, 'Route', {
      endpoint,
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]),
      ...options,
    } as ClientVpnRouteProps);
    return stack;
  }

  describe('cidr', () => {
    test.each([
      ['not a CIDR', 'on-premises'],
      ['an address without a prefix', '192.168.0.0'],
      ['a prefix over 32', '192.168.0.0/40'],
      ['an empty string', ''],
    ])('rejects %s', (_, cidr) => {
      expect(() => create({ cidr })).toThrow(`\`cidr\` must be an IPv4 or IPv6 network in CIDR notation, such as 10.0.0.0/16, got '${cidr}'`);
    });

    test('rejects host bits, suggesting the network', () => {
      expect(() => create({ cidr: '192.168.1.1/16' })).toThrow(
        "`cidr` must be a network address with no host bits set (did you mean 192.168.0.0/16?), got '192.168.1.1/16'",
      );
    });

    test('rejects an IPv6 network with host bits', () => {
      expect(() => create({ cidr: '2001:db8::1/64' })).toThrow(/`cidr` must be a network address with no host bits set \(did you mean 2001:db8::\/64\?\)/);
    });

    test('accepts an IPv6 network', () => {
      expect(onlyRoute(create({ cidr: '2001:db8::/32' })).Properties.DestinationCidrBlock).toBe('2001:db8::/32');
    });

    test('rejects a missing cidr', () => {
      const { stack, endpoint } = setup();
      expect(() => new ClientVpnRoute(stack, 'Route', { endpoint, target: ClientVpnRouteTarget.local() } as any)).toThrow(/^Test\/Route: `cidr` is required.*got undefined$/);
    });

    test('passes a token', () => {
      const stack = create({ cidr: Fn.importValue('OnPremisesCidr') });
      expect(onlyRoute(stack).Properties.DestinationCidrBlock).toEqual({ 'Fn::ImportValue': 'OnPremisesCidr' });
    });

    test('accepts 0.0.0.0/0: an internet route through a public subnet associated with the endpoint', () => {
      const { stack, endpoint, vpc } = setup(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }));
      endpoint.addRoute('Internet', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet(vpc.publicSubnets[0]) });
      expect(onlyRoute(stack).Properties).toEqual({
        ClientVpnEndpointId: ref(stack, endpoint),
        DestinationCidrBlock: '0.0.0.0/0',
        TargetVpcSubnetId: ref(stack, vpc.publicSubnets[0]),
      });
    });
  });

  describe('cidr against the endpoint\'s client CIDR block (10.100.0.0/22)', () => {
    test.each(['10.100.1.0/24', '10.100.0.0/23', '10.100.3.255/32'])('rejects %s, inside the client block', (cidr) => {
      const error = expectInvalid(() => create({ cidr }), 'cidr', `got '${cidr}'`);
      expect(error.message).toContain('client CIDR block 10.100.0.0/22');
    });

    test('rejects a route inside the client block through the local target too', () => {
      expectInvalid(() => create({ cidr: '10.100.2.0/24', target: ClientVpnRouteTarget.local() }), 'cidr', "got '10.100.2.0/24'");
    });

    test('accepts exactly the client block: the documented client-to-client route', () => {
      const stack = create({ cidr: '10.100.0.0/22', target: ClientVpnRouteTarget.local() });
      expect(onlyRoute(stack).Properties).toMatchObject({ DestinationCidrBlock: '10.100.0.0/22', TargetVpcSubnetId: 'local' });
    });

    test.each(['0.0.0.0/0', '10.0.0.0/8', '10.100.0.0/16'])('accepts %s, which contains the client block', (cidr) => {
      expect(onlyRoute(create({ cidr })).Properties.DestinationCidrBlock).toBe(cidr);
    });

    test.each(['10.100.4.0/24', '10.99.255.0/24'])('accepts %s, beside the client block', (cidr) => {
      expect(onlyRoute(create({ cidr })).Properties.DestinationCidrBlock).toBe(cidr);
    });

    test('accepts an IPv6 route: it cannot overlap an IPv4 client block', () => {
      expect(onlyRoute(create({ cidr: '2001:db8::/64' })).Properties.DestinationCidrBlock).toBe('2001:db8::/64');
    });

    test('passes a token route', () => {
      expect(onlyRoute(create({ cidr: Fn.importValue('Inside') })).Properties.DestinationCidrBlock).toEqual({ 'Fn::ImportValue': 'Inside' });
    });

    test('passes any route when the client block is a token', () => {
      const { stack, endpoint, vpc } = setup(() => ({ clientCidrBlock: Fn.importValue('ClientCidr') }));
      endpoint.addRoute('Route', { cidr: '10.100.1.0/24', target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]) });
      expect(onlyRoute(stack).Properties.DestinationCidrBlock).toBe('10.100.1.0/24');
    });

    test('is not checked on an imported endpoint, whose client block is unknown', () => {
      const { stack } = testStack();
      importedEndpoint(stack).addRoute('Route', { cidr: '10.100.1.0/24', target: ClientVpnRouteTarget.local() });
      expect(onlyRoute(stack).Properties.DestinationCidrBlock).toBe('10.100.1.0/24');
    });

    test('is checked on a transit gateway endpoint too', () => {
      const fixture = testStack();
      const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', transitGatewayProps(fixture));
      expectInvalid(() => endpoint.addRoute('Route', { cidr: '10.100.1.0/24', target: ClientVpnRouteTarget.transitGateway() }),
        'cidr', "got '10.100.1.0/24'");
    });
  });

  describe('target', () => {
    test('rejects a subnet of the app that is not associated with the endpoint', () => {
      const { endpoint, vpc } = setup();
      expect(() => endpoint.addRoute('Internet', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet(vpc.publicSubnets[0]) })).toThrow(
        /^Test\/Endpoint\/Internet: `target` must be a subnet associated with the endpoint as a target network/,
      );
    });

    // The contract: the message names the value received. For subnets defined in the app the ids are
    // tokens, and their placeholders ('${Token[TOKEN.23]}') tell the reader nothing.
    test('names the subnets readably, not as token placeholders', () => {
      const { endpoint, vpc } = setup();
      let message = '';
      try {
        endpoint.addRoute('Internet', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet(vpc.publicSubnets[0]) });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Test\/Endpoint\/Internet: `target` must be a subnet associated with the endpoint/);
      expect(message).not.toContain('${Token[');
    });

    test('rejects a private subnet when only public subnets are associated', () => {
      const { endpoint, vpc } = setup(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }));
      expect(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]) })).toThrow(
        /`target` must be a subnet associated with the endpoint/,
      );
    });

    test('rejects a subnet of another VPC in the app', () => {
      const { stack, endpoint } = setup();
      const other = new ec2.Vpc(stack, 'Other', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 1, natGateways: 0 });
      expect(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(other.publicSubnets[0]) })).toThrow(
        /`target` must be a subnet associated with the endpoint/,
      );
    });

    test('rejects a literal subnet id that differs from the literal ids of the associated subnets', () => {
      const fixture = testStack();
      const vpc = ec2.Vpc.fromVpcAttributes(fixture.stack, 'ImportedVpc', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-aaaaaaaaaaaaaaaaa', 'subnet-bbbbbbbbbbbbbbbbb'],
      });
      const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), vpc });
      const stranger = ec2.Subnet.fromSubnetId(fixture.stack, 'Stranger', 'subnet-ccccccccccccccccc');
      expect(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(stranger) })).toThrow(
        "`target` must be a subnet associated with the endpoint as a target network (subnet-aaaaaaaaaaaaaaaaa, subnet-bbbbbbbbbbbbbbbbb), got 'subnet-ccccccccccccccccc'",
      );
      const associated = ec2.Subnet.fromSubnetId(fixture.stack, 'Associated', 'subnet-bbbbbbbbbbbbbbbbb');
      endpoint.addRoute('Ok', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(associated) });
      expect(onlyRoute(fixture.stack).Properties.TargetVpcSubnetId).toBe('subnet-bbbbbbbbbbbbbbbbb');
    });

    test('passes an imported subnet whose id is a token', () => {
      const { stack, endpoint } = setup();
      const subnet = ec2.Subnet.fromSubnetId(stack, 'Imported', Fn.importValue('SubnetId'));
      endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(subnet) });
      expect(onlyRoute(stack).Properties.TargetVpcSubnetId).toEqual({ 'Fn::ImportValue': 'SubnetId' });
    });

    test('passes a literal subnet id when the associated subnets are defined in the app', () => {
      const { stack, endpoint } = setup();
      const subnet = ec2.Subnet.fromSubnetId(stack, 'Imported', 'subnet-0123456789abcdef0');
      endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(subnet) });
      expect(onlyRoute(stack).Properties.TargetVpcSubnetId).toBe('subnet-0123456789abcdef0');
    });

    test('accepts the local target on an endpoint defined in the app', () => {
      expect(onlyRoute(create({ cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() })).Properties.TargetVpcSubnetId).toBe('local');
    });

    test.each([
      ['an object not made by the factory', {}, 'got {}'],
      ['a plain object shaped like a target', { targetVpcSubnetId: 'subnet-0123456789abcdef0' }, 'got {"targetVpcSubnetId":"subnet-0123456789abcdef0"}'],
      ['a subnet id string', 'subnet-0123456789abcdef0', "got 'subnet-0123456789abcdef0'"],
      ['undefined', undefined, 'got undefined'],
    ])('rejects %s', (_, target, received) => {
      expect(() => create({ target: target as any })).toThrow(
        `\`target\` must be made with \`ClientVpnRouteTarget.subnet()\`, \`ClientVpnRouteTarget.local()\` or \`ClientVpnRouteTarget.transitGateway()\`, ${received}`,
      );
    });

    test.each([
      ['undefined', undefined, 'got undefined'],
      ['null', null, 'got null'],
      ['an object without a subnet id', {}, 'got {}'],
    ])('ClientVpnRouteTarget.subnet rejects %s', (_, subnet, received) => {
      expect(() => ClientVpnRouteTarget.subnet(subnet as any)).toThrow(`\`target\` must be an ec2.ISubnet, ${received}`);
    });
  });

  describe('description', () => {
    test('rejects a non-string', () => {
      expect(() => create({ description: 7 as any })).toThrow('`description` must be a string, got 7');
    });

    test('passes a token', () => {
      expect(onlyRoute(create({ description: Fn.importValue('Description') })).Properties.Description).toEqual({ 'Fn::ImportValue': 'Description' });
    });
  });

  describe('endpoint', () => {
    test.each([
      ['undefined', undefined, 'got undefined'],
      ['an object that is not an endpoint', { id: 'cvpn' }, 'got {"id":"cvpn"}'],
    ])('rejects %s', (_, endpoint, received) => {
      const { stack } = testStack();
      expect(() => new ClientVpnRoute(stack, 'Route', { endpoint: endpoint as any, cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() })).toThrow(
        `\`endpoint\` must be a Client VPN endpoint (IClientVpnEndpoint), ${received}`,
      );
    });
  });
});

describe('property injection', () => {
  test('a default description injected on the app reaches the template', () => {
    const fixture = testStack();
    const seen: string[] = [];
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: ClientVpnRoute.PROPERTY_INJECTION_ID,
      inject: (props, context) => {
        seen.push(context.id);
        return { description: 'Managed by the platform team', ...props };
      },
    });
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', minimalProps(fixture));
    endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(fixture.vpc.privateSubnets[0]) });
    expect(onlyRoute(fixture.stack).Properties.Description).toBe('Managed by the platform team');
    expect(seen).toEqual(['Route']);
  });

  test('an explicit description wins over the injected default', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: ClientVpnRoute.PROPERTY_INJECTION_ID,
      inject: (props) => ({ description: 'Managed by the platform team', ...props }),
    });
    importedEndpoint(fixture.stack).addRoute('Route', { cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local(), description: 'Mine' });
    expect(onlyRoute(fixture.stack).Properties.Description).toBe('Mine');
  });

  test('injected props are validated', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.stack).add({
      constructUniqueId: ClientVpnRoute.PROPERTY_INJECTION_ID,
      inject: (props) => ({ ...props, cidr: 'everywhere' }),
    });
    expect(() => importedEndpoint(fixture.stack).addRoute('Route', { cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() })).toThrow(
      "`cidr` must be an IPv4 or IPv6 network in CIDR notation, such as 10.0.0.0/16, got 'everywhere'",
    );
  });

  test('injectors for other constructs are ignored', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: 'cdk-client-vpn.IngressAuthorization',
      inject: (props) => ({ ...props, description: 'for rules' }),
    });
    importedEndpoint(fixture.stack).addRoute('Route', { cidr: '10.0.0.0/16', target: ClientVpnRouteTarget.local() });
    expect(onlyRoute(fixture.stack).Properties).not.toHaveProperty('Description');
  });
});
