import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ClientVpnEndpoint, ClientVpnEndpointProps, ClientVpnTransitGatewayConfiguration } from '../src';

export const SERVER_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/server';
export const CLIENT_ROOT_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/client-root';

/** A stack with a two-zone VPC (10.0.0.0/16) and the certificates every endpoint needs. */
export function testStack(app = new App(), id = 'Test') {
  const stack = new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  const serverCertificate = acm.Certificate.fromCertificateArn(stack, 'ServerCertificate', SERVER_CERTIFICATE_ARN);
  const clientRootCertificate = acm.Certificate.fromCertificateArn(stack, 'ClientRootCertificate', CLIENT_ROOT_CERTIFICATE_ARN);
  return { app, stack, vpc, serverCertificate, clientRootCertificate };
}

/** The smallest valid endpoint configuration: mutual TLS, a client CIDR outside the VPC. */
export function minimalProps(fixture: {
  vpc: ec2.IVpc;
  serverCertificate: acm.ICertificate;
  clientRootCertificate: acm.ICertificate;
}): ClientVpnEndpointProps {
  return {
    vpc: fixture.vpc,
    serverCertificate: fixture.serverCertificate,
    clientRootCertificate: fixture.clientRootCertificate,
    clientCidrBlock: '10.100.0.0/22',
  };
}

export type Fixture = ReturnType<typeof testStack>;
export type PropsFor = (f: Fixture) => Partial<ClientVpnEndpointProps>;

/** A new endpoint in the fixture's stack: the minimal valid props with `props` on top. */
export function createEndpoint(f: Fixture, props: Partial<ClientVpnEndpointProps> = {}, id = 'Endpoint'): ClientVpnEndpoint {
  return new ClientVpnEndpoint(f.stack, id, { ...minimalProps(f), ...props });
}

/** Runs `action` and checks it throws an Error naming `prop` in backticks and containing `received`. */
export function expectInvalid(action: () => unknown, prop: string, received: string): Error {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).toContain(`\`${prop}\``);
  expect(message).toContain(received);
  return error as Error;
}

/** Checks that creating an endpoint with `props` is rejected for `prop`, quoting `received`. */
export function expectRejected(props: PropsFor, prop: string, received: string): Error {
  const f = testStack();
  return expectInvalid(() => createEndpoint(f, props(f)), prop, received);
}

export const TRANSIT_GATEWAY_ID = 'tgw-0123456789abcdef0';

/**
 * The smallest valid transit gateway endpoint: no VPC, the default authorization rule off (there
 * is no VPC to authorize), and `zones` of the transit gateway configuration on top.
 */
export function transitGatewayProps(
  fixture: Fixture,
  zones: Omit<ClientVpnTransitGatewayConfiguration, 'transitGatewayId'> = { availabilityZones: ['us-east-1a', 'us-east-1b'] },
): ClientVpnEndpointProps {
  return {
    ...minimalProps(fixture),
    vpc: undefined,
    authorizeAllUsersToVpcCidr: false,
    transitGatewayConfiguration: { transitGatewayId: TRANSIT_GATEWAY_ID, ...zones },
  };
}

/** A two-zone dual-stack VPC (10.1.0.0/16 and an Amazon-provided IPv6 block) with isolated subnets. */
export function dualStackVpc(stack: Stack, id = 'DualStack'): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    ipProtocol: ec2.IpProtocol.DUAL_STACK,
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

/** testStack's fixture in an environment-agnostic stack: the VPC's zones are `Fn::Select` of `Fn::GetAZs`. */
export function agnosticTestStack(app = new App(), id = 'Agnostic'): Fixture {
  const stack = new Stack(app, id);
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  const serverCertificate = acm.Certificate.fromCertificateArn(stack, 'ServerCertificate', SERVER_CERTIFICATE_ARN);
  const clientRootCertificate = acm.Certificate.fromCertificateArn(stack, 'ClientRootCertificate', CLIENT_ROOT_CERTIFICATE_ARN);
  return { app, stack, vpc, serverCertificate, clientRootCertificate };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** `{ Ref: <endpoint> }`, as the template names the endpoint. */
export function endpointRef(f: { stack: Stack; endpoint: ClientVpnEndpoint }) {
  return { Ref: logicalId(f.stack, f.endpoint) };
}

/** The logical ids of the template's target network associations, sorted. */
export function associationIds(template: Template): string[] {
  return Object.keys(template.findResources('AWS::EC2::ClientVpnTargetNetworkAssociation')).sort();
}

/** A VPC imported with fromVpcAttributes, with or without its CIDR block. */
export function importedVpc(stack: Stack, vpcCidrBlock?: string): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'ImportedVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock,
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
  });
}

/** The messages of the `cdk-client-vpn:<rule>` warnings in the stack, each with its ack tag. */
export function libraryWarnings(stack: Stack, rule: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-client-vpn:${rule}\\]$`))
    .map((message) => String(message.entry.data));
}
