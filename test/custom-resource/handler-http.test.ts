/**
 * The bundled settings handler (assets/.../index.js, as Lambda runs it) against a fake EC2,
 * CloudFormation and S3 spoken over real HTTP: the AWS SDK's serialization, XML parsing,
 * error classes and the handler's own retries all run for real. Nothing leaves 127.0.0.1.
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  CloudFormationCustomResourceUpdateEvent,
  Context,
} from 'aws-lambda';
import {
  clientConfigurationFor,
  ec2Error,
  FakeAwsServer,
  internalError,
  RESPONSE_PATH,
  throttled,
} from './fake-ec2-server';

type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
type Properties = { [key: string]: string };

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'custom-resource', 'endpoint-settings.lambda', 'index.js');
const HANDLER_SOURCE = path.join(ROOT, 'src', 'custom-resource', 'endpoint-settings.lambda.ts');

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/ClientVpnStack/5b918d10-cd98-11ea-90d5-0a9cd3354c10';
const LOGICAL_ID = 'EndpointSettings5E3C1B4A';
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:ClientVpnEndpointSettingsHandler';
const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
const LOG_STREAM = '2025/01/13/[$LATEST]0123456789abcdef0123456789abcdef';
const EC2_VERSION = '2016-11-15';
/** Plenty of time: the deadline never shapes these tests unless they say so. */
const RELAXED_REMAINING_MS = 60_000;

/** Environment the SDK reads: every endpoint points at the fake, so no request can reach AWS. */
const ENV_KEYS = [
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT',
];

let server: FakeAwsServer;
let handler: Handler;
const savedEnv: { [key: string]: string | undefined } = {};
const logs: string[] = [];
let requestCounter = 0;

beforeAll(async () => {
  const stale = !fs.existsSync(BUNDLE) || fs.statSync(BUNDLE).mtimeMs < fs.statSync(HANDLER_SOURCE).mtimeMs;
  if (stale) {
    execSync('npx projen bundle', { cwd: ROOT, stdio: 'pipe' });
  }

  server = await FakeAwsServer.start();
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key];
    delete process.env[key];
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: server.url,
    AWS_ENDPOINT_URL_EC2: server.url,
    AWS_ENDPOINT_URL_S3: server.url,
    AWS_ENDPOINT_URL_CLOUDFORMATION: server.url,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_CONFIG_FILE: path.join(ROOT, 'test', 'custom-resource', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(ROOT, 'test', 'custom-resource', 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  // The bundle creates its SDK clients when loaded: only now do they see the fake's address.
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require(BUNDLE) as { handler: Handler }).handler;
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) {
      delete process.env[key];
    } else {
      process.env[key] = savedEnv[key];
    }
  }
});

beforeEach(() => {
  server.reset(ENDPOINT_ID);
  logs.length = 0;
  const capture = (...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  };
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function lambdaContext(remainingMs: number): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'ClientVpnEndpointSettingsHandler',
    functionVersion: '$LATEST',
    invokedFunctionArn: SERVICE_TOKEN,
    memoryLimitInMB: '256',
    awsRequestId: `lambda-${requestCounter}`,
    logGroupName: '/aws/lambda/ClientVpnEndpointSettingsHandler',
    logStreamName: LOG_STREAM,
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function common(properties: Properties) {
  requestCounter++;
  const requestId = `7d3b1c2e-0000-4000-8000-${requestCounter.toString().padStart(12, '0')}`;
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: `${server.url}${RESPONSE_PATH}/${requestId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123`,
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::ClientVpnEndpointSettings',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ...properties },
  };
}

function createEvent(properties: Properties): CloudFormationCustomResourceCreateEvent {
  return { ...common(properties), RequestType: 'Create' };
}

function updateEvent(physicalResourceId: string, properties: Properties, oldProperties: Properties): CloudFormationCustomResourceUpdateEvent {
  return {
    ...common(properties),
    RequestType: 'Update',
    PhysicalResourceId: physicalResourceId,
    OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ...oldProperties },
  };
}

function deleteEvent(physicalResourceId: string, properties: Properties): CloudFormationCustomResourceDeleteEvent {
  return { ...common(properties), RequestType: 'Delete', PhysicalResourceId: physicalResourceId };
}

