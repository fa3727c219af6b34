/**
 * The bundled settings handler (assets/.../index.mjs), imported as an ES module by a Node.js
 * process of its own as the Lambda runtime does, against a fake EC2, CloudFormation and S3
 * spoken over real HTTP: the AWS SDK's serialization, XML parsing, error classes and the
 * handler's own retries all run for real. Nothing leaves 127.0.0.1.
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
  throttled,
} from './fake-ec2-server';
import { rememberedIn, settingsPhysicalId } from './handler-fixtures';

type Properties = { [key: string]: string };

const ROOT = path.join(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'assets', 'custom-resource', 'endpoint-settings.lambda', 'index.mjs');
const HANDLER_SOURCE = path.join(ROOT, 'src', 'custom-resource', 'endpoint-settings.lambda.ts');

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/ClientVpnStack/5b918d10-cd98-11ea-90d5-0a9cd3354c10';
const LOGICAL_ID = 'EndpointSettings5E3C1B4A';
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:ClientVpnEndpointSettingsHandler';
const ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
/** The attributes of the fake's endpoint, as the handler answers them. */
const ATTRIBUTES = {
  DnsName: defaultEndpoint(ENDPOINT_ID).dnsName,
  SelfServicePortalUrl: defaultEndpoint(ENDPOINT_ID).selfServicePortalUrl ?? '',
};
const LOG_STREAM = '2025/01/13/[$LATEST]0123456789abcdef0123456789abcdef';
const EC2_VERSION = '2016-11-15';
/** Plenty of time: the deadline never shapes these tests unless they say so. */
const RELAXED_REMAINING_MS = 60_000;
/** Far below Lambda's limits: the asset is uploaded with every stack that uses the construct, and read on each cold start. */
const HANDLER_ASSET_BUDGET_BYTES = 8 * 1024;

