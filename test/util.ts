import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
