import { Annotations as CoreAnnotations, CfnParameter, Fn, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnRoute,
  ClientVpnRouteTarget,
  ClientVpnTransitGatewayConfiguration,
  IpAddressType,
} from '../src';
import { associationIds, createEndpoint, endpointRef, expectInvalid, Fixture, logicalId, minimalProps, testStack, TRANSIT_GATEWAY_ID, transitGatewayProps } from './util';

const ENDPOINT = 'AWS::EC2::ClientVpnEndpoint';
const ASSOCIATION = 'AWS::EC2::ClientVpnTargetNetworkAssociation';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';
const ROUTE = 'AWS::EC2::ClientVpnRoute';
const SETTINGS = 'Custom::ClientVpnEndpointSettings';
const NO_TARGET_NETWORKS = 'cdk-client-vpn:noTargetNetworks';

type Zones = Omit<ClientVpnTransitGatewayConfiguration, 'transitGatewayId'>;

/** A transit gateway endpoint in a fresh fixture, with `extra` props on top, and its template. */
function build(zones?: Zones, extra: (f: Fixture) => Partial<ClientVpnEndpointProps> = () => ({})) {
  const f = testStack();
  const endpoint = createEndpoint(f, { ...transitGatewayProps(f, zones), ...extra(f) });
  return { ...f, endpoint, template: Template.fromStack(f.stack) };
}

/** Creating a transit gateway endpoint with `extra` on top is rejected for `prop`, quoting `received`. */
function expectRejected(extra: (f: Fixture) => Partial<ClientVpnEndpointProps>, prop: string, received: string, zones?: Zones): Error {
  const f = testStack();
  return expectInvalid(() => createEndpoint(f, { ...transitGatewayProps(f, zones), ...extra(f) }), prop, received);
}

function only(template: Template, type: string): any {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('a transit gateway endpoint reaches the template', () => {
  test('without VpcId or SecurityGroupIds, its TransitGatewayConfiguration holding the transit gateway id only', () => {
    const f = build({ availabilityZones: ['us-east-1a', 'us-east-1b'] });
    f.template.resourceCountIs(ENDPOINT, 1);
    f.template.hasResourceProperties(ENDPOINT, {
      VpcId: Match.absent(),
      SecurityGroupIds: Match.absent(),
      TransitGatewayConfiguration: Match.objectEquals({ TransitGatewayId: TRANSIT_GATEWAY_ID }),
    });
  });

  test('the zones are not in TransitGatewayConfiguration, whether given by name or by id', () => {
    build({ availabilityZoneIds: ['use1-az1'] }).template.hasResourceProperties(ENDPOINT, {
      TransitGatewayConfiguration: { TransitGatewayId: TRANSIT_GATEWAY_ID, AvailabilityZones: Match.absent(), AvailabilityZoneIds: Match.absent() },
    });
  });

  test('no security group is created, and the endpoint has none', () => {
    const f = build();
    f.template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    expect(f.endpoint.securityGroups).toEqual([]);
    expect(f.endpoint.connections.securityGroups).toEqual([]);
  });

  test('the client CIDR block is not compared with any VPC (there is none): a block inside the fixture VPC passes', () => {
    build(undefined, () => ({ clientCidrBlock: '10.0.0.0/22' })).template.hasResourceProperties(ENDPOINT, { ClientCidrBlock: '10.0.0.0/22' });
  });

  test('IPv6 traffic needs no VPC with an IPv6 block', () => {
    build(undefined, () => ({ clientCidrBlock: undefined, trafficIpAddressType: IpAddressType.IPV6 })).template.hasResourceProperties(ENDPOINT, {
      TrafficIpAddressType: 'ipv6',
      ClientCidrBlock: Match.absent(),
    });
  });

  test('a token transit gateway id passes and is rendered as is', () => {
    const f = testStack();
    const transitGatewayId = new CfnParameter(f.stack, 'Tgw').valueAsString;
    createEndpoint(f, { ...transitGatewayProps(f), transitGatewayConfiguration: { transitGatewayId, availabilityZones: ['us-east-1a'] } });
    Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, {
      VpcId: Match.absent(),
      TransitGatewayConfiguration: Match.objectEquals({ TransitGatewayId: { Ref: 'Tgw' } }),
    });
  });
});

