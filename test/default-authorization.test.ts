import { App, CfnElement, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ClientVpnEndpoint, ClientVpnEndpointProps, IpAddressType } from '../src';
import { CLIENT_ROOT_CERTIFICATE_ARN, createEndpoint, dualStackVpc, expectInvalid, importedVpc, minimalProps, SERVER_CERTIFICATE_ARN, testStack } from './util';

const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The IPv6 props: no client CIDR block (clients get addresses from the subnets). */
const IPV6: Partial<ClientVpnEndpointProps> = { clientCidrBlock: undefined, trafficIpAddressType: IpAddressType.IPV6 };
const DUAL_STACK: Partial<ClientVpnEndpointProps> = { trafficIpAddressType: IpAddressType.DUAL_STACK };

/** A fixture whose endpoint is in a dual-stack VPC, with `props` on top; `extra` runs before the endpoint is created. */
function buildDualStack(props: Partial<ClientVpnEndpointProps>, extra: (stack: Stack, vpc: ec2.Vpc) => void = () => undefined) {
  const f = testStack();
  const vpc = dualStackVpc(f.stack);
  extra(f.stack, vpc);
  const endpoint = createEndpoint(f, { vpc, ...props });
  return { ...f, vpc, endpoint, template: Template.fromStack(f.stack) };
}

/** The default rule under construct id `id`: its TargetNetworkCidr, and that it authorizes everyone. */
function ruleCidr(f: { stack: Stack; endpoint: ClientVpnEndpoint; template: Template }, id: string): unknown {
  const rule = f.template.findResources(RULE)[logicalId(f.stack, f.endpoint.node.findChild(id))];
  expect(rule.Properties).toMatchObject({ AuthorizeAllGroups: true, Description: 'Allow all users to the VPC' });
  return rule.Properties.TargetNetworkCidr;
}

function ipv6Block(stack: Stack, vpc: ec2.Vpc, index: number) {
  return { 'Fn::Select': [index, { 'Fn::GetAtt': [logicalId(stack, vpc), 'Ipv6CidrBlocks'] }] };
}

const trafficToken = (value: IpAddressType) => Lazy.string({ produce: () => value }) as IpAddressType;

describe('IPv4 traffic (the default)', () => {
  test('one rule, AuthorizeAll, to the VPC\'s IPv4 block', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(RULE, 1);
    const built = { ...f, endpoint, template };
    expect(ruleCidr(built, 'AuthorizeAll')).toEqual({ 'Fn::GetAtt': [logicalId(f.stack, f.vpc), 'CidrBlock'] });
  });

  test('in a dual-stack VPC, still only the IPv4 block', () => {
    const f = buildDualStack({ trafficIpAddressType: IpAddressType.IPV4 });
    f.template.resourceCountIs(RULE, 1);
    expect(ruleCidr(f, 'AuthorizeAll')).toEqual({ 'Fn::GetAtt': [logicalId(f.stack, f.vpc), 'CidrBlock'] });
  });
});

