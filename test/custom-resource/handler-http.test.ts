/**
 * The bundled settings handler (assets/.../index.mjs), imported as an ES module by a Node.js
 * process of its own as the Lambda runtime does, against a fake EC2 and S3 spoken over real
 * HTTP: the AWS SDK's serialization, XML parsing, error classes, abort signals and the handler's
 * own retries all run for real. Nothing leaves 127.0.0.1.
 *
 * The bundle is rebuilt (`npx projen bundle`) when it is older than the handler's sources.
 */
import { ChildProcessWithoutNullStreams, execSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import {
  clientConfigurationFor,
  defaultEndpoint,
  ec2Error,
  FakeAwsServer,
  internalError,
  RESPONSE_PATH,
  s3Error,
  throttled,
} from './fake-ec2-server';
import { ENDPOINT_METADATA, failedCreatePhysicalId, OTHER_ENDPOINT_ID, OWNER_METADATA, settingsPhysicalId } from './handler-fixtures';

type Properties = { [key: string]: string };

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'custom-resource', 'endpoint-settings.lambda', 'index.mjs');
/** What the bundle is built from. */
const HANDLER_SOURCES = ['endpoint-settings.lambda.ts', 'resource-properties.ts'].map((file) => path.join(ROOT, 'src', 'custom-resource', file));

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/ClientVpnStack/5b918d10-cd98-11ea-90d5-0a9cd3354c10';
const LOGICAL_ID = 'EndpointSettings5E3C1B4A';
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:ClientVpnEndpointSettingsHandler';
const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
const PHYSICAL_ID = settingsPhysicalId(ENDPOINT_ID);
const OWNER = `${STACK_ID}/${LOGICAL_ID}`;
const BUCKET = 'client-vpn-configurations';
/** The attributes of the fake's endpoint, as the handler answers them. */
const ATTRIBUTES = {
  DnsName: defaultEndpoint(ENDPOINT_ID).dnsName,
  SelfServicePortalUrl: defaultEndpoint(ENDPOINT_ID).selfServicePortalUrl ?? '',
  // The fake's endpoint is in a VPC: no transit gateway attachment.
  TransitGatewayAttachmentId: '',
};
const LOG_STREAM = '2025/01/13/[$LATEST]0123456789abcdef0123456789abcdef';
const EC2_VERSION = '2016-11-15';
/** Plenty of time: the deadline never shapes these tests unless they say so. */
const RELAXED_REMAINING_MS = 60_000;
/** Far below Lambda's limits: the asset is uploaded with every stack that uses the construct, and read on each cold start. */
const HANDLER_ASSET_BUDGET_BYTES = 8 * 1024;

/** Environment the SDK reads: every endpoint points at the fake, so no request can reach AWS. */
const ENV_KEYS = [
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_S3',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT',
];

let server: FakeAwsServer;
let lambda: WarmLambda;
/** How long the handler itself ran in the last invocation. */
let lastDurationMs = 0;
const savedEnv: { [key: string]: string | undefined } = {};
const logs: string[] = [];
let requestCounter = 0;

