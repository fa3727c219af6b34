import { CfnElement, Fn, PropertyInjectors, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import {
  ClientVpnEndpoint,
  ClientVpnRouteTarget,
  ClientVpnTargetNetworkAssociation,
  ClientVpnTargetNetworkAssociationProps,
  IClientVpnEndpoint,
} from '../src';
import { Fixture, agnosticTestStack, createEndpoint, expectInvalid, testStack, transitGatewayProps } from './util';

const ASSOCIATION = 'AWS::EC2::ClientVpnTargetNetworkAssociation';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';
const ROUTE = 'AWS::EC2::ClientVpnRoute';
const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function importedEndpoint(stack: Stack): IClientVpnEndpoint {
  return ClientVpnEndpoint.fromClientVpnEndpointAttributes(stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
}

/** An endpoint in the fixture's VPC associated with the first private subnet only (us-east-1's first zone). */
function oneSubnetEndpoint(f: Fixture): ClientVpnEndpoint {
  return createEndpoint(f, { vpcSubnets: { subnets: [f.vpc.privateSubnets[0]] } });
}

function associate(scope: IConstruct, props: ClientVpnTargetNetworkAssociationProps, id = 'Association'): ClientVpnTargetNetworkAssociation {
  return new ClientVpnTargetNetworkAssociation(scope, id, props);
}

function only(template: Template, type: string): any {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('ClientVpnTargetNetworkAssociation reaches the template', () => {
  test('a subnet becomes SubnetId, with nothing else', () => {
    const f = testStack();
    const endpoint = oneSubnetEndpoint(f);
    const association = associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[1] });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ASSOCIATION, 2);
    expect(template.findResources(ASSOCIATION)[logicalId(f.stack, association)].Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
      SubnetId: { Ref: logicalId(f.stack, f.vpc.privateSubnets[1]) },
    });
  });

  test('an Availability Zone becomes AvailabilityZone, for a transit gateway endpoint', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f, {}));
    associate(f.stack, { endpoint, availabilityZone: 'us-east-1a' });
    expect(only(Template.fromStack(f.stack), ASSOCIATION).Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
      AvailabilityZone: 'us-east-1a',
    });
  });

  test('an Availability Zone id becomes AvailabilityZoneId', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f, { availabilityZoneIds: ['use1-az1'] }));
    associate(f.stack, { endpoint, availabilityZoneId: 'use1-az2' });
    Template.fromStack(f.stack).hasResourceProperties(ASSOCIATION, Match.objectEquals({
      ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
      AvailabilityZoneId: 'use1-az2',
    }));
  });

  test('an imported endpoint is named by its literal id', () => {
    const { stack } = testStack();
    associate(stack, { endpoint: importedEndpoint(stack), subnet: ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-0123456789abcdef0') });
    expect(only(Template.fromStack(stack), ASSOCIATION).Properties).toEqual({
      ClientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      SubnetId: 'subnet-0123456789abcdef0',
    });
  });

  test('associationId is the association\'s Ref', () => {
    const f = testStack();
    const association = associate(f.stack, { endpoint: oneSubnetEndpoint(f), subnet: f.vpc.privateSubnets[1] });
    expect(f.stack.resolve(association.associationId)).toEqual({ Ref: logicalId(f.stack, association) });
  });

  test.each<[string, (stack: Stack) => Partial<ClientVpnTargetNetworkAssociationProps>, Record<string, unknown>]>([
    ['a subnet with a token id', (stack) => ({ subnet: ec2.Subnet.fromSubnetId(stack, 'Subnet', Fn.importValue('SubnetId')) }),
      { SubnetId: { 'Fn::ImportValue': 'SubnetId' } }],
    ['a token zone', () => ({ availabilityZone: Fn.importValue('Zone') }), { AvailabilityZone: { 'Fn::ImportValue': 'Zone' } }],
    ['a token zone id', () => ({ availabilityZoneId: Fn.importValue('ZoneId') }), { AvailabilityZoneId: { 'Fn::ImportValue': 'ZoneId' } }],
  ])('%s passes and is rendered as is', (_name, target, expected) => {
    const { stack } = testStack();
    associate(stack, { endpoint: importedEndpoint(stack), ...target(stack) });
    Template.fromStack(stack).hasResourceProperties(ASSOCIATION, expected);
  });
});

