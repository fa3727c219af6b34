/**
 * Counterexamples the property-based tests found, kept as regular tests. Each asserts what the
 * contract asks for (shared/design/construct-api.md: every invalid input is rejected with an
 * Error naming the prop in backticks; nothing throws a TypeError; the template holds no invalid
 * value), so each fails until the bug it names is fixed in src/.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { DescribeClientVpnEndpointsCommand, EC2Client, ModifyClientVpnEndpointCommand } from '@aws-sdk/client-ec2';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DependencyGroup } from 'constructs';
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnRoute,
  ClientVpnRouteTarget,
  DevicePostureTrustProvider,
  DevicePostureTrustProviderType,
  IClientVpnEndpoint,
  IngressAuthorization,
} from '../../src';
import { handler } from '../../src/custom-resource/endpoint-settings.lambda';
import { ClientVpnValidationError } from '../../src/private/client-vpn-validation-error';
import { minimalProps, testStack } from '../util';

/** Builds the endpoint and synthesizes the stack: an error from either counts. */
function build(props: Partial<ClientVpnEndpointProps> | ((fixture: ReturnType<typeof testStack>) => Partial<ClientVpnEndpointProps>)) {
  const fixture = testStack();
  const extra = typeof props === 'function' ? props(fixture) : props;
  new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), ...extra } as ClientVpnEndpointProps);
  return Template.fromStack(fixture.stack);
}

/**
 * A ClientVpnValidationError (not a TypeError or a synthesis error) whose message starts with the
 * path of the construct that rejected it, then the prop in backticks; a factory, which has no
 * construct, starts with the prop.
 */
function expectValidationError(action: () => unknown, prop: string, path = 'Test/Endpoint'): void {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ClientVpnValidationError);
  const prefix = `${path ? `${path}: ` : ''}\`${prop}\``;
  expect((error as Error).message.startsWith(prefix) ? 'names the path, then the prop' : (error as Error).message).toBe('names the path, then the prop');
}

