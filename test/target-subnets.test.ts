import { Annotations as CoreAnnotations, App, Fn, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClientVpnEndpoint } from '../src';
import { PropsFor, agnosticTestStack, createEndpoint, expectInvalid, expectRejected, minimalProps, testStack } from './util';

const ASSOCIATION = 'AWS::EC2::ClientVpnTargetNetworkAssociation';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';
const NO_TARGET_NETWORKS = 'cdk-client-vpn:noTargetNetworks';
const NO_TARGETS_WARNING = Match.stringLikeRegexp(
  `^Test/Endpoint has no target networks: it waits in pending-associate and no client can connect until a subnet is associated \\[ack: ${NO_TARGET_NETWORKS}\\]$`);

/** A fresh fixture with one endpoint, and its synthesized template. */
function build(props: PropsFor = () => ({})) {
  const f = testStack();
  const endpoint = createEndpoint(f, props(f));
  return { ...f, endpoint, template: Template.fromStack(f.stack) };
}

/** A VPC of two zones whose private subnets have `cidrMask`. */
function vpcWithMask(stack: Stack, cidrMask: number, id = 'Masked'): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask }],
  });
}

/** A subnet id in EC2's format (17 hexadecimal digits), told apart by `name`. */
function subnetIdFor(name: string): string {
  return `subnet-${Buffer.from(name).toString('hex').padEnd(17, '0').slice(0, 17)}`;
}

function importedSubnet(stack: Stack, id: string, attrs: Partial<ec2.SubnetAttributes> = {}): ec2.ISubnet {
  return ec2.Subnet.fromSubnetAttributes(stack, id, { subnetId: subnetIdFor(id), ...attrs });
}

describe('an endpoint without target networks', () => {
  test.each<[string, PropsFor]>([
    ['an empty subnet list', () => ({ vpcSubnets: { subnets: [] } })],
    ['a filter that matches nothing', () => ({ vpcSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-00000000'])] } })],
    ['a zone the VPC does not have', () => ({ vpcSubnets: { availabilityZones: ['us-east-1z'] } })],
  ])('%s is a warning, not an error: no association, and the endpoint still exists', (_name, props) => {
    const f = build(props);
    f.template.resourceCountIs(ASSOCIATION, 0);
    f.template.resourceCountIs('AWS::EC2::ClientVpnEndpoint', 1);
    Annotations.fromStack(f.stack).hasWarning('/Test/Endpoint/Resource', NO_TARGETS_WARNING);
  });

  test('the default authorization rule is still created, waiting for nothing', () => {
    const f = build(() => ({ vpcSubnets: { subnets: [] } }));
    f.template.resourceCountIs(RULE, 1);
    f.template.hasResource(RULE, { DependsOn: Match.absent() });
  });

  test('the warning can be acknowledged on the endpoint', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { vpcSubnets: { subnets: [] } });
    CoreAnnotations.of(endpoint).acknowledgeWarning(NO_TARGET_NETWORKS, 'subnets are detached out of hours');
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });

  test('the warning can be acknowledged on the stack, before the endpoint is created', () => {
    const f = testStack();
    CoreAnnotations.of(f.stack).acknowledgeWarning(NO_TARGET_NETWORKS);
    createEndpoint(f, { vpcSubnets: { subnets: [] } });
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });

  test('an endpoint with target networks does not warn', () => {
    Annotations.fromStack(build().stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });

  test('the Vpc.fromLookup placeholder does not warn', () => {
    const app = new App();
    const stack = new Stack(app, 'Lookup', { env: { account: '123456789012', region: 'us-east-1' } });
    const certificates = testStack(app, 'Certificates');
    const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });
    new ClientVpnEndpoint(stack, 'Endpoint', { ...minimalProps({ ...certificates, vpc }), clientCidrBlock: '4.0.0.0/22' });
    // Before the lookup, aws-cdk-lib's stand-in ids are not real VPC and subnet ids.
    Validations.of(stack).acknowledge(
      { id: 'CloudFormation-Validate::E1151', reason: 'Vpc.fromLookup placeholder VPC id' },
      { id: 'CloudFormation-Validate::E1154', reason: 'Vpc.fromLookup placeholder subnet ids' },
    );
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });
});