describe('ClientVpnTargetNetworkAssociation joins the endpoint\'s target networks', () => {
  test('rules and routes created before and after it wait for it, with the endpoint\'s own associations', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [f.vpc.privateSubnets[0]] }, authorizeAllUsersToVpcCidr: false });
    const rule = endpoint.addIngressAuthorization('Before', { cidr: '10.0.0.0/16', authorizeAllGroups: true });
    const association = associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[1] });
    const route = endpoint.addRoute('After', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[1]) });
    const template = Template.fromStack(f.stack);
    const expected = [logicalId(f.stack, association), f.stack.getLogicalId(endpoint.node.findChild('Association0') as CfnElement)].sort();
    expect([...template.findResources(RULE)[logicalId(f.stack, rule)].DependsOn].sort()).toEqual(expected);
    expect([...template.findResources(ROUTE)[logicalId(f.stack, route)].DependsOn].sort()).toEqual(expected);
  });

  test('the default authorization rule of an endpoint without subnets waits for an association added later', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] } });
    const association = associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[0] });
    expect(only(Template.fromStack(f.stack), RULE).DependsOn).toEqual([logicalId(f.stack, association)]);
  });

  test('a zone association of a transit gateway endpoint is waited for by its routes', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f, {}));
    const association = associate(f.stack, { endpoint, availabilityZone: 'us-east-1a' });
    endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.transitGateway() });
    expect(only(Template.fromStack(f.stack), ROUTE).DependsOn).toEqual([logicalId(f.stack, association)]);
  });

  test('on an imported endpoint, rules and routes wait for the associations added in the app', () => {
    const { stack } = testStack();
    const endpoint = importedEndpoint(stack);
    const association = associate(stack, { endpoint, subnet: ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-0123456789abcdef0') });
    endpoint.addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', authorizeAllGroups: true });
    endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.local() });
    const template = Template.fromStack(stack);
    expect(only(template, RULE).DependsOn).toEqual([logicalId(stack, association)]);
    expect(only(template, ROUTE).DependsOn).toEqual([logicalId(stack, association)]);
  });

  test('aws-cdk-lib\'s ec2.ClientVpnRoute waits for it too', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] }, authorizeAllUsersToVpcCidr: false });
    const association = associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[0] });
    new ec2.ClientVpnRoute(f.stack, 'Route', {
      clientVpnEndpoint: endpoint,
      cidr: '192.168.0.0/16',
      target: ec2.ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]),
    });
    expect(only(Template.fromStack(f.stack), ROUTE).DependsOn).toEqual([logicalId(f.stack, association)]);
  });

  test('an association in another stack does not join: the endpoint\'s rules do not wait across stacks, and both stacks synthesize', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [f.vpc.privateSubnets[0]] } });
    const other = new Stack(f.app, 'Other', { env: { account: '123456789012', region: 'us-east-1' } });
    const subnet = ec2.Subnet.fromSubnetAttributes(other, 'Subnet', { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1b' });
    associate(other, { endpoint, subnet });
    const otherTemplate = Template.fromStack(other);
    otherTemplate.hasResourceProperties(ASSOCIATION, { ClientVpnEndpointId: { 'Fn::ImportValue': Match.anyValue() }, SubnetId: 'subnet-0123456789abcdef0' });
    expect(only(Template.fromStack(f.stack), RULE).DependsOn).toEqual([f.stack.getLogicalId(endpoint.node.findChild('Association0') as CfnElement)]);
  });

  test('a route through the added subnet is accepted: it is now a target network of the endpoint', () => {
    const f = testStack();
    const endpoint = oneSubnetEndpoint(f);
    const target = ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[1]);
    expectInvalid(() => endpoint.addRoute('Before', { cidr: '192.168.0.0/16', target }), 'target', 'the subnet at Test/Vpc/PrivateSubnet2');
    associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[1] });
    endpoint.addRoute('After', { cidr: '192.168.0.0/16', target });
    Template.fromStack(f.stack).hasResourceProperties(ROUTE, { TargetVpcSubnetId: { Ref: logicalId(f.stack, f.vpc.privateSubnets[1]) } });
  });

  // BUG: the endpoint warned when it was created, before the association existed; the warning stays.
  test('an endpoint created without target networks does not warn once an association is added', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] } });
    associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[0] });
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });
});