describe('each zone of a transit gateway endpoint becomes a target network association', () => {
  test('availabilityZones: one association per zone, with AvailabilityZone and nothing else', () => {
    const f = build({ availabilityZones: ['us-east-1a', 'us-east-1b'] });
    f.template.resourceCountIs(ASSOCIATION, 2);
    for (const zone of ['us-east-1a', 'us-east-1b']) {
      f.template.hasResourceProperties(ASSOCIATION, Match.objectEquals({ ClientVpnEndpointId: endpointRef(f), AvailabilityZone: zone }));
    }
    f.template.hasResourceProperties(ASSOCIATION, { SubnetId: Match.absent(), AvailabilityZoneId: Match.absent() });
  });

  test('availabilityZoneIds: one association per zone id, with AvailabilityZoneId and nothing else', () => {
    const f = build({ availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'] });
    f.template.resourceCountIs(ASSOCIATION, 3);
    for (const zoneId of ['use1-az1', 'use1-az2', 'use1-az4']) {
      f.template.hasResourceProperties(ASSOCIATION, Match.objectEquals({ ClientVpnEndpointId: endpointRef(f), AvailabilityZoneId: zoneId }));
    }
  });

  test('the associations are the endpoint\'s Association0, Association1, ... in the order of the zones', () => {
    const f = build({ availabilityZones: ['us-east-1b', 'us-east-1a'] });
    const zoneOf = (id: string) => (f.endpoint.node.findChild(id) as ec2.CfnClientVpnTargetNetworkAssociation).availabilityZone;
    expect([zoneOf('Association0'), zoneOf('Association1')]).toEqual(['us-east-1b', 'us-east-1a']);
  });

  test('a token zone passes and is rendered as is', () => {
    const f = build({ availabilityZones: [Fn.importValue('Zone')] });
    f.template.hasResourceProperties(ASSOCIATION, Match.objectEquals({ ClientVpnEndpointId: endpointRef(f), AvailabilityZone: { 'Fn::ImportValue': 'Zone' } }));
  });

  test('two token zones are never compared for their content: both are associated', () => {
    build({ availabilityZoneIds: [Fn.importValue('Zone'), Fn.importValue('Zone')] }).template.resourceCountIs(ASSOCIATION, 2);
  });

  test('rules and routes of the endpoint wait for every zone association', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f, { availabilityZones: ['us-east-1a', 'us-east-1b'] }));
    endpoint.addIngressAuthorization('OnPremises', { cidr: '192.168.0.0/16', authorizeAllGroups: true });
    endpoint.addRoute('OnPremisesRoute', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.transitGateway() });
    const template = Template.fromStack(f.stack);
    const associations = associationIds(template);
    expect(associations).toHaveLength(2);
    expect([...only(template, RULE).DependsOn].sort()).toEqual(associations);
    expect([...only(template, ROUTE).DependsOn].sort()).toEqual(associations);
  });
});

describe('a transit gateway endpoint without zones', () => {
  test('has no association and warns, acknowledgeably, that no client can connect until a zone is associated', () => {
    const f = build({});
    f.template.resourceCountIs(ASSOCIATION, 0);
    Annotations.fromStack(f.stack).hasWarning('/Test/Endpoint/Resource', Match.stringLikeRegexp(
      `^Test/Endpoint has no target networks: it waits in pending-associate and no client can connect until an Availability Zone is associated \\[ack: ${NO_TARGET_NETWORKS}\\]$`));
  });

  test('empty zone lists warn the same way', () => {
    const f = build({ availabilityZoneIds: [] });
    f.template.resourceCountIs(ASSOCIATION, 0);
    Annotations.fromStack(f.stack).hasWarning('/Test/Endpoint/Resource', Match.stringLikeRegexp('has no target networks'));
  });

  test('the warning can be acknowledged', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f, {}));
    CoreAnnotations.of(endpoint).acknowledgeWarning(NO_TARGET_NETWORKS, 'associated by another team');
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });

  test('an endpoint with zones does not warn', () => {
    Annotations.fromStack(build().stack).hasNoWarning('*', Match.stringLikeRegexp('has no target networks'));
  });
});