describe('target subnets have at least a /27 block', () => {
  test('a VPC\'s /28 subnets (the smallest aws-cdk-lib makes) are rejected, naming the subnet and its block', () => {
    const f = testStack();
    const vpc = vpcWithMask(f.stack, 28);
    const error = expectInvalid(() => createEndpoint(f, { vpc }), 'vpcSubnets', "got '10.1.0.0/28'");
    expect(error.message).toContain('/27');
    expect(error.message).toContain('Test/Masked/IsolatedSubnet1');
  });

  test('the check applies to explicitly selected subnets too', () => {
    const f = testStack();
    const vpc = vpcWithMask(f.stack, 28);
    expectInvalid(() => createEndpoint(f, { vpc, vpcSubnets: { subnets: [vpc.isolatedSubnets[1]] } }), 'vpcSubnets', "got '10.1.0.16/28'");
  });

  test('/27 subnets pass', () => {
    const f = testStack();
    const vpc = vpcWithMask(f.stack, 27);
    createEndpoint(f, { vpc });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
  });

  test.each(['10.0.0.0/28', '10.0.0.0/32'])('an imported subnet with a literal %s block is rejected', (ipv4CidrBlock) => {
    expectRejected((f) => ({ vpcSubnets: { subnets: [importedSubnet(f.stack, 'Small', { ipv4CidrBlock, availabilityZone: 'us-east-1a' })] } }),
      'vpcSubnets', `got '${ipv4CidrBlock}'`);
  });

  test('an imported subnet whose block is a token passes', () => {
    const f = build((fx) => ({ vpcSubnets: { subnets: [importedSubnet(fx.stack, 'Token', { ipv4CidrBlock: Fn.importValue('Block') })] } }));
    f.template.hasResourceProperties(ASSOCIATION, { SubnetId: subnetIdFor('Token') });
  });

  test('an imported subnet without a block passes', () => {
    build((fx) => ({ vpcSubnets: { subnets: [ec2.Subnet.fromSubnetId(fx.stack, 'NoBlock', 'subnet-0123456789abcdef0')] } }))
      .template.hasResourceProperties(ASSOCIATION, { SubnetId: 'subnet-0123456789abcdef0' });
  });
});

describe('target subnets are not in a dedicated-tenancy VPC', () => {
  function dedicatedVpc(stack: Stack): ec2.Vpc {
    return new ec2.Vpc(stack, 'Dedicated', {
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      defaultInstanceTenancy: ec2.DefaultInstanceTenancy.DEDICATED,
    });
  }

  test('a dedicated-tenancy VPC of the app is rejected, naming it', () => {
    const error = expectRejected((f) => ({ vpc: dedicatedVpc(f.stack) }), 'vpc', "got 'Test/Dedicated'");
    expect(error.message).toContain('dedicated-tenancy');
  });

  test('a VPC with the default tenancy passes', () => {
    const f = testStack();
    const vpc = new ec2.Vpc(f.stack, 'Default', {
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 1, natGateways: 0, defaultInstanceTenancy: ec2.DefaultInstanceTenancy.DEFAULT,
    });
    createEndpoint(f, { vpc });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 1);
  });

  test('a token tenancy passes', () => {
    const f = testStack();
    const vpc = dedicatedVpc(f.stack);
    (vpc.node.defaultChild as ec2.CfnVPC).instanceTenancy = Lazy.string({ produce: () => 'dedicated' });
    createEndpoint(f, { vpc });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
  });

  test('an imported VPC, whose tenancy is unknown, passes', () => {
    const f = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(f.stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-aaaaaaaa'],
    });
    createEndpoint(f, { vpc });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 1);
  });
});