describe('ClientVpnEndpoint', () => {
  test('clientCidrBlock overlapping a secondary VPC block defined beside the VPC (not inside the Vpc construct) is rejected', () => {
    // Found by: client CIDR overlaps a secondary VPC block defined in the stack. Today it synthesizes.
    expectValidationError(() => build((fixture) => {
      new ec2.CfnVPCCidrBlock(fixture.stack, 'Secondary', { vpcId: fixture.vpc.vpcId, cidrBlock: '100.64.0.0/16' });
      return { clientCidrBlock: '100.64.0.0/22' };
    }), 'clientCidrBlock');
  });

  test.each([8, 10, 2])('logRetention %p, not a RetentionDays value, is rejected (today it reaches RetentionInDays)', (days) => {
    expectValidationError(() => build({ logRetention: days as logs.RetentionDays }), 'logRetention');
  });

  test.each([0, -1])('logRetention %p is rejected naming the prop (today aws-cdk-lib says "retentionInDays must be positive")', (days) => {
    expectValidationError(() => build({ logRetention: days as logs.RetentionDays }), 'logRetention');
  });

  // Found while 580f8dc was written, which fixed it: kept as a regression test.
  test('clientLoginBanner with a lone surrogate (a string cut inside an emoji) is rejected: it is not UTF-8 text', () => {
    expectValidationError(() => build({ clientLoginBanner: 'Welcome 😀'.slice(0, -1) }), 'clientLoginBanner');
  });

  test('clientConnectHandler defined without functionName is rejected (today only a warning; CloudFormation generates a name without AWSClientVPN-)', () => {
    expectValidationError(() => build((fixture) => ({
      clientConnectHandler: new lambda.Function(fixture.stack, 'Connect', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ allow: true });'),
      }),
    })), 'clientConnectHandler');
  });

  test.each<[string, ec2.SubnetSelection]>([
    ['a subnet type the VPC lacks', { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    ['an unknown subnet group name', { subnetGroupName: 'Nope' }],
    ['both subnetType and subnetGroupName', { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, subnetGroupName: 'Private' }],
  ])('vpcSubnets with %s is rejected naming `vpcSubnets` (today aws-cdk-lib\'s own error, without the prop)', (_, selection) => {
    expectValidationError(() => build({ vpcSubnets: selection }), 'vpcSubnets');
  });

  test('vpcSubnets with subnetFilters that is not a list is rejected, not a TypeError inside aws-cdk-lib', () => {
    expectValidationError(() => build({ vpcSubnets: { subnetFilters: 5 as unknown as ec2.SubnetFilter[] } }), 'vpcSubnets');
  });

  test('vpc given as a plain object with a vpcId is rejected, not a TypeError', () => {
    expectValidationError(() => build({ vpc: { vpcId: 'vpc-12345678' } as unknown as ec2.IVpc }), 'vpc');
  });

  test.each(['serverCertificate', 'clientRootCertificate'])('%s with a certificateArn that is not a string is rejected when the construct is created', (prop) => {
    expectValidationError(() => build({ [prop]: { certificateArn: 5 } }), prop);
  });

  test('securityGroups listing a group whose securityGroupId is not a string is rejected when the construct is created', () => {
    expectValidationError(() => build({ securityGroups: [{ securityGroupId: 5 } as unknown as ec2.ISecurityGroup] }), 'securityGroups[0]');
  });

  test.each<[string, unknown]>([
    ['the log group name instead of the log group', 'client-vpn-connections'],
    ['a plain object', {}],
    ['a plain object with a logGroupName', { logGroupName: 'client-vpn-connections' }],
  ])('logGroup given %s is rejected naming `logGroup` (today "does not implement IDependable" at synthesis)', (_, value) => {
    expectValidationError(() => build({ logGroup: value as logs.ILogGroup }), 'logGroup');
  });

  test.each<[string, unknown]>([
    ['the stream name instead of the stream', 'connections'],
    ['a number', 5],
    ['a plain object', {}],
  ])('logStream given %s is rejected (today it is silently dropped from ConnectionLogOptions)', (_, value) => {
    expectValidationError(() => build((fixture) => ({
      logGroup: logs.LogGroup.fromLogGroupName(fixture.stack, 'Logs', 'client-vpn-connections'),
      logStream: value as logs.ILogStream,
    })), 'logStream');
  });

  test('logStream with a logStreamName that is not a string is rejected when the construct is created', () => {
    expectValidationError(() => build((fixture) => ({
      logGroup: logs.LogGroup.fromLogGroupName(fixture.stack, 'Logs', 'client-vpn-connections'),
      logStream: { logStreamName: 13 } as unknown as logs.ILogStream,
    })), 'logStream');
  });

  test.each<[string, unknown]>([
    ['only a functionArn', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-x' }],
    ['a functionName that is not a string', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-x', functionName: 5 }],
  ])('clientConnectHandler as a plain object with %s is rejected, not a TypeError', (_, value) => {
    expectValidationError(() => build({ clientConnectHandler: value as lambda.IFunction }), 'clientConnectHandler');
  });

  test('clientConfigurationBucket as a plain object with a bucketName is rejected, not a TypeError (arnForObjects is not a function)', () => {
    expectValidationError(() => build({ clientConfigurationBucket: { bucketName: 'config-bucket' } as unknown as s3.IBucket }), 'clientConfigurationBucket');
  });

  test('apiSettings with a value JSON cannot hold (a BigInt) is rejected, not a TypeError at synthesis', () => {
    expectValidationError(() => build({ apiSettings: { NewSetting: BigInt(10) } }), 'apiSettings');
  });

  test.each<[string, unknown]>([
    ['a Map (its entries are dropped: ApiSettings renders as {})', new Map([['NewSetting', 1]])],
    ['a Date (ApiSettings renders as a JSON string, which the handler refuses at deploy time)', new Date(0)],
  ])('apiSettings given %s is rejected: only a plain object of parameters is usable', (_, value) => {
    expectValidationError(() => build({ apiSettings: value as { [key: string]: unknown } }), 'apiSettings');
  });

  test('a custom trust provider kind with an empty name is rejected (today TrustProviderType \'\' reaches the template)', () => {
    // The factory itself refuses it, naming its parameter.
    expectValidationError(() => build({
      devicePostureOptions: { trustProviders: [{ type: DevicePostureTrustProviderType.custom(' ', false), tenantId: 'tenant' }] },
    }), 'value', '');
  });

  test('devicePostureOptions.trustProviders with holes is rejected (today TrustProviders renders as [])', () => {
    const holes = new Array<DevicePostureTrustProvider>(1);
    expectValidationError(() => build({ devicePostureOptions: { trustProviders: holes } }),
      'devicePostureOptions.trustProviders[0]');
  });

  test.each<[string, unknown[]]>([
    ['availabilityZones', [5]],
    ['availabilityZoneIds', ['']],
  ])('transitGatewayConfiguration.%s listing something that is not a zone name (%p) is rejected when the construct is created', (key, zones) => {
    expectValidationError(() => build({ vpc: undefined, authorizeAllUsersToVpcCidr: false, transitGatewayConfiguration: { transitGatewayId: 'tgw-12345678', [key]: zones } as any }),
      `transitGatewayConfiguration.${key}[0]`);
  });

  test('an invalid value JSON.stringify cannot describe (a null-prototype object with a cycle) still gives the validation error, not a TypeError', () => {
    const value = Object.create(null);
    value.self = value;
    expectValidationError(() => build({ description: value }), 'description');
  });

  test('dnsServers listing a null-prototype object holding a BigInt is rejected, not a TypeError while describing it', () => {
    expectValidationError(() => build({ dnsServers: [Object.assign(Object.create(null), { port: BigInt(53) })] }), 'dnsServers');
  });
});

describe('IngressAuthorization and ClientVpnRoute', () => {
  function stack(): Stack {
    return testStack().stack;
  }

  test('IngressAuthorization with an endpoint that is only an endpointId is rejected naming `endpoint`, not a TypeError at synthesis', () => {
    const s = stack();
    expectValidationError(() => {
      new IngressAuthorization(s, 'Rule', {
        endpoint: { endpointId: 'cvpn-endpoint-0123456789abcdef0' } as unknown as IClientVpnEndpoint,
        cidr: '10.0.0.0/16',
        authorizeAllGroups: true,
      });
      Template.fromStack(s);
    }, 'endpoint', 'Test/Rule');
  });

  test('ClientVpnRoute with an endpoint that is only an endpointId is rejected naming `endpoint`, not a TypeError at synthesis', () => {
    const s = stack();
    expectValidationError(() => {
      new ClientVpnRoute(s, 'Route', {
        endpoint: { endpointId: 'cvpn-endpoint-0123456789abcdef0' } as unknown as IClientVpnEndpoint,
        cidr: '0.0.0.0/0',
        target: ClientVpnRouteTarget.local(),
      });
      Template.fromStack(s);
    }, 'endpoint', 'Test/Route');
  });

  test('IngressAuthorization with an endpoint whose endpointId is not a string is rejected naming `endpoint`', () => {
    const s = stack();
    expectValidationError(() => {
      new IngressAuthorization(s, 'Rule', {
        endpoint: { endpointId: [], targetNetworksAssociated: new DependencyGroup() } as unknown as IClientVpnEndpoint,
        cidr: '10.0.0.0/16',
        authorizeAllGroups: true,
      });
      Template.fromStack(s);
    }, 'endpoint', 'Test/Rule');
  });

  test('ClientVpnRouteTarget.subnet() of a subnet whose subnetId is not a string is rejected naming `target`', () => {
    const s = stack();
    const endpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(s, 'Endpoint', { endpointId: 'cvpn-endpoint-0123456789abcdef0' });
    expectValidationError(() => {
      endpoint.addRoute('Route', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet({ subnetId: 5 } as unknown as ec2.ISubnet) });
      Template.fromStack(s);
    }, 'target', '');
  });
});

describe('endpoint settings handler', () => {
  const ENDPOINT_1 = 'cvpn-endpoint-0123456789abcdef0';
  const ENDPOINT_2 = 'cvpn-endpoint-0fedcba9876543210';
  const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/11111111-2222-3333-4444-555555555555';
  const ec2Mock = mockClient(EC2Client);
  let server: http.Server;
  let url: string;
  let bodies: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    ec2Mock.restore();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function send(requestType: string, endpointId: string, settings: object | undefined, physicalId?: string,
    old?: { endpointId: string; settings?: object }) {
    bodies = [];
    const props = (id: string, s?: object) => ({ ServiceToken: 's', EndpointId: id, ...(s ? { ApiSettings: JSON.stringify(s) } : {}) });
    await handler({
      RequestType: requestType,
      ResponseURL: url,
      StackId: STACK_ID,
      RequestId: `r-${requestType}`,
      LogicalResourceId: 'Settings',
      ResourceType: 'Custom::ClientVpnEndpointSettings',
      ServiceToken: 's',
      ResourceProperties: props(endpointId, settings),
      ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
      ...(old ? { OldResourceProperties: props(old.endpointId, old.settings) } : {}),
    } as unknown as CloudFormationCustomResourceEvent, { getRemainingTimeInMillis: () => 20_000, logStreamName: 'l' } as unknown as Context);
    const response = JSON.parse(bodies[0]);
    expect(response.Status).toBe('SUCCESS');
    return response.PhysicalResourceId as string;
  }

  test('after an update that replaced the endpoint is rolled back, the endpoint kept has the template\'s settings, and no Delete changes them', async () => {
    // Found by the lifecycle property, in the design that restored settings on Delete:
    // Create(A: endpoint 2, { PostureCheck: { Enabled: true } }) -> Update(B: endpoint 1, no settings)
    // -> rollback Update(A, old B) -> Delete: endpoint 2 was "restored" to a value the template never had.
    // Settings now go forward only: the rollback applies A to endpoint 2 in full, and Deletes never touch settings.
    const settings: { [id: string]: { [key: string]: unknown } } = { [ENDPOINT_1]: {}, [ENDPOINT_2]: { PostureCheck: 0 } };
    ec2Mock.reset();
    ec2Mock.on(DescribeClientVpnEndpointsCommand).callsFake(async (input: { ClientVpnEndpointIds: string[] }) => ({
      ClientVpnEndpoints: [{ ...settings[input.ClientVpnEndpointIds[0]], ClientVpnEndpointId: input.ClientVpnEndpointIds[0], Status: { Code: 'available' } }],
    }));
    ec2Mock.on(ModifyClientVpnEndpointCommand).callsFake(async ({ ClientVpnEndpointId, ...changes }: { [key: string]: unknown }) => {
      Object.assign(settings[ClientVpnEndpointId as string], changes);
      return { Return: true };
    });

    const a = { PostureCheck: { Enabled: true } };
    const created = await send('Create', ENDPOINT_2, a);
    const updated = await send('Update', ENDPOINT_1, undefined, created, { endpointId: ENDPOINT_2, settings: a });
    const rolledBack = await send('Update', ENDPOINT_2, a, updated, { endpointId: ENDPOINT_1 });
    expect([created, updated, rolledBack]).toEqual([`cvpn-settings:${ENDPOINT_2}`, `cvpn-settings:${ENDPOINT_1}`, `cvpn-settings:${ENDPOINT_2}`]);
    expect(settings[ENDPOINT_2].PostureCheck).toEqual({ Enabled: true });
    // The rollback's cleanup of the resource the Update created, then the stack's Delete.
    await send('Delete', ENDPOINT_1, undefined, updated);
    await send('Delete', ENDPOINT_2, a, rolledBack);

    expect(settings[ENDPOINT_2].PostureCheck).toEqual({ Enabled: true });
    expect(settings[ENDPOINT_1]).toEqual({});
    expect(ec2Mock.commandCalls(ModifyClientVpnEndpointCommand).map((call) => call.args[0].input)).toEqual([
      { ClientVpnEndpointId: ENDPOINT_2, PostureCheck: { Enabled: true } },
      { ClientVpnEndpointId: ENDPOINT_2, PostureCheck: { Enabled: true } },
    ]);
  });
});