describe('a transit gateway endpoint is validated', () => {
  test('neither vpc nor transitGatewayConfiguration is rejected, naming both', () => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, { vpc: undefined }), 'vpc', 'got undefined');
    expect(error.message).toContain('`transitGatewayConfiguration`');
  });

  test('vpc together with transitGatewayConfiguration is rejected', () => {
    const f = testStack();
    const error = expectInvalid(() => createEndpoint(f, { transitGatewayConfiguration: { transitGatewayId: TRANSIT_GATEWAY_ID } }),
      'transitGatewayConfiguration', `got '${TRANSIT_GATEWAY_ID}'`);
    expect(error.message).toContain('`vpc`');
  });

  test('vpc together with a token transit gateway id is rejected too: a token counts as given', () => {
    const f = testStack();
    expectInvalid(() => createEndpoint(f, { transitGatewayConfiguration: { transitGatewayId: Fn.importValue('Tgw') } }),
      'transitGatewayConfiguration', "got '${Token[");
  });

  test('vpcSubnets is rejected: there are no subnets', () => {
    const error = expectRejected(() => ({ vpcSubnets: { subnetGroupName: 'Private' } }), 'vpcSubnets', 'transit gateway endpoint');
    expect(error.message).toContain('cannot be given for a transit gateway endpoint');
  });

  // BUG: the message quotes the prop's name ("got 'vpcSubnets'") where the contract asks for the value received.
  test('the vpcSubnets error quotes the selection it got', () => {
    expectRejected(() => ({ vpcSubnets: { subnetGroupName: 'Private' } }), 'vpcSubnets', 'got {"subnetGroupName":"Private"}');
  });

  test('an empty vpcSubnets selection is rejected as well: being given is enough', () => {
    expectRejected(() => ({ vpcSubnets: { subnets: [] } }), 'vpcSubnets', 'transit gateway endpoint');
  });

  test('securityGroups is rejected: there is no VPC', () => {
    const error = expectRejected((f) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'Sg', 'sg-12345678')] }),
      'securityGroups', 'transit gateway endpoint');
    expect(error.message).toContain('cannot be given for a transit gateway endpoint');
  });

  // BUG: as for vpcSubnets, the message quotes the prop's name instead of the groups it got.
  test('the securityGroups error names the groups it got', () => {
    expectRejected((f) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'Sg', 'sg-12345678')] }), 'securityGroups', 'sg-12345678');
  });

  test.each<[string, boolean | undefined, string]>([
    ['by default', undefined, 'got undefined'],
    ['when asked for', true, 'got true'],
  ])('the default authorization rule is rejected %s: there is no VPC to authorize', (_name, authorizeAllUsersToVpcCidr, received) => {
    const error = expectRejected(() => ({ authorizeAllUsersToVpcCidr }), 'authorizeAllUsersToVpcCidr', received);
    expect(error.message).toContain('transit gateway endpoint');
  });

  test('authorizeAllUsersToVpcCidr false creates no rule', () => {
    build().template.resourceCountIs(RULE, 0);
  });

  test.each(['availabilityZones', 'availabilityZoneIds'])('%s as a list token is rejected: each zone becomes an association of its own', (key) => {
    const error = expectRejected(() => ({}), `transitGatewayConfiguration.${key}`, 'got ["#{Token[', { [key]: Fn.getAzs() });
    expect(error.message).toContain('literal list');
  });

  test.each<[string, string[]]>([
    ['availabilityZones', ['us-east-1a', 'us-east-1b', 'us-east-1a']],
    ['availabilityZoneIds', ['use1-az1', 'use1-az1']],
  ])('%s naming a zone twice is rejected', (key, zones) => {
    const error = expectRejected(() => ({}), `transitGatewayConfiguration.${key}`, `got ${JSON.stringify(zones)}`, { [key]: zones });
    expect(error.message).toContain('each zone once');
  });

  test('zones by name and by id together are rejected', () => {
    expectRejected(() => ({}), 'transitGatewayConfiguration.availabilityZoneIds', 'got ["use1-az1"]',
      { availabilityZones: ['us-east-1a'], availabilityZoneIds: ['use1-az1'] });
  });

  test('zones by name and by id together are rejected when they are tokens too: a token counts as given', () => {
    expectRejected(() => ({}), 'transitGatewayConfiguration.availabilityZoneIds', 'got ["${Token[',
      { availabilityZones: [Fn.importValue('Zone')], availabilityZoneIds: [Fn.importValue('ZoneId')] });
  });
});