describe('at most one target subnet per Availability Zone, also when the zone is a token', () => {
  function twoGroups(stack: Stack): ec2.Vpc {
    return new ec2.Vpc(stack, 'TwoGroups', {
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'AppA', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        { name: 'AppB', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
  }

  test('in an environment-agnostic stack, two subnet groups without onePerAz are rejected: their zones are the same expression', () => {
    const f = agnosticTestStack();
    const vpc = twoGroups(f.stack);
    expect(f.stack.resolve(vpc.isolatedSubnets[0].availabilityZone)).toEqual(f.stack.resolve(vpc.isolatedSubnets[2].availabilityZone));
    const error = expectInvalid(() => createEndpoint(f, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
      'vpcSubnets', 'Agnostic/TwoGroups/AppBSubnet1');
    expect(error.message).toContain('one Availability Zone has');
    expect(error.message).toContain('Agnostic/TwoGroups/AppASubnet1');
    expect(error.message).toContain('`onePerAz: true`');
  });

  test('in an environment-agnostic stack, onePerAz passes, one association per zone', () => {
    const f = agnosticTestStack();
    const vpc = twoGroups(f.stack);
    createEndpoint(f, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true } });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
  });

  test('in an environment-agnostic stack, the default selection passes', () => {
    const f = agnosticTestStack();
    createEndpoint(f);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ASSOCIATION, 2);
  });

  test('imported subnets whose zone is the same token expression are rejected', () => {
    const f = testStack();
    // Two tokens, one expression: both resolve to { 'Fn::ImportValue': 'SharedZone' }.
    const subnets = ['A', 'B'].map((name) => importedSubnet(f.stack, name, { availabilityZone: Fn.importValue('SharedZone') }));
    const error = expectInvalid(() => createEndpoint(f, { vpcSubnets: { subnets } }), 'vpcSubnets', subnetIdFor('B'));
    expect(error.message).toContain(subnetIdFor('A'));
  });

  test('imported subnets whose zones are different tokens pass', () => {
    const f = testStack();
    const subnets = ['A', 'B'].map((name) => importedSubnet(f.stack, name, { availabilityZone: Fn.importValue(`Zone${name}`) }));
    createEndpoint(f, { vpcSubnets: { subnets } });
    Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
  });
});

describe('a list token as target subnets', () => {
  function listTokenVpc(stack: Stack, availabilityZones: string[] = ['us-east-1a']): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(stack, 'ListToken', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.1.0.0/16',
      availabilityZones,
      privateSubnetIds: Fn.split(',', Fn.importValue('SubnetIds')),
    });
  }

  test('is rejected when the construct is created, naming `vpcSubnets`', () => {
    const f = testStack();
    const vpc = listTokenVpc(f.stack);
    const error = expectInvalid(() => new ClientVpnEndpoint(f.stack, 'Endpoint', { ...minimalProps(f), vpc }), 'vpcSubnets', "got '#{Token[");
    expect(error.message).toContain('one by one');
  });

  test('is rejected with zones that are a list token too', () => {
    const f = testStack();
    expectInvalid(() => createEndpoint(f, { vpc: listTokenVpc(f.stack, Fn.getAzs()) }), 'vpcSubnets', "got '#{Token[");
  });

  test('subnet ids that are string tokens, one by one, pass', () => {
    const f = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(f.stack, 'Tokens', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.1.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: [Fn.importValue('SubnetA'), Fn.importValue('SubnetB')],
    });
    createEndpoint(f, { vpc });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ASSOCIATION, 2);
    template.hasResourceProperties(ASSOCIATION, { SubnetId: { 'Fn::ImportValue': 'SubnetB' } });
  });
});

describe('explicit subnets that are not subnets', () => {
  // A JavaScript or Python caller can pass anything; selectSubnets hands it back unchecked.
  test.each<[string, unknown[]]>([
    ['a number', [0]],
    ['a plain object with a subnet id', [{ subnetId: 'subnet-0123456789abcdef0' }]],
    ['a subnet id as a string', ['subnet-0123456789abcdef0']],
  ])('%s is rejected naming `vpcSubnets`, not a TypeError later', (_name, subnets) => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, { vpcSubnets: { subnets: subnets as ec2.ISubnet[] } }), 'vpcSubnets', 'got ');
    expect(error.message).toContain('must be a selection of ec2.ISubnet');
    expect(error).not.toBeInstanceOf(TypeError);
  });
});