/** Runs the handler and returns the one response it PUT for this request. */
async function invoke(event: CloudFormationCustomResourceEvent, remainingMs = RELAXED_REMAINING_MS): Promise<CloudFormationCustomResourceResponse> {
  const before = server.responsesFor(event.RequestId).length;
  await handler(event, lambdaContext(remainingMs));
  const responses = server.responsesFor(event.RequestId);
  expect(responses).toHaveLength(before + 1);
  const response = responses[responses.length - 1];
  expect(response).toMatchObject({ StackId: STACK_ID, RequestId: event.RequestId, LogicalResourceId: LOGICAL_ID });
  return response;
}

/** The settings a physical id says to restore on Delete. */
function restoreOf(physicalResourceId: string): unknown {
  const [prefix, endpointId, encoded] = physicalResourceId.split(':');
  expect(prefix).toBe('cvpn-settings');
  expect(endpointId).toBe(ENDPOINT_ID);
  return encoded === undefined ? {} : JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
}

function describeParams(endpointId = ENDPOINT_ID) {
  return { 'Action': 'DescribeClientVpnEndpoints', 'Version': EC2_VERSION, 'ClientVpnEndpointId.1': endpointId };
}

function modifyParams(settings: Properties) {
  return { Action: 'ModifyClientVpnEndpoint', Version: EC2_VERSION, ClientVpnEndpointId: ENDPOINT_ID, ...settings };
}

/** A PEM CRL as the construct accepts it: 64-character base64 lines holding '+' and '/'. */
function pemCrl(lineEnding: string): string {
  const der = Buffer.from(Array.from({ length: 330 }, (_, i) => (i * 151 + 7) % 256));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN X509 CRL-----', ...lines, '-----END X509 CRL-----', ''].join(lineEnding);
}