describe('routes of a transit gateway endpoint', () => {
  test('ClientVpnRouteTarget.transitGateway() renders a route without TargetVpcSubnetId, waiting for the associations', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f));
    new ClientVpnRoute(f.stack, 'Route', {
      endpoint,
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.transitGateway(),
      description: 'On-premises through the transit gateway',
    });
    const template = Template.fromStack(f.stack);
    const route = only(template, ROUTE);
    expect(route.Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
      DestinationCidrBlock: '192.168.0.0/16',
      Description: 'On-premises through the transit gateway',
    });
    expect([...route.DependsOn].sort()).toEqual(associationIds(template));
  });

  test('the transit gateway target has no TargetVpcSubnetId', () => {
    expect(ClientVpnRouteTarget.transitGateway().targetVpcSubnetId).toBeUndefined();
  });

  test('addRoute with the transit gateway target', () => {
    const f = testStack();
    createEndpoint(f, transitGatewayProps(f)).addRoute('Internet', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.transitGateway() });
    Template.fromStack(f.stack).hasResourceProperties(ROUTE, {
      DestinationCidrBlock: '0.0.0.0/0',
      TargetVpcSubnetId: Match.absent(),
    });
  });

  test('a subnet target is rejected: the endpoint has no subnets', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f));
    const subnet = ec2.Subnet.fromSubnetId(f.stack, 'Subnet', 'subnet-0123456789abcdef0');
    const error = expectInvalid(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.subnet(subnet) }),
      'target', "got 'subnet-0123456789abcdef0'");
    expect(error.message).toContain('`ClientVpnRouteTarget.transitGateway()`');
  });

  test('the local target is rejected too', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f));
    expectInvalid(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.local() }), 'target', "got 'local'");
  });

  test('the transit gateway target is rejected on an endpoint in a VPC', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    const error = expectInvalid(() => endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.transitGateway() }),
      'target', "got 'transitGateway()'");
    expect(error.message).toContain('endpoint in a VPC');
  });

  test('the transit gateway target passes on an imported endpoint, whose kind is unknown', () => {
    const f = testStack();
    const endpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', { endpointId: 'cvpn-endpoint-0123456789abcdef0' });
    endpoint.addRoute('Route', { cidr: '192.168.0.0/16', target: ClientVpnRouteTarget.transitGateway() });
    expect(only(Template.fromStack(f.stack), ROUTE).Properties).toEqual({
      ClientVpnEndpointId: 'cvpn-endpoint-0123456789abcdef0',
      DestinationCidrBlock: '192.168.0.0/16',
    });
  });
});

describe('transitGatewayAttachmentId', () => {
  test('reading it adds the settings custom resource and resolves to its TransitGatewayAttachmentId attribute', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f));
    const attachmentId = endpoint.transitGatewayAttachmentId;
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(SETTINGS, 1);
    template.hasResourceProperties(SETTINGS, { EndpointId: { Ref: logicalId(f.stack, endpoint) } });
    const [settingsId] = Object.keys(template.findResources(SETTINGS));
    expect(Token.isUnresolved(attachmentId)).toBe(true);
    expect(f.stack.resolve(attachmentId)).toEqual({ 'Fn::GetAtt': [settingsId, 'TransitGatewayAttachmentId'] });
  });

  test('it shares the one custom resource with dnsName', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, transitGatewayProps(f));
    const values = [endpoint.dnsName, endpoint.transitGatewayAttachmentId].map((value) => f.stack.resolve(value));
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(SETTINGS, 1);
    const [settingsId] = Object.keys(template.findResources(SETTINGS));
    expect(values).toEqual([{ 'Fn::GetAtt': [settingsId, 'DnsName'] }, { 'Fn::GetAtt': [settingsId, 'TransitGatewayAttachmentId'] }]);
  });

  test('an endpoint in a VPC has the attribute too (the handler answers an empty string)', () => {
    const f = testStack();
    const endpoint = new ClientVpnEndpoint(f.stack, 'Endpoint', minimalProps(f));
    const attachmentId = endpoint.transitGatewayAttachmentId;
    const [settingsId] = Object.keys(Template.fromStack(f.stack).findResources(SETTINGS));
    expect(f.stack.resolve(attachmentId)).toEqual({ 'Fn::GetAtt': [settingsId, 'TransitGatewayAttachmentId'] });
  });
});