describe('ClientVpnTargetNetworkAssociation is validated', () => {
  test.each<[string, (f: Fixture) => Partial<ClientVpnTargetNetworkAssociationProps>, string]>([
    ['none of subnet, availabilityZone and availabilityZoneId', () => ({}), 'got []'],
    ['a subnet and a zone', (f) => ({ subnet: f.vpc.privateSubnets[1], availabilityZone: 'us-east-1a' }), 'got ["subnet","availabilityZone"]'],
    ['a zone and a zone id', () => ({ availabilityZone: 'us-east-1a', availabilityZoneId: 'use1-az1' }), 'got ["availabilityZone","availabilityZoneId"]'],
  ])('%s is rejected: exactly one is required', (_name, target, received) => {
    const f = testStack();
    const endpoint = importedEndpoint(f.stack);
    const error = expectInvalid(() => associate(f.stack, { endpoint, ...target(f) }), 'subnet', received);
    expect(error.message).toContain('`availabilityZone`');
    expect(error.message).toContain('`availabilityZoneId`');
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['an object that is not an endpoint', { endpointId: 'cvpn-endpoint-0123456789abcdef0' }],
  ])('an endpoint that is %s is rejected', (_name, endpoint) => {
    const { stack } = testStack();
    expectInvalid(() => associate(stack, { endpoint: endpoint as IClientVpnEndpoint, availabilityZone: 'us-east-1a' }), 'endpoint', 'got ');
  });

  test.each(['availabilityZone', 'availabilityZoneId'])('an empty %s is rejected', (prop) => {
    const { stack } = testStack();
    expectInvalid(() => associate(stack, { endpoint: importedEndpoint(stack), [prop]: '' }), prop, "got ''");
  });

  test('a subnet that is not a subnet is rejected', () => {
    const { stack } = testStack();
    expectInvalid(() => associate(stack, { endpoint: importedEndpoint(stack), subnet: { subnetId: 5 } as unknown as ec2.ISubnet }), 'subnet', 'got ');
  });

  describe('the rules of target subnets', () => {
    test('a subnet smaller than /27 is rejected, on an imported endpoint too', () => {
      const { stack } = testStack();
      const subnet = ec2.Subnet.fromSubnetAttributes(stack, 'Small', { subnetId: 'subnet-0123456789abcdef0', ipv4CidrBlock: '10.0.0.0/28' });
      const error = expectInvalid(() => associate(stack, { endpoint: importedEndpoint(stack), subnet }), 'subnet', "got '10.0.0.0/28'");
      expect(error.message).toContain('/27');
    });

    test('a /27 subnet passes', () => {
      const { stack } = testStack();
      const subnet = ec2.Subnet.fromSubnetAttributes(stack, 'Subnet', { subnetId: 'subnet-0123456789abcdef0', ipv4CidrBlock: '10.0.0.0/27' });
      associate(stack, { endpoint: importedEndpoint(stack), subnet });
      Template.fromStack(stack).resourceCountIs(ASSOCIATION, 1);
    });

    test('a subnet whose block is a token passes', () => {
      const { stack } = testStack();
      const subnet = ec2.Subnet.fromSubnetAttributes(stack, 'Subnet', { subnetId: 'subnet-0123456789abcdef0', ipv4CidrBlock: Fn.importValue('Block') });
      associate(stack, { endpoint: importedEndpoint(stack), subnet });
      Template.fromStack(stack).resourceCountIs(ASSOCIATION, 1);
    });

    test('a subnet whose id is a list token is rejected: it cannot become one association per subnet', () => {
      const { stack } = testStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'ImportedVpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['us-east-1a'],
        privateSubnetIds: Fn.split(',', Fn.importValue('SubnetIds')),
      });
      expectInvalid(() => associate(stack, { endpoint: importedEndpoint(stack), subnet: vpc.privateSubnets[0] }), 'subnet', "got '#{Token[");
    });
  });

  describe('against an endpoint of this app', () => {
    test('a subnet is rejected for a transit gateway endpoint', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, transitGatewayProps(f, {}));
      const error = expectInvalid(() => associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[0] }), 'subnet',
        "got 'the subnet at Test/Vpc/PrivateSubnet1'");
      expect(error.message).toContain('transit gateway');
    });

    test.each<[string, Partial<ClientVpnTargetNetworkAssociationProps>, string]>([
      ['availabilityZone', { availabilityZone: 'us-east-1a' }, "got 'us-east-1a'"],
      ['availabilityZoneId', { availabilityZoneId: 'use1-az1' }, "got 'use1-az1'"],
    ])('%s is rejected for an endpoint in a VPC', (prop, target, received) => {
      const f = testStack();
      const endpoint = oneSubnetEndpoint(f);
      const error = expectInvalid(() => associate(f.stack, { endpoint, ...target }), prop, received);
      expect(error.message).toContain('`subnet`');
    });

    test('a subnet in a zone that already has a target subnet is rejected, naming both', () => {
      const f = testStack();
      const endpoint = oneSubnetEndpoint(f);
      const error = expectInvalid(() => associate(f.stack, { endpoint, subnet: f.vpc.publicSubnets[0] }), 'subnet',
        "got 'the subnet at Test/Vpc/PublicSubnet1'");
      expect(error.message).toContain('Test/Vpc/PrivateSubnet1');
    });

    test('a second association in the zone of an earlier one is rejected', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] } });
      associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[1] }, 'First');
      expectInvalid(() => associate(f.stack, { endpoint, subnet: f.vpc.publicSubnets[1] }, 'Second'), 'subnet', 'PublicSubnet2');
    });

    test('zones that are the same unresolved expression (an environment-agnostic stack) are the same zone', () => {
      const f = agnosticTestStack();
      const endpoint = oneSubnetEndpoint(f);
      expect(f.stack.resolve(f.vpc.publicSubnets[0].availabilityZone)).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
      expectInvalid(() => associate(f.stack, { endpoint, subnet: f.vpc.publicSubnets[0] }), 'subnet', 'PublicSubnet1');
      associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[1] }, 'OtherZone');
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });

    test('imported subnets whose zones are different tokens pass', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] } });
      for (const name of ['A', 'B']) {
        const subnet = ec2.Subnet.fromSubnetAttributes(f.stack, `Subnet${name}`, { subnetId: `subnet-${name.toLowerCase()}1234567`, availabilityZone: Fn.importValue(`Zone${name}`) });
        associate(f.stack, { endpoint, subnet }, `Association${name}`);
      }
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });

    test('imported subnets without a zone pass', () => {
      const f = testStack();
      const endpoint = oneSubnetEndpoint(f);
      associate(f.stack, { endpoint, subnet: ec2.Subnet.fromSubnetId(f.stack, 'Subnet', 'subnet-0123456789abcdef0') });
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });

    test('on an imported endpoint, whose target networks are unknown, two subnets of one zone pass', () => {
      const f = testStack();
      const endpoint = importedEndpoint(f.stack);
      associate(f.stack, { endpoint, subnet: f.vpc.privateSubnets[0] }, 'First');
      associate(f.stack, { endpoint, subnet: f.vpc.publicSubnets[0] }, 'Second');
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });
  });
});

describe('property injection', () => {
  test('PROPERTY_INJECTION_ID is stable', () => {
    expect(ClientVpnTargetNetworkAssociation.PROPERTY_INJECTION_ID).toBe('cdk-client-vpn.ClientVpnTargetNetworkAssociation');
  });

  test('an injected prop reaches the template, and injected props are validated', () => {
    const f = testStack();
    PropertyInjectors.of(f.app).add({
      constructUniqueId: ClientVpnTargetNetworkAssociation.PROPERTY_INJECTION_ID,
      inject: (props: ClientVpnTargetNetworkAssociationProps) => ({ ...props, availabilityZoneId: props.availabilityZoneId ?? 'use1-az4' }),
    });
    const endpoint = importedEndpoint(f.stack);
    expectInvalid(() => associate(f.stack, { endpoint, availabilityZone: 'us-east-1a' }, 'Rejected'),
      'subnet', 'got ["availabilityZone","availabilityZoneId"]');
    associate(f.stack, { endpoint });
    Template.fromStack(f.stack).hasResourceProperties(ASSOCIATION, Match.objectEquals({ ClientVpnEndpointId: IMPORTED_ENDPOINT_ID, AvailabilityZoneId: 'use1-az4' }));
  });
});