/** Environment the SDK reads: every endpoint points at the fake, so no request can reach AWS. */
const ENV_KEYS = [
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_CLOUDFORMATION',
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
      // The value to restore was parsed from <sessionTimeoutHours>24</sessionTimeoutHours> as a number.
      PhysicalResourceId: settingsPhysicalId(ENDPOINT_ID, { restore: { SessionTimeoutHours: 24 }, attributes: ATTRIBUTES }),
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
    expect(response.PhysicalResourceId).toBe(settingsPhysicalId(ENDPOINT_ID, { restore: {}, attributes: ATTRIBUTES }));
    expect(response.Data).toEqual(ATTRIBUTES);
    const describes = server.calls('DescribeClientVpnEndpoints');
    expect(describes.map((request) => request.status)).toEqual([503, 200]);
    expect(describes.map((request) => request.params)).toEqual([describeParams(), describeParams()]);
    expect(server.apiActions()).toEqual(['DescribeClientVpnEndpoints', 'DescribeClientVpnEndpoints']);
    expect(server.pendingScripts()).toEqual({});
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
      PhysicalResourceId: `cvpn-settings-failed-${event.RequestId}`,
      Reason: `DescribeClientVpnEndpoints failed after ${attempts} attempts: InternalError: An internal error has occurred. Please try again later. (HTTP 500) (log stream ${LOG_STREAM})`,
    });
    // Jittered backoff of 250-500, 500-1000, 1000-2000 ms: the 3rd attempt always fits in 3 s, a 5th never does.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(attempts).toBeLessThanOrEqual(8);
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

  test('Delete answers SUCCESS, logging the 400 InvalidClientVpnEndpointId.NotFound of its restore, when the endpoint is already gone', async () => {
    const physicalId = settingsPhysicalId(ENDPOINT_ID, { restore: { DisconnectOnSessionTimeout: true }, attributes: ATTRIBUTES });
    server.stackResources.set(LOGICAL_ID, physicalId);
    server.endpoints.delete(ENDPOINT_ID);

    const response = await invoke(deleteEvent(physicalId, { EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(server.apiActions()).toEqual(['DescribeStackResource', 'ModifyClientVpnEndpoint']);
    expect(server.calls('DescribeStackResource')[0].params).toEqual({
      Action: 'DescribeStackResource',
      Version: '2010-05-15',
      StackName: STACK_ID,
      LogicalResourceId: LOGICAL_ID,
    });
    expect(server.calls('ModifyClientVpnEndpoint').map((request) => [request.status, request.params]))
      .toEqual([[400, modifyParams({ DisconnectOnSessionTimeout: 'true' })]]);
    expect(logs).toContain('Could not undo: ModifyClientVpnEndpoint failed: InvalidClientVpnEndpointId.NotFound: '
      + `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist (HTTP 400)`);
  });

  test('Create then Delete puts back the value the endpoint had, and a Delete after a replacement touches nothing', async () => {
    const properties = { EndpointId: ENDPOINT_ID, ApiSettings: '{"DisconnectOnSessionTimeout":false}' };
    const created = await invoke(createEvent(properties));
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);

    // CloudFormation now knows another physical id for the resource: this Delete is an update's cleanup.
    server.stackResources.set(LOGICAL_ID, settingsPhysicalId(ENDPOINT_ID, { restore: {}, attributes: ATTRIBUTES }));
    server.clearRequests();
    expect(await invoke(deleteEvent(created.PhysicalResourceId, properties))).toMatchObject({ Status: 'SUCCESS' });
    expect(server.apiActions()).toEqual(['DescribeStackResource']);
    expect(server.endpoints.get(ENDPOINT_ID)?.disconnectOnSessionTimeout).toBe(false);

    // The stack's own Delete.
    server.stackResources.set(LOGICAL_ID, created.PhysicalResourceId);
    server.clearRequests();
    const deleted = await invoke(deleteEvent(created.PhysicalResourceId, properties));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(server.apiActions()).toEqual(['DescribeStackResource', 'ModifyClientVpnEndpoint']);
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
    expect(rememberedIn(first.PhysicalResourceId).restore).toEqual({ DisconnectOnSessionTimeout: true });
    expect(rememberedIn(second.PhysicalResourceId).restore).toEqual({ DisconnectOnSessionTimeout: false });
  });

  test('an Update that changes nothing sends no request to AWS, yet answers the attributes of the Create', async () => {
    const properties = {
      EndpointId: ENDPOINT_ID,
      CertificateRevocationList: pemCrl('\n'),
      ConfigurationBucket: 'client-vpn-configurations',
      ConfigurationKey: 'office.ovpn',
      ConfigurationInputs: '{"port":443,"splitTunnel":false}',
      ApiSettings: '{"DisconnectOnSessionTimeout":false,"SessionTimeoutHours":12}',
    };
    const created = await invoke(createEvent(properties));
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: ATTRIBUTES });
    expect(server.apiActions()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
    server.clearRequests();

    const updated = await invoke(updateEvent(created.PhysicalResourceId, properties, properties));

    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId, Data: ATTRIBUTES });
    expect(server.apiActions()).toEqual([]);
  });

  test('an Update whose ModifyClientVpnEndpoint fails (400 InvalidParameterValue) is undone by the rollback Update', async () => {
    const original = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":12,"DisconnectOnSessionTimeout":false}' };
    const changed = { EndpointId: ENDPOINT_ID, ApiSettings: '{"SessionTimeoutHours":8,"DisconnectOnSessionTimeout":true}' };
    const created = await invoke(createEvent(original));
    expect(created.Status).toBe('SUCCESS');
    expect(rememberedIn(created.PhysicalResourceId).restore).toEqual({ SessionTimeoutHours: 24, DisconnectOnSessionTimeout: true });
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

    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: settingsPhysicalId(ENDPOINT_ID, { restore: {}, attributes: ATTRIBUTES }) });
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

  test('the bundle fits the handler asset budget of 8 KiB', () => {
    expect(fs.statSync(BUNDLE).size).toBeLessThanOrEqual(HANDLER_ASSET_BUDGET_BYTES);
  });
});