beforeAll(async () => {
  const stale = !fs.existsSync(BUNDLE) || HANDLER_SOURCES.some((source) => fs.statSync(BUNDLE).mtimeMs < fs.statSync(source).mtimeMs);
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
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_CONFIG_FILE: path.join(ROOT, 'test', 'custom-resource', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(ROOT, 'test', 'custom-resource', 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  lambda = new WarmLambda();
}, 120_000);

afterAll(async () => {
  lambda?.stop();
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
});

afterEach(() => {
  // Every scripted answer was used, and nothing asked for an API this handler no longer calls.
  expect(server.pendingScripts()).toEqual({});
  expect(server.requests.filter((request) => request.params.Version === '2010-05-15' || request.action === 'DescribeStackResource')).toEqual([]);
});

/**
 * A warm Lambda: a Node.js process of its own that imports the bundle once, after the environment
 * above is set, then runs one event per line of stdin and answers with a line of what the handler
 * logged and how long it ran.
 */
const LAMBDA_RUNNER = `
import { createInterface } from 'readline';
import { pathToFileURL } from 'url';
import { format } from 'util';
const answer = process.stdout.write.bind(process.stdout);
const { handler } = await import(pathToFileURL(process.argv[1]).href);
let logged = [];
console.log = console.error = (...args) => logged.push(format(...args));
for await (const line of createInterface({ input: process.stdin })) {
  const { event, remainingMs, logStreamName } = JSON.parse(line);
  logged = [];
  const started = Date.now();
  await handler(event, {
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - started)),
  });
  answer(JSON.stringify({ logged, durationMs: Date.now() - started }) + '\\n');
}
`;

interface Run {
  readonly logged: string[];
  readonly durationMs: number;
}

class WarmLambda {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (run: Run) => void; reject: (error: Error) => void }> = [];
  private stderr = '';

  constructor() {
    this.process = spawn(process.execPath, ['--input-type=module', '-e', LAMBDA_RUNNER, BUNDLE], { env: process.env });
    this.process.stderr.on('data', (chunk) => this.stderr += chunk);
    createInterface({ input: this.process.stdout }).on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line)));
    this.process.on('exit', (code) => {
      for (const { reject } of this.waiting.splice(0)) {
        reject(new Error(`The Lambda process exited with ${code}: ${this.stderr}`));
      }
    });
  }

  public invoke(event: CloudFormationCustomResourceEvent, remainingMs: number): Promise<Run> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.process.stdin.write(`${JSON.stringify({ event, remainingMs, logStreamName: LOG_STREAM })}\n`);
    });
  }

  public stop(): void {
    this.process.stdin.end();
  }
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
  const run = await lambda.invoke(event, remainingMs);
  logs.splice(0, logs.length, ...run.logged);
  lastDurationMs = run.durationMs;
  const responses = server.responsesFor(event.RequestId);
  expect(responses).toHaveLength(before + 1);
  const response = responses[responses.length - 1];
  expect(response).toMatchObject({ StackId: STACK_ID, RequestId: event.RequestId, LogicalResourceId: LOGICAL_ID });
  return response;
}

function describeParams(endpointId = ENDPOINT_ID) {
  return { 'Action': 'DescribeClientVpnEndpoints', 'Version': EC2_VERSION, 'ClientVpnEndpointId.1': endpointId };
}

function modifyParams(settings: Properties) {
  return { Action: 'ModifyClientVpnEndpoint', Version: EC2_VERSION, ClientVpnEndpointId: ENDPOINT_ID, ...settings };
}

/** CreateTags or DeleteTags as the EC2 Query API receives them. */
function tagParams(action: 'CreateTags' | 'DeleteTags', tags: Array<[string, string]>, endpointId = ENDPOINT_ID) {
  return {
    'Action': action,
    'Version': EC2_VERSION,
    'ResourceId.1': endpointId,
    ...Object.fromEntries(tags.flatMap(([key, value], i) => [[`Tag.${i + 1}.Key`, key], [`Tag.${i + 1}.Value`, value]])),
  };
}

function tagsJson(tags: Array<[string, string]>): string {
  return JSON.stringify(tags.map(([Key, Value]) => ({ Key, Value })));
}

function liveTags(endpointId = ENDPOINT_ID): Array<[string, string]> {
  return (server.endpoints.get(endpointId)?.tags ?? []).map(({ key, value }) => [key, value]);
}

/** A PEM CRL as the construct accepts it: 64-character base64 lines holding '+' and '/'. */
function pemCrl(lineEnding: string): string {
  const der = Buffer.from(Array.from({ length: 330 }, (_, i) => (i * 151 + 7) % 256));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN X509 CRL-----', ...lines, '-----END X509 CRL-----', ''].join(lineEnding);
}