describe('IPv6 traffic', () => {
  test('one rule, AuthorizeAll, to the VPC\'s IPv6 block, read from its Ipv6CidrBlocks', () => {
    const f = buildDualStack(IPV6);
    f.template.resourceCountIs(RULE, 1);
    expect(ruleCidr(f, 'AuthorizeAll')).toEqual(ipv6Block(f.stack, f.vpc, 0));
  });

  test('one rule per IPv6 block: AuthorizeAll, AuthorizeAll1', () => {
    const f = buildDualStack(IPV6, (stack, vpc) => {
      new ec2.CfnVPCCidrBlock(stack, 'SecondIpv6', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    });
    f.template.resourceCountIs(RULE, 2);
    expect(ruleCidr(f, 'AuthorizeAll')).toEqual(ipv6Block(f.stack, f.vpc, 0));
    expect(ruleCidr(f, 'AuthorizeAll1')).toEqual(ipv6Block(f.stack, f.vpc, 1));
  });

  test.each<[string, Partial<ec2.CfnVPCCidrBlockProps>]>([
    ['an IPv6 block from an IPAM pool', { ipv6IpamPoolId: 'ipam-pool-0123456789abcdef0', ipv6NetmaskLength: 56 }],
    ['a BYOIP IPv6 block', { ipv6Pool: 'ipv6pool-ec2-0123456789abcdef0', ipv6CidrBlock: '2001:db8::/56' }],
  ])('%s inside the VPC construct counts as a block', (_name, block) => {
    const f = buildDualStack(IPV6, (_stack, vpc) => {
      new ec2.CfnVPCCidrBlock(vpc, 'Extra', { vpcId: vpc.vpcId, ...block });
    });
    f.template.resourceCountIs(RULE, 2);
    expect(ruleCidr(f, 'AuthorizeAll1')).toEqual(ipv6Block(f.stack, f.vpc, 1));
  });

  test('a secondary IPv4 block is not an IPv6 block', () => {
    const f = buildDualStack(IPV6, (stack, vpc) => {
      new ec2.CfnVPCCidrBlock(stack, 'SecondIpv4', { vpcId: vpc.vpcId, cidrBlock: '10.2.0.0/16' });
    });
    f.template.resourceCountIs(RULE, 1);
  });

  test('a block of another VPC is not counted', () => {
    const f = buildDualStack(IPV6, (stack) => {
      const other = dualStackVpc(stack, 'Other');
      new ec2.CfnVPCCidrBlock(stack, 'OtherSecond', { vpcId: other.vpcId, amazonProvidedIpv6CidrBlock: true });
    });
    f.template.resourceCountIs(RULE, 1);
  });

  test('authorizeAllUsersToVpcCidr false creates no rule', () => {
    buildDualStack({ ...IPV6, authorizeAllUsersToVpcCidr: false }).template.resourceCountIs(RULE, 0);
  });

  // BUG: a rule reads Fn::Select [1, Ipv6CidrBlocks] but nothing orders it after the block's association,
  // so CloudFormation may create it while the VPC has one IPv6 block (the VPC's own block is reached
  // through the target subnets, which depend on it; a block added beside the VPC is not).
  test('each IPv6 rule waits for the VPC\'s IPv6 CIDR block associations', () => {
    let second: ec2.CfnVPCCidrBlock | undefined;
    const f = buildDualStack(IPV6, (stack, vpc) => {
      second = new ec2.CfnVPCCidrBlock(stack, 'SecondIpv6', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    });
    const rule = f.template.findResources(RULE)[logicalId(f.stack, f.endpoint.node.findChild('AuthorizeAll1'))];
    expect(rule.DependsOn).toEqual(expect.arrayContaining([f.stack.getLogicalId(second!)]));
  });
});

describe('dual-stack traffic', () => {
  test('both: AuthorizeAll to the IPv4 block, AuthorizeAll1 to the IPv6 block', () => {
    const f = buildDualStack(DUAL_STACK);
    f.template.resourceCountIs(RULE, 2);
    expect(ruleCidr(f, 'AuthorizeAll')).toEqual({ 'Fn::GetAtt': [logicalId(f.stack, f.vpc), 'CidrBlock'] });
    expect(ruleCidr(f, 'AuthorizeAll1')).toEqual(ipv6Block(f.stack, f.vpc, 0));
  });

  test('with two IPv6 blocks, three rules', () => {
    const f = buildDualStack(DUAL_STACK, (stack, vpc) => {
      new ec2.CfnVPCCidrBlock(stack, 'SecondIpv6', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    });
    f.template.resourceCountIs(RULE, 3);
    expect(ruleCidr(f, 'AuthorizeAll2')).toEqual(ipv6Block(f.stack, f.vpc, 1));
  });

  test('every default rule waits for the target network associations', () => {
    const f = buildDualStack(DUAL_STACK);
    const associations = Object.keys(f.template.findResources('AWS::EC2::ClientVpnTargetNetworkAssociation'));
    expect(associations).toHaveLength(2);
    for (const rule of Object.values(f.template.findResources(RULE))) {
      expect(rule.DependsOn).toEqual(expect.arrayContaining(associations));
    }
  });
});

describe('IPv6 and dual-stack traffic need a VPC with an IPv6 block', () => {
  test.each<[string, Partial<ClientVpnEndpointProps>, string]>([
    ['IPv6', IPV6, "got 'ipv6'"],
    ['dual-stack', DUAL_STACK, "got 'dual-stack'"],
  ])('%s traffic through a VPC of the app without one is rejected, naming the VPC', (_name, props, received) => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, props), 'trafficIpAddressType', received);
    expect(error.message).toContain('Test/Vpc has none');
  });

  test('rejected with authorizeAllUsersToVpcCidr false as well: the subnets give clients their addresses', () => {
    const f = testStack();
    expectInvalid(() => createEndpoint(f, { ...IPV6, authorizeAllUsersToVpcCidr: false }), 'trafficIpAddressType', "got 'ipv6'");
  });

  test('a token traffic type passes with a VPC without an IPv6 block, authorizing its IPv4 block', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { trafficIpAddressType: trafficToken(IpAddressType.IPV6) });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(RULE, 1);
    expect(ruleCidr({ ...f, endpoint, template }, 'AuthorizeAll')).toEqual({ 'Fn::GetAtt': [logicalId(f.stack, f.vpc), 'CidrBlock'] });
  });

  // BUG (docs/constraints.md: "a token trafficIpAddressType is treated as IPv4"): a token is treated as
  // dual-stack, so a dual-stack VPC gets an IPv6 rule too.
  test('a token traffic type is treated as IPv4: a dual-stack VPC gets the IPv4 rule only', () => {
    buildDualStack({ trafficIpAddressType: trafficToken(IpAddressType.IPV4) }).template.resourceCountIs(RULE, 1);
  });
});

