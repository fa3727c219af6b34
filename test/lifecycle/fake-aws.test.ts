/**
 * The fake AWS answers as AWS does, seen through the real SDK: these tests guard the harness, so a
 * lifecycle failure is the handler's, not the fake's.
 */
import {
  CreateTagsCommand, DeleteTagsCommand, DescribeClientVpnEndpointsCommand, EC2Client, ModifyClientVpnEndpointCommand,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FakeAws } from './fake-aws';
import { ec2Error } from './wire';

const ROLE = 'HandlerRole';
const BUCKET = 'configurations';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let fake: FakeAws;
let ec2: EC2Client;
let s3: S3Client;

beforeEach(async () => {
  fake = await FakeAws.start();
  fake.iam.createRole(ROLE);
  fake.s3.createBucket(BUCKET);
  const client = { endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: ROLE, secretAccessKey: 'secret' }, maxAttempts: 1 };
  ec2 = new EC2Client(client);
  s3 = new S3Client({ ...client, forcePathStyle: true });
});

afterEach(async () => {
  ec2.destroy();
  s3.destroy();
  await fake.close();
});

function allow(actions: string[], resource: string, condition?: object): void {
  fake.iam.setPolicy(ROLE, `policy-${actions.join()}-${resource}`, { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource, Condition: condition as never }] });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; body?: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, $metadata, $response } = error as { name: string; $metadata?: { httpStatusCode?: number }; $response?: { body?: unknown } };
    return { name, status: $metadata?.httpStatusCode, body: typeof $response?.body === 'string' ? $response.body : undefined };
  }
  throw new Error('expected the call to fail');
}