describe('the bundled settings handler against a fake EC2 Query API and S3', () => {
  test('Create answers SUCCESS with DnsName, SelfServicePortalUrl and TransitGatewayAttachmentId read from the DescribeClientVpnEndpoints XML', async () => {
    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12}' }));

    expect(response).toEqual({
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: LOGICAL_ID,
      Status: 'SUCCESS',
      PhysicalResourceId: `cvpn-settings:${ENDPOINT_ID}`,
      Data: ATTRIBUTES,
    });
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

    const response = await invoke(createEvent({ EndpointId: ENDPOINT_ID }));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(response.Data).toEqual(ATTRIBUTES);
    const describes = server.calls('DescribeClientVpnEndpoints');
    expect(describes.map((request) => request.status)).toEqual([503, 200]);
    expect(describes.map((request) => request.params)).toEqual([describeParams(), describeParams()]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'DescribeClientVpnEndpoints']);
    // The first backoff waits at least half of its 500 ms ceiling.
    expect(lastDurationMs).toBeGreaterThanOrEqual(245);
    expect(logs).toContain('Retrying DescribeClientVpnEndpoints (attempt 1): RequestLimitExceeded: Request limit exceeded. (HTTP 503)');
  }, 10_000);

  test('a persistent 500 InternalError fails the Create within the time budget, after a bounded number of attempts', async () => {
    server.failAlways('DescribeClientVpnEndpoints', internalError());
    const event = createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' });

    // 8 s left, 5 s kept back for the response: a 3 s budget for the calls.
    const response = await invoke(event, 8_000);

    const attempts = server.calls('DescribeClientVpnEndpoints').length;
    expect(response).toEqual({
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: LOGICAL_ID,
      Status: 'FAILED',
      PhysicalResourceId: failedCreatePhysicalId(event.RequestId),
      Reason: `DescribeClientVpnEndpoints failed after ${attempts} attempts: InternalError: An internal error has occurred. Please try again later. (HTTP 500) (log stream ${LOG_STREAM})`,
    });
    // Jittered backoff of 250-500, 500-1000, 1000-2000 ms: the 3rd attempt always fits in 3 s, a 5th never does.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(server.apiActions().every((action) => action === 'DescribeClientVpnEndpoints')).toBe(true);
    expect(lastDurationMs).toBeLessThan(4_000);
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

  test('Create fails, without retrying, with the error DescribeClientVpnEndpoints answers for an unknown endpoint', async () => {
    const response = await invoke(createEvent({ EndpointId: 'cvpn-endpoint-0000000000000000f' }));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'DescribeClientVpnEndpoints failed: InvalidClientVpnEndpointId.NotFound: '
        + `The Client VPN endpoint ID 'cvpn-endpoint-0000000000000000f' does not exist (HTTP 400) (log stream ${LOG_STREAM})`,
    });
    expect(server.calls('DescribeClientVpnEndpoints').map((request) => [request.status, request.params])).toEqual([
      [400, describeParams('cvpn-endpoint-0000000000000000f')],
    ]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('Create tags the endpoint with CreateTags, and an Update that changes nothing then reads the tags back from the tagSet XML', async () => {
    server.endpoints.get(ENDPOINT_ID)!.tags = [{ key: 'aws:cloudformation:stack-name', value: 'ClientVpnStack' }];
    const properties = { EndpointId: ENDPOINT_ID, Tags: tagsJson([['CostCenter', '42'], ['Team', 'network & <ops>'], ['Empty', '']]) };

    const created = await invoke(createEvent(properties));

    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
    expect(server.calls('CreateTags')[0].params).toEqual(tagParams('CreateTags', [['CostCenter', '42'], ['Team', 'network & <ops>'], ['Empty', '']]));
    expect(liveTags()).toEqual([['aws:cloudformation:stack-name', 'ClientVpnStack'], ['CostCenter', '42'], ['Team', 'network & <ops>'], ['Empty', '']]);
    server.clearRequests();

    const updated = await invoke(updateEvent(PHYSICAL_ID, properties, properties));

    // The escaped value and the empty one are read back as they are: nothing to set.
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: ATTRIBUTES });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('an Update of the tags deletes the removed ones by key and value, sets the rest, and leaves a tag changed by hand', async () => {
    server.endpoints.get(ENDPOINT_ID)!.tags = [
      { key: 'aws:cloudformation:stack-name', value: 'ClientVpnStack' },
      { key: 'CostCenter', value: '42' },
      { key: 'Old', value: 'x' },
      { key: 'Owner', value: 'changed-by-hand' },
    ];

    const response = await invoke(updateEvent(
      PHYSICAL_ID,
      { EndpointId: ENDPOINT_ID, Tags: tagsJson([['CostCenter', '43'], ['Team', 'a']]) },
      { EndpointId: ENDPOINT_ID, Tags: tagsJson([['CostCenter', '42'], ['Old', 'x'], ['Owner', 'platform']]) },
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'DeleteTags', 'CreateTags']);
    expect(server.calls('DeleteTags')[0].params).toEqual(tagParams('DeleteTags', [['Old', 'x']]));
    expect(server.calls('CreateTags')[0].params).toEqual(tagParams('CreateTags', [['CostCenter', '43'], ['Team', 'a']]));
    expect(liveTags()).toEqual([['aws:cloudformation:stack-name', 'ClientVpnStack'], ['CostCenter', '43'], ['Owner', 'changed-by-hand'], ['Team', 'a']]);
  });

  test('Create then Delete: the settings stay (they go forward only), the tags and the file go, and no other API is asked', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      ApiSettings: '{"DisconnectOnSessionTimeout":false}',
      Tags: tagsJson([['CostCenter', '42']]),
      ConfigurationBucket: BUCKET,
      ConfigurationKey: `${ENDPOINT_ID}.ovpn`,
    };
    const created = await invoke(createEvent(properties));
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);
    expect(server.objects.has(`${BUCKET}/${ENDPOINT_ID}.ovpn`)).toBe(true);
    server.clearRequests();

    const deleted = await invoke(deleteEvent(PHYSICAL_ID, properties));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DeleteTags', 'HeadObject', 'DeleteObject']);
    expect(server.calls('DeleteTags')[0].params).toEqual(tagParams('DeleteTags', [['CostCenter', '42']]));
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);
    expect(liveTags()).toEqual([]);
    expect(server.objects.size).toBe(0);
  });

  test('Delete answers SUCCESS, logging the 400 InvalidClientVpnEndpointId.NotFound of DeleteTags, when the endpoint is already gone', async () => {
    server.endpoints.delete(ENDPOINT_ID);

    const response = await invoke(deleteEvent(PHYSICAL_ID, { EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}', Tags: tagsJson([['CostCenter', '42']]) }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.calls('DeleteTags').map((request) => [request.status, request.params])).toEqual([[400, tagParams('DeleteTags', [['CostCenter', '42']])]]);
    expect(server.apiActions()).toEqual(['DeleteTags']);
    expect(logs).toContain('Left as it is: DeleteTags failed: InvalidClientVpnEndpointId.NotFound: '
      + `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist (HTTP 400)`);
  });

  // The handler prevents repeats itself (it never throws, and the function has no async retries);
  // if one happens anyway, it succeeds again with the same id and settings.
  test('a repeated Create (the same event twice) answers SUCCESS both times with the same id, and applies the same settings', async () => {
    const event = createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}', Tags: tagsJson([['CostCenter', '42']]) });

    const first = await invoke(event);
    const second = await invoke(event);

    expect(first).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(second).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    // The second finds the tag in place.
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'CreateTags',
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint',
    ]);
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => request.params)).toEqual([
      modifyParams({ DisconnectOnSessionTimeout: 'false' }),
      modifyParams({ DisconnectOnSessionTimeout: 'false' }),
    ]);
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);
  });

  test('an Update that changes nothing makes one DescribeClientVpnEndpoints request, and answers the attributes as they are now', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      CertificateRevocationList: pemCrl('\n'),
      ConfigurationBucket: BUCKET,
      ConfigurationKey: 'office.ovpn',
      ConfigurationInputs: '{"port":443,"splitTunnel":false}',
      ApiSettings: '{"DisconnectOnSessionTimeout":false,"SessionTimeoutHours":12}',
      Tags: tagsJson([['CostCenter', '42']]),
    };
    const created = await invoke(createEvent(properties));
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: ATTRIBUTES });
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
    server.clearRequests();
    // The portal changed since: a stored copy of the attributes would be stale.
    server.endpoints.get(ENDPOINT_ID)!.selfServicePortalUrl = undefined;

    const updated = await invoke(updateEvent(created.PhysicalResourceId, properties, { ...properties, ServiceToken: `${SERVICE_TOKEN}-v2` }));

    expect(updated).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Data: { DnsName: ATTRIBUTES.DnsName, SelfServicePortalUrl: '', TransitGatewayAttachmentId: '' },
    });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('the transit gateway attachment id is read from the DescribeClientVpnEndpoints XML of an endpoint attached to a transit gateway', async () => {
    server.endpoints.get(ENDPOINT_ID)!.transitGateway = {
      transitGatewayId: 'tgw-0123456789abcdef0',
      transitGatewayAttachmentId: 'tgw-attach-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
    };

    const created = await invoke(createEvent({ EndpointId: ENDPOINT_ID }));

    expect(created).toMatchObject({ Status: 'SUCCESS', Data: { ...ATTRIBUTES, TransitGatewayAttachmentId: 'tgw-attach-0123456789abcdef0' } });
    server.clearRequests();
    // Before the attachment exists, the configuration has no attachment id: the attribute is empty.
    server.endpoints.get(ENDPOINT_ID)!.transitGateway!.transitGatewayAttachmentId = undefined;

    const updated = await invoke(updateEvent(created.PhysicalResourceId, { EndpointId: ENDPOINT_ID }, { EndpointId: ENDPOINT_ID }));

    expect(updated).toMatchObject({ Status: 'SUCCESS', Data: ATTRIBUTES });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('an Update whose ModifyClientVpnEndpoint fails (400 InvalidParameterValue) puts the earlier values back, and its rollback succeeds', async () => {
    const original = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12,"DisconnectOnSessionTimeout":false}' };
    const changed = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":8,"DisconnectOnSessionTimeout":true}' };
    const created = await invoke(createEvent(original));
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    server.clearRequests();

    server.respondNext('ModifyClientVpnEndpoint', ec2Error(400, 'InvalidParameterValue', 'The session timeout value is not valid for this endpoint.'));
    const failed = await invoke(updateEvent(PHYSICAL_ID, changed, original));

    expect(failed).toEqual({
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: LOGICAL_ID,
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_ID,
      Reason: `ModifyClientVpnEndpoint failed: InvalidParameterValue: The session timeout value is not valid for this endpoint. (HTTP 400) (log stream ${LOG_STREAM})`,
    });
    // The Modify that failed may have applied part of it: the values read before are sent again, parsed from the XML as they were.
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'ModifyClientVpnEndpoint']);
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => [request.status, request.params])).toEqual([
      [400, modifyParams({ SessionTimeoutHours: '8', DisconnectOnSessionTimeout: 'true' })],
      [200, modifyParams({ SessionTimeoutHours: '12', DisconnectOnSessionTimeout: 'false' })],
    ]);
    server.clearRequests();

    // CloudFormation rolls back: old and new properties swap, the physical id stays.
    const rolledBack = await invoke(updateEvent(PHYSICAL_ID, original, changed));

    expect(rolledBack).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(server.endpoints.get(ENDPOINT_ID)).toMatchObject({ sessionTimeoutHours: 12, disconnectOnSessionTimeout: false });

    // And the stack's Delete leaves the settings where the template put them.
    server.clearRequests();
    expect(await invoke(deleteEvent(PHYSICAL_ID, original))).toMatchObject({ Status: 'SUCCESS' });
    expect(server.apiActions()).toEqual([]);
    expect(server.endpoints.get(ENDPOINT_ID)).toMatchObject({ sessionTimeoutHours: 12, disconnectOnSessionTimeout: false });
  });

  test('an Update whose export fails after it changed settings and tags leaves the endpoint as it was before answering FAILED', async () => {
    const before = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12}', Tags: tagsJson([['CostCenter', '42'], ['Old', 'x']]) };
    const after = {
      EndpointId: ENDPOINT_ID,
      ApiSettings: '{"SessionTimeoutHours":8,"DisconnectOnSessionTimeout":false}',
      Tags: tagsJson([['CostCenter', '43'], ['Team', 'a']]),
      ConfigurationBucket: BUCKET,
      ConfigurationKey: 'office.ovpn',
    };
    expect(await invoke(createEvent(before))).toMatchObject({ Status: 'SUCCESS' });
    const endpointBefore = structuredClone(server.endpoints.get(ENDPOINT_ID));
    server.clearRequests();
    server.respondNext('ExportClientVpnClientConfiguration', ec2Error(400, 'InvalidClientVpnEndpointState', 'The endpoint is pending-associate.'));

    const failed = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'DeleteTags', 'CreateTags', 'ExportClientVpnClientConfiguration',
      'DeleteTags', 'CreateTags', 'ModifyClientVpnEndpoint',
    ]);
    expect(server.calls('ModifyClientVpnEndpoint')[1].params).toEqual(modifyParams({ SessionTimeoutHours: '12', DisconnectOnSessionTimeout: 'true' }));
    expect(server.endpoints.get(ENDPOINT_ID)).toEqual(endpointBefore);
    expect(server.objects.size).toBe(0);
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

  test('ExportClientVpnClientConfiguration is written to S3 marked with its owner and endpoint, and removed by the final Delete', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      ConfigurationBucket: BUCKET,
      ConfigurationKey: 'office/all staff.ovpn',
      ConfigurationKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ConfigurationInputs: '{"port":443}',
    };
    const created = await invoke(createEvent(properties));

    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject']);
    expect(server.calls('ExportClientVpnClientConfiguration')[0].params).toEqual({
      Action: 'ExportClientVpnClientConfiguration', Version: EC2_VERSION, ClientVpnEndpointId: ENDPOINT_ID,
    });
    const put = server.calls('PutObject')[0];
    expect(put.url.split('?')[0]).toBe(`/${BUCKET}/office/all%20staff.ovpn`);
    const stored = server.objects.get(`${BUCKET}/office/all staff.ovpn`);
    // The XML-escaped <ca> block arrives as the plain file.
    expect(stored?.body).toBe(clientConfigurationFor(server.endpoints.get(ENDPOINT_ID)!));
    expect(stored?.headers).toMatchObject({
      'content-type': 'application/x-openvpn-profile',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': properties.ConfigurationKmsKeyArn,
    });
    expect(server.metadataOf(`${BUCKET}/office/all staff.ovpn`)).toEqual({ [OWNER_METADATA]: OWNER, [ENDPOINT_METADATA]: ENDPOINT_ID });

    server.clearRequests();
    const deleted = await invoke(deleteEvent(created.PhysicalResourceId, properties));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['HeadObject', 'DeleteObject']);
    expect(server.calls('HeadObject')[0].status).toBe(200);
    expect(server.objects.size).toBe(0);
  });

  test('moving the file when the old key is missing: S3 answers HeadObject 403 with no body (no s3:ListBucket), the file is kept and the Update succeeds', async () => {
    const old = { EndpointId: ENDPOINT_ID, ConfigurationBucket: BUCKET, ConfigurationKey: 'gone.ovpn' };
    const moved = { ...old, ConfigurationKey: 'new.ovpn' };

    const response = await invoke(updateEvent(PHYSICAL_ID, moved, old));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject']);
    const head = server.calls('HeadObject')[0];
    expect([head.method, head.url.split('?')[0], head.status]).toEqual(['HEAD', `/${BUCKET}/gone.ovpn`, 403]);
    expect(logs).toContain(`Keeping s3://${BUCKET}/gone.ovpn: missing or not readable (HTTP 403)`);
    expect([...server.objects.keys()]).toEqual([`${BUCKET}/new.ovpn`]);
  });

  test.each<[string, boolean, number]>([
    ['403 with no body, the role cannot list the bucket', false, 403],
    ['404, the role can list the bucket', true, 404],
  ])('Delete succeeds with a log line when the file is already gone: HeadObject answers %s', async (_name, listable, status) => {
    server.bucketListable = listable;

    const response = await invoke(deleteEvent(PHYSICAL_ID, { EndpointId: ENDPOINT_ID, ConfigurationBucket: BUCKET, ConfigurationKey: 'gone.ovpn' }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.calls('HeadObject').map((request) => request.status)).toEqual([status]);
    expect(server.apiActions()).toEqual(['HeadObject']);
    expect(logs).toEqual([
      expect.stringMatching(/^Delete /),
      `Keeping s3://${BUCKET}/gone.ovpn: missing or not readable (HTTP ${status})`,
    ]);
  });

  test('Delete keeps, with a log line, a file it cannot delete (403 AccessDenied)', async () => {
    const properties = { EndpointId: ENDPOINT_ID, ConfigurationBucket: BUCKET, ConfigurationKey: 'office.ovpn' };
    expect(await invoke(createEvent(properties))).toMatchObject({ Status: 'SUCCESS' });
    server.clearRequests();
    server.respondNext('DeleteObject', s3Error(403, 'AccessDenied', 'Access Denied'));

    const response = await invoke(deleteEvent(PHYSICAL_ID, properties));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['HeadObject', 'DeleteObject']);
    expect(logs).toContain(`Keeping s3://${BUCKET}/office.ovpn: DeleteObject failed: AccessDenied: Access Denied (HTTP 403)`);
    expect(server.objects.has(`${BUCKET}/office.ovpn`)).toBe(true);
  });

  test('an endpoint replaced under a fixed key: the Delete of the old resource keeps the file its successor wrote', async () => {
    server.reset(ENDPOINT_ID, OTHER_ENDPOINT_ID);
    const onOld = { EndpointId: ENDPOINT_ID, ConfigurationBucket: BUCKET, ConfigurationKey: 'office.ovpn', Tags: tagsJson([['CostCenter', '42']]) };
    const onNew = { ...onOld, EndpointId: OTHER_ENDPOINT_ID };
    expect(await invoke(createEvent(onOld))).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });

    const replaced = await invoke(updateEvent(PHYSICAL_ID, onNew, onOld));
    expect(replaced).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: settingsPhysicalId(OTHER_ENDPOINT_ID) });
    expect(server.metadataOf(`${BUCKET}/office.ovpn`)).toEqual({ [OWNER_METADATA]: OWNER, [ENDPOINT_METADATA]: OTHER_ENDPOINT_ID });
    server.clearRequests();

    // CloudFormation's cleanup: the old physical id, with the old properties.
    const cleanup = await invoke(deleteEvent(PHYSICAL_ID, onOld));

    expect(cleanup).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(server.apiActions()).toEqual(['DeleteTags', 'HeadObject']);
    expect(server.calls('DeleteTags')[0].params).toEqual(tagParams('DeleteTags', [['CostCenter', '42']], ENDPOINT_ID));
    expect(logs).toContain(`Keeping (not written for this endpoint) s3://${BUCKET}/office.ovpn`);
    expect(server.objects.get(`${BUCKET}/office.ovpn`)?.body).toBe(clientConfigurationFor(server.endpoints.get(OTHER_ENDPOINT_ID)!));
    expect(liveTags(OTHER_ENDPOINT_ID)).toEqual([['CostCenter', '42']]);
  });

  test('a request that never gets an answer is aborted at the deadline: the handler answers FAILED while the Lambda still runs', async () => {
    server.stallNext('DescribeClientVpnEndpoints');
    const event = createEvent({ EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12}' });

    // 6.5 s left, 5 s kept back for the response: aborted 1.5 s in.
    const response = await invoke(event, 6_500);

    expect(response).toEqual({
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: LOGICAL_ID,
      Status: 'FAILED',
      PhysicalResourceId: failedCreatePhysicalId(event.RequestId),
      Reason: expect.stringMatching(new RegExp(`^DescribeClientVpnEndpoints failed: .*abort.* \\(log stream ${LOG_STREAM.replace(/[[\]$]/g, '\\$&')}\\)$`, 'i')),
    });
    expect(server.calls('DescribeClientVpnEndpoints').map((request) => request.status)).toEqual([0]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints']);
    // Not before the deadline, and well before the Lambda's own end (6.5 s): on a loaded 2-core CI
    // machine the answer has taken over a second to follow the abort.
    expect(lastDurationMs).toBeGreaterThanOrEqual(1_400);
    expect(lastDurationMs).toBeLessThan(4_000);
  }, 10_000);

  test('a stalled export is aborted at the deadline, and the settings and tags written before it are still put back', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      ApiSettings: '{"SessionTimeoutHours":12}',
      Tags: tagsJson([['CostCenter', '42']]),
      ConfigurationBucket: BUCKET,
      ConfigurationKey: 'office.ovpn',
    };
    const endpointBefore = structuredClone(server.endpoints.get(ENDPOINT_ID));
    server.stallNext('ExportClientVpnClientConfiguration');

    const response = await invoke(createEvent(properties), 7_000);

    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^ExportClientVpnClientConfiguration failed: .*abort/i) });
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'CreateTags', 'ExportClientVpnClientConfiguration',
      'DeleteTags', 'ModifyClientVpnEndpoint',
    ]);
    expect(server.endpoints.get(ENDPOINT_ID)).toEqual(endpointBefore);
    expect(logs.filter((line) => /^(Left as it is|Keeping s3:.*failed)/.test(line))).toEqual([]);
    expect(lastDurationMs).toBeLessThan(6_000);
  }, 15_000);

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

  test('the bundle fits the handler asset budget of 8 KiB', () => {
    expect(fs.statSync(BUNDLE).size).toBeLessThanOrEqual(HANDLER_ASSET_BUDGET_BYTES);
  });
});