describe('IPv6 traffic through an imported VPC', () => {
  test.each<[string, Partial<ClientVpnEndpointProps>]>([
    ['IPv6', IPV6],
    ['dual-stack', DUAL_STACK],
  ])('%s with the default rule is rejected: the app cannot know the IPv6 blocks', (_name, props) => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, { vpc: importedVpc(f.stack, '10.1.0.0/16'), ...props }), 'authorizeAllUsersToVpcCidr', 'got undefined');
    expect(error.message).toContain('imported VPC');
  });

  test('rejected when asked for explicitly too', () => {
    const f = testStack();
    expectInvalid(() => createEndpoint(f, { vpc: importedVpc(f.stack, '10.1.0.0/16'), ...IPV6, authorizeAllUsersToVpcCidr: true }),
      'authorizeAllUsersToVpcCidr', 'got true');
  });

  test('dual-stack through a VPC imported without vpcCidrBlock names the missing IPv4 block first', () => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, { vpc: importedVpc(f.stack), ...DUAL_STACK }), 'authorizeAllUsersToVpcCidr', 'got undefined');
    expect(error.message).toContain('`vpcCidrBlock`');
  });

  test('passes with authorizeAllUsersToVpcCidr false: no rule, and no IPv6 check of a VPC the app cannot see', () => {
    const f = testStack();
    createEndpoint(f, { vpc: importedVpc(f.stack), ...IPV6, authorizeAllUsersToVpcCidr: false });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(RULE, 0);
    template.hasResourceProperties('AWS::EC2::ClientVpnEndpoint', { TrafficIpAddressType: 'ipv6', ClientCidrBlock: Match.absent() });
  });

  // BUG, as above: the token is treated as dual-stack, so an imported VPC is refused the IPv4 rule it could have.
  test('a token traffic type through an imported VPC with vpcCidrBlock authorizes that block', () => {
    const f = testStack();
    createEndpoint(f, { vpc: importedVpc(f.stack, '10.1.0.0/16'), trafficIpAddressType: trafficToken(IpAddressType.IPV4) });
    Template.fromStack(f.stack).hasResourceProperties(RULE, { TargetNetworkCidr: '10.1.0.0/16', AuthorizeAllGroups: true });
  });

  test('Vpc.fromLookup before its lookup: no rule and no error, whatever the traffic', () => {
    const app = new App();
    const stack = new Stack(app, 'Lookup', { env: { account: '123456789012', region: 'us-east-1' } });
    new ClientVpnEndpoint(stack, 'Endpoint', {
      ...minimalProps({
        vpc: ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' }),
        serverCertificate: acm.Certificate.fromCertificateArn(stack, 'Server', SERVER_CERTIFICATE_ARN),
        clientRootCertificate: acm.Certificate.fromCertificateArn(stack, 'Client', CLIENT_ROOT_CERTIFICATE_ARN),
      }),
      ...IPV6,
    });
    expect(stack.node.findAll().filter((c) => c instanceof ec2.CfnClientVpnAuthorizationRule)).toHaveLength(0);
  });
});