describe('the bundled settings handler against a fake EC2 Query API', () => {
  test('Create answers SUCCESS with DnsName and SelfServicePortalUrl read from the DescribeClientVpnEndpoints XML', async () => {
    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12}' }));

    expect(response).toEqual({
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: LOGICAL_ID,
      Status: 'SUCCESS',
      PhysicalResourceId: expect.stringMatching(/^cvpn-settings:cvpn-endpoint-0123456789abcdef0:/),
      Data: {
        DnsName: '*.cvpn-endpoint-0123456789abcdef0.prod.clientvpn.us-east-1.amazonaws.com',
        SelfServicePortalUrl: 'https://self-service.clientvpn.amazonaws.com/endpoints/cvpn-endpoint-0123456789abcdef0',
      },
    });
    // The value to restore was parsed from <sessionTimeoutHours>24</sessionTimeoutHours> as a number.
    expect(restoreOf(response.PhysicalResourceId)).toEqual({ SessionTimeoutHours: 24 });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(server.calls('DescribeClientVpnEndpoints')[0].params).toEqual(describeParams());
    expect(server.calls('ModifyClientVpnEndpoint')[0].params).toEqual(modifyParams({ SessionTimeoutHours: '12' }));
    expect(server.calls('ModifyClientVpnEndpoint')[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.endpoints.get(ENDPOINT_ID)?.sessionTimeoutHours).toBe(12);
    // The response went to the pre-signed URL as CloudFormation expects it: a PUT with an empty content type.
    const put = server.calls('Response');
    expect(put).toHaveLength(1);
    expect(put[0].method).toBe('PUT');
    expect(put[0].url).toContain('X-Amz-Signature=abc123');
    expect(put[0].headers['content-type']).toBe('');
  });

  test('a throttled DescribeClientVpnEndpoints (503 RequestLimitExceeded) is retried once, then Create succeeds', async () => {
    server.respondNext('DescribeClientVpnEndpoints', throttled());

    const started = Date.now();
    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID }));
    const elapsed = Date.now() - started;

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(`cvpn-settings:${ENDPOINT_ID}`);
    expect(response.Data).toEqual({
      DnsName: `*.${ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`,
      SelfServicePortalUrl: `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}`,
    });
    const describes = server.calls('DescribeClientVpnEndpoints');
    expect(describes.map((request) => request.status)).toEqual([503, 200]);
    expect(describes.map((request) => request.params)).toEqual([describeParams(), describeParams()]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'DescribeClientVpnEndpoints']);
    expect(server.pendingScripts()).toEqual({});
    // The first backoff waits at least half of its 500 ms ceiling.
    expect(elapsed).toBeGreaterThanOrEqual(245);
    expect(logs.some((line) => line.startsWith('Retrying DescribeClientVpnEndpoints after RequestLimitExceeded: Request limit exceeded.'))).toBe(true);
  }, 10_000);

  test('a persistent 500 InternalError fails the Create within the time budget, after a bounded number of attempts', async () => {
    server.failAlways('DescribeClientVpnEndpoints', internalError());
    const event = createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' });

    // 8 s left, 5 s kept back for the response: a 3 s budget for the calls.
    const started = Date.now();
    const response = await invoke(event, 8_000);
    const elapsed = Date.now() - started;

    const attempts = server.calls('DescribeClientVpnEndpoints').length;
    expect(response).toEqual({
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: LOGICAL_ID,
      Status: 'FAILED',
      PhysicalResourceId: `cvpn-settings-failed-${event.RequestId}`,
      Reason: `DescribeClientVpnEndpoints failed after ${attempts} attempts: InternalError: An internal error has occurred. Please try again later. (HTTP 500) (log stream ${LOG_STREAM})`,
    });
    // Jittered backoff of 250-500, 500-1000, 1000-2000 ms: the 3rd attempt always fits in 3 s, a 5th never does.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(attempts).toBeLessThanOrEqual(8);
    expect(server.apiActions().every((action) => action === 'DescribeClientVpnEndpoints')).toBe(true);
    expect(elapsed).toBeLessThan(4_000);
  }, 15_000);

  test('a 500 without an EC2 error document still gives a Reason that names the HTTP status', async () => {
    server.failAlways('DescribeClientVpnEndpoints', { status: 500, body: '' });

    // 6 s left: a 1 s budget, room for two or three attempts.
    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID }), 6_000);

    expect(response.Status).toBe('FAILED');
    const attempts = server.calls('DescribeClientVpnEndpoints').length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    const reason = response.Status === 'FAILED' ? response.Reason : '';
    expect(reason).toContain(`(log stream ${LOG_STREAM})`);
    // "Unknown: Unknown" tells an operator nothing: the status (or the operation) must be in it.
    expect(reason).toMatch(/500|DescribeClientVpnEndpoints/);
  }, 10_000);

  test('a client error (400 UnauthorizedOperation) is not retried', async () => {
    server.failAlways('DescribeClientVpnEndpoints', ec2Error(400, 'UnauthorizedOperation', 'You are not authorized to perform this operation.'));

    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID }));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: `DescribeClientVpnEndpoints failed: UnauthorizedOperation: You are not authorized to perform this operation. (HTTP 400) (log stream ${LOG_STREAM})`,
    });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('Create fails, without retrying, when DescribeClientVpnEndpoints answers InvalidClientVpnEndpointId.NotFound', async () => {
    const response = await invoke(createEvent({ EndpointId: 'cvpn-endpoint-0000000000000000f' }));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: `Client VPN endpoint cvpn-endpoint-0000000000000000f does not exist (log stream ${LOG_STREAM})`,
    });
    expect(server.calls('DescribeClientVpnEndpoints').map((request) => [request.status, request.params])).toEqual([
      [400, describeParams('cvpn-endpoint-0000000000000000f')],
    ]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('Delete answers SUCCESS when the endpoint is already gone (400 InvalidClientVpnEndpointId.NotFound)', async () => {
    const physicalId = `cvpn-settings:${ENDPOINT_ID}:${Buffer.from('{"DisconnectOnSessionTimeout":true}').toString('base64url')}`;
    server.stackResources.set(LOGICAL_ID, physicalId);
    server.endpoints.delete(ENDPOINT_ID);

    const response = await invoke(deleteEvent(physicalId, { EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(server.apiActions()).toEqual(['DescribeStackResource', 'DescribeClientVpnEndpoints']);
    expect(server.calls('DescribeStackResource')[0].params).toEqual({
      Action: 'DescribeStackResource',
      Version: '2010-05-15',
      StackName: STACK_ID,
      LogicalResourceId: LOGICAL_ID,
    });
    expect(server.calls('DescribeClientVpnEndpoints').map((request) => request.status)).toEqual([400]);
    expect(server.calls('ModifyClientVpnEndpoint')).toHaveLength(0);
  });

  test('Create then Delete puts back the value the endpoint had, and a Delete after a replacement touches nothing', async () => {
    const properties = { EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' };
    const created = await invoke(createEvent(properties));
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);

    // CloudFormation now knows another physical id for the resource: this Delete is an update's cleanup.
    server.stackResources.set(LOGICAL_ID, `cvpn-settings:${ENDPOINT_ID}`);
    server.clearRequests();
    expect(await invoke(deleteEvent(created.PhysicalResourceId, properties))).toMatchObject({ Status: 'SUCCESS' });
    expect(server.apiActions()).toEqual(['DescribeStackResource']);
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);

    // The stack's own Delete.
    server.stackResources.set(LOGICAL_ID, created.PhysicalResourceId);
    server.clearRequests();
    const deleted = await invoke(deleteEvent(created.PhysicalResourceId, properties));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(server.apiActions()).toEqual(['DescribeStackResource', 'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(server.calls('ModifyClientVpnEndpoint')[0].params).toEqual(modifyParams({ DisconnectOnSessionTimeout: 'true' }));
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(true);
  });

  // The handler prevents repeats itself (it never throws, and the function has no async retries);
  // if one happens anyway, it succeeds again, though the second remembers the value the first applied.
  test('a repeated Create (the same event twice) answers SUCCESS both times and applies the same settings', async () => {
    const event = createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' });

    const first = await invoke(event);
    const second = await invoke(event);

    expect(first.Status).toBe('SUCCESS');
    expect(second.Status).toBe('SUCCESS');
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint',
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint',
    ]);
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => request.params)).toEqual([
      modifyParams({ DisconnectOnSessionTimeout: 'false' }),
      modifyParams({ DisconnectOnSessionTimeout: 'false' }),
    ]);
    // The endpoint had DisconnectOnSessionTimeout=true before this resource existed: that is what Delete must put back.
    expect(restoreOf(first.PhysicalResourceId)).toEqual({ DisconnectOnSessionTimeout: true });
    expect(second.PhysicalResourceId.startsWith(`cvpn-settings:${ENDPOINT_ID}`)).toBe(true);
  });

  test('an Update that changes nothing answers SUCCESS and sends no write request', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      CertificateRevocationList: pemCrl('\n'),
      ConfigurationBucket: 'client-vpn-configurations',
      ConfigurationKey: 'office.ovpn',
      ConfigurationInputs: '{"port":443,"splitTunnel":false}',
      ApiSettings: '{"DisconnectOnSessionTimeout":false,"SessionTimeoutHours":12}',
    };
    const created = await invoke(createEvent(properties));
    expect(created.Status).toBe('SUCCESS');
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
    server.clearRequests();

    const updated = await invoke(updateEvent(created.PhysicalResourceId, properties, properties));

    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId, Data: created.Data });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('an Update whose ModifyClientVpnEndpoint fails (400 InvalidParameterValue) is undone by the rollback Update', async () => {
    const original = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12,"DisconnectOnSessionTimeout":false}' };
    const changed = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":8,"DisconnectOnSessionTimeout":true}' };
    const created = await invoke(createEvent(original));
    expect(created.Status).toBe('SUCCESS');
    expect(restoreOf(created.PhysicalResourceId)).toEqual({ SessionTimeoutHours: 24, DisconnectOnSessionTimeout: true });
    server.clearRequests();

    server.respondNext('ModifyClientVpnEndpoint', ec2Error(400, 'InvalidParameterValue', 'The session timeout value is not valid for this endpoint.'));
    const failed = await invoke(updateEvent(created.PhysicalResourceId, changed, original));

    expect(failed).toEqual({
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: LOGICAL_ID,
      Status: 'FAILED',
      PhysicalResourceId: created.PhysicalResourceId,
      Reason: `ModifyClientVpnEndpoint failed: InvalidParameterValue: The session timeout value is not valid for this endpoint. (HTTP 400) (log stream ${LOG_STREAM})`,
    });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(server.calls('ModifyClientVpnEndpoint')[0].params).toEqual(modifyParams({ SessionTimeoutHours: '8', DisconnectOnSessionTimeout: 'true' }));
    expect(server.pendingScripts()).toEqual({});
    server.clearRequests();

    // CloudFormation rolls back: old and new properties swap, the physical id stays.
    const rolledBack = await invoke(updateEvent(created.PhysicalResourceId, original, changed));

    expect(rolledBack).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(server.calls('ModifyClientVpnEndpoint')[0].params).toEqual(modifyParams({ SessionTimeoutHours: '12', DisconnectOnSessionTimeout: 'false' }));
    expect(server.endpoints.get(ENDPOINT_ID)).toMatchObject({ sessionTimeoutHours: 12, disconnectOnSessionTimeout: false });

    // And the stack's Delete still puts back what the endpoint had before any of it.
    server.clearRequests();
    expect(await invoke(deleteEvent(created.PhysicalResourceId, original))).toMatchObject({ Status: 'SUCCESS' });
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => request.params)).toEqual([
      modifyParams({ SessionTimeoutHours: '24', DisconnectOnSessionTimeout: 'true' }),
    ]);
  });

  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('ImportClientVpnClientCertificateRevocationList receives a multi-line %s PEM intact', async (_name, lineEnding) => {
    const crl = pemCrl(lineEnding);
    expect(crl).toMatch(/\+/);
    expect(crl).toMatch(/\//);
    expect(crl.split(lineEnding).length).toBeGreaterThan(5);

    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID, CertificateRevocationList: crl }));

    expect(response.Status).toBe('SUCCESS');
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ImportClientVpnClientCertificateRevocationList']);
    const imported = server.calls('ImportClientVpnClientCertificateRevocationList')[0];
    expect(imported.params).toEqual({
      Action: 'ImportClientVpnClientCertificateRevocationList',
      Version: EC2_VERSION,
      ClientVpnEndpointId: ENDPOINT_ID,
      CertificateRevocationList: crl,
    });
    // Form encoding: '+' must travel as %2B, or the server would read a space.
    expect(imported.body).toContain('%2B');
    expect(imported.body).not.toMatch(/CertificateRevocationList=[^&]*\+/);
    expect(server.endpoints.get(ENDPOINT_ID)?.certificateRevocationList).toBe(crl);
  });

  test('ExportClientVpnClientConfiguration is written to S3 with its owner mark, and removed by the final Delete', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      ConfigurationBucket: 'client-vpn-configurations',
      ConfigurationKey: 'office/all staff.ovpn',
      ConfigurationKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ConfigurationInputs: '{"port":443}',
    };
    const created = await invoke(createEvent(properties));

    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `cvpn-settings:${ENDPOINT_ID}` });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject']);
    expect(server.calls('ExportClientVpnClientConfiguration')[0].params).toEqual({
      Action: 'ExportClientVpnClientConfiguration', Version: EC2_VERSION, ClientVpnEndpointId: ENDPOINT_ID,
    });
    const put = server.calls('PutObject')[0];
    expect(put.url.split('?')[0]).toBe('/client-vpn-configurations/office/all%20staff.ovpn');
    const stored = server.objects.get('client-vpn-configurations/office/all staff.ovpn');
    // The XML-escaped <ca> block arrives as the plain file.
    expect(stored?.body).toBe(clientConfigurationFor(server.endpoints.get(ENDPOINT_ID)!));
    expect(stored?.headers).toMatchObject({
      'content-type': 'application/x-openvpn-profile',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': properties.ConfigurationKmsKeyArn,
      'x-amz-meta-cdk-client-vpn-owner': `${STACK_ID}/${LOGICAL_ID}`,
    });

    server.clearRequests();
    const deleted = await invoke(deleteEvent(created.PhysicalResourceId, properties));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(server.apiActions()).toEqual(['DescribeStackResource', 'HeadObject', 'DeleteObject']);
    expect(server.objects.size).toBe(0);
  });

  test('a nested ApiSettings structure is serialized the EC2 Query way', async () => {
    const apiSettings = {
      DevicePostureOptions: {
        Enabled: true,
        TrustProviders: [{ TrustProviderType: 'crowdstrike', TenantId: 'tenant-1', PublicSigningKeyUrl: 'https://keys.example.com/a?b=c&d' }],
      },
    };

    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: JSON.stringify(apiSettings) }));

    expect(response.Status).toBe('SUCCESS');
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => request.params)).toEqual([modifyParams({
      'DevicePostureOptions.Enabled': 'true',
      'DevicePostureOptions.TrustProvider.1.TrustProviderType': 'crowdstrike',
      'DevicePostureOptions.TrustProvider.1.TenantId': 'tenant-1',
      'DevicePostureOptions.TrustProvider.1.PublicSigningKeyUrl': 'https://keys.example.com/a?b=c&d',
    })]);
  });

  test('an ApiSettings key the SDK does not model is sent or refused, never dropped silently', async () => {
    // apiSettings exists for ModifyClientVpnEndpoint parameters the construct has no prop for, such as
    // ones newer than the SDK the Lambda runtime ships.
    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"FutureEndpointSetting":"enabled"}' }));

    const modifies = server.calls('ModifyClientVpnEndpoint').map((request) => request.params);
    const sent = modifies.some((params) => params.FutureEndpointSetting === 'enabled');
    const refused = response.Status === 'FAILED' && response.Reason.includes('FutureEndpointSetting');
    const outcome = sent ? 'sent' : refused ? 'refused'
      : `dropped: ${response.Status}, ModifyClientVpnEndpoint requests ${JSON.stringify(modifies)}`;
    expect(['sent', 'refused']).toContain(outcome);
  });
});