describe('S3', () => {
  test('HeadObject of a missing key: 403 without s3:ListBucket, 404 with it, and no body either way', async () => {
    allow(['s3:GetObject'], `arn:aws:s3:::${BUCKET}/*`);
    const denied = await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing.ovpn' })));
    // With no body the SDK names neither AccessDenied nor Forbidden: only the status tells.
    expect(denied.status).toBe(403);
    expect(denied.name).not.toMatch(/AccessDenied|Forbidden|NotFound|NoSuchKey/);

    allow(['s3:ListBucket'], `arn:aws:s3:::${BUCKET}`);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing.ovpn' })))).toMatchObject({ name: 'NotFound', status: 404 });
    expect(fake.callsOf('HeadObject').map((call) => call.status)).toEqual([403, 404]);
  });

  test('a denied GetObject, PutObject or DeleteObject answers AccessDenied; DeleteObject of a missing key 204', async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'x' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'a' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    allow(['s3:DeleteObject'], `arn:aws:s3:::${BUCKET}/*`);
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'never-written' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
  });

  test('objects keep their metadata and SSE-KMS key; SSE-KMS needs kms:GenerateDataKey', async () => {
    allow(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::${BUCKET}/office/*`);
    const put = () => s3.send(new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'office/all staff.ovpn',
      Body: 'client\n<ca>&</ca>\n',
      ContentType: 'application/x-openvpn-profile',
      Metadata: { owner: 'stack/logical' },
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
    }));
    expect(await failure(put())).toMatchObject({ name: 'AccessDenied', status: 403 });
    allow(['kms:GenerateDataKey*'], KEY_ARN);
    await put();

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'office/all staff.ovpn' }));
    expect(head).toMatchObject({ Metadata: { owner: 'stack/logical' }, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN });
    expect(fake.s3.object(BUCKET, 'office/all staff.ovpn')).toMatchObject({ body: 'client\n<ca>&</ca>\n', writer: ROLE });
  });
});

describe('EC2', () => {
  test('DescribeClientVpnEndpoints answers the settings, attributes and tags; UnauthorizedOperation is 403', async () => {
    const endpoint = fake.ec2.createEndpoint({ SelfServicePortal: 'enabled', SessionTimeoutHours: 12, ClientCidrBlock: '10.100.0.0/22' }, [{ Key: 'Team', Value: 'net' }]);
    expect(await failure(ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpoint.id] }))))
      .toMatchObject({ name: 'UnauthorizedOperation', status: 403 });

    allow(['ec2:DescribeClientVpnEndpoints'], '*', { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } });
    const { ClientVpnEndpoints: [described] = [] } = await ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpoint.id] }));
    expect(described).toMatchObject({
      ClientVpnEndpointId: endpoint.id,
      DnsName: `*.${endpoint.id}.prod.clientvpn.us-east-1.amazonaws.com`,
      SelfServicePortalUrl: `https://self-service.clientvpn.amazonaws.com/endpoints/${endpoint.id}`,
      SessionTimeoutHours: 12,
      DisconnectOnSessionTimeout: false,
      VpnPort: 443,
      Status: { Code: 'pending-associate' },
      Tags: [{ Key: 'Team', Value: 'net' }],
    });
    expect(await failure(ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: ['cvpn-endpoint-0000000000000000f'] }))))
      .toMatchObject({ name: 'InvalidClientVpnEndpointId.NotFound', status: 400 });
  });

  test('ModifyClientVpnEndpoint changes the endpoint, keeps parameters EC2 does not model, and is authorized per endpoint', async () => {
    const endpoint = fake.ec2.createEndpoint({ SelfServicePortal: 'disabled' }, []);
    const other = fake.ec2.createEndpoint({}, []);
    allow(['ec2:ModifyClientVpnEndpoint'], `arn:aws:ec2:us-east-1:123456789012:client-vpn-endpoint/${endpoint.id}`);
    const command = new ModifyClientVpnEndpointCommand({
      ClientVpnEndpointId: endpoint.id, DisconnectOnSessionTimeout: true, SessionTimeoutHours: 8,
    });
    command.middlewareStack.add((next) => async (args) => {
      (args.request as { body: string }).body += '&NewSetting=true';
      return next(args);
    }, { step: 'build', priority: 'high' });
    await ec2.send(command);
    expect(Object.fromEntries(endpoint.settings)).toMatchObject({ DisconnectOnSessionTimeout: 'true', SessionTimeoutHours: '8', NewSetting: 'true' });

    expect(await failure(ec2.send(new ModifyClientVpnEndpointCommand({ ClientVpnEndpointId: other.id, SplitTunnel: true }))))
      .toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(await failure(ec2.send(new ModifyClientVpnEndpointCommand({ ClientVpnEndpointId: endpoint.id, SessionTimeoutHours: 9 }))))
      .toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  test('DeleteTags deletes a key whatever its value, a key with a value only when it matches', async () => {
    const endpoint = fake.ec2.createEndpoint({}, [{ Key: 'aws:cloudformation:stack-name', Value: 'S' }]);
    allow(['ec2:CreateTags', 'ec2:DeleteTags'], 'arn:aws:ec2:*:*:client-vpn-endpoint/*');
    await ec2.send(new CreateTagsCommand({ Resources: [endpoint.id], Tags: [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '2' }, { Key: 'C', Value: '3' }] }));
    await ec2.send(new DeleteTagsCommand({ Resources: [endpoint.id], Tags: [{ Key: 'A' }, { Key: 'B', Value: 'other' }, { Key: 'C', Value: '3' }] }));
    expect(Object.fromEntries(endpoint.tags)).toEqual({ 'aws:cloudformation:stack-name': 'S', 'B': '2' });
    expect(await failure(ec2.send(new DeleteTagsCommand({ Resources: [endpoint.id], Tags: [{ Key: 'aws:cloudformation:stack-name' }] }))))
      .toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  test('faults: canned errors in order, throttling for N calls, and a stall that only a client timeout ends', async () => {
    allow(['ec2:DescribeClientVpnEndpoints'], '*');
    fake.faults.queue('DescribeClientVpnEndpoints', ec2Error(500, 'InternalError', 'An internal error has occurred.'));
    fake.faults.throttle('DescribeClientVpnEndpoints', 2);
    const describe = () => failure(ec2.send(new DescribeClientVpnEndpointsCommand({})));
    expect(await describe()).toMatchObject({ name: 'InternalError', status: 500 });
    expect(await describe()).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    expect(await describe()).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    await ec2.send(new DescribeClientVpnEndpointsCommand({}));

    fake.faults.stall('DescribeClientVpnEndpoints');
    const started = Date.now();
    const stalled = await failure(ec2.send(new DescribeClientVpnEndpointsCommand({}), { abortSignal: AbortSignal.timeout(500) }));
    expect(stalled.name).toMatch(/Abort|Timeout/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(fake.faults.pending()).toEqual([]);
  });
});
