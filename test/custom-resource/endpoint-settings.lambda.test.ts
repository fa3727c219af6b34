import {
  ClientVpnEndpoint,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  ExportClientVpnClientConfigurationCommand,
  ImportClientVpnClientCertificateRevocationListCommand,
  ModifyClientVpnEndpointCommand,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  ENDPOINT_ID,
  ENDPOINT_METADATA,
  exportMetadata,
  failedCreatePhysicalId,
  LOGICAL_ID,
  OTHER_ENDPOINT_ID,
  OWNER,
  OWNER_METADATA,
  settingsPhysicalId,
  STACK_ID,
} from './handler-fixtures';
import { ResponseRecorder } from './response-recorder';
import { handler } from '../../src/custom-resource/endpoint-settings.lambda';

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);

const BUCKET = 'config-bucket';
const OTHER_BUCKET = 'other-config-bucket';
const KEY = `${ENDPOINT_ID}.ovpn`;
const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/11111111-aaaa-bbbb-cccc-222222222222';
const DNS_NAME = `*.${ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`;
const PORTAL_URL = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}`;
const CRL = '-----BEGIN X509 CRL-----\nMIIBsecretCrlTextThatMustNeverBeLogged1234567890\n-----END X509 CRL-----\n';
const CRL_2 = '-----BEGIN X509 CRL-----\nMIIBrotatedCrlTextThatMustNeverBeLoggedEither0987\n-----END X509 CRL-----\n';
const CONFIGURATION = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n<ca>\nSECRET-CONFIGURATION-CA-BODY\n</ca>\n';
const ATTACHMENT_ID = 'tgw-attach-0123456789abcdef0';
/** An endpoint in a VPC has no transit gateway attachment: its attribute is empty. */
const ATTRIBUTES = { DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL, TransitGatewayAttachmentId: '' };
const PHYSICAL_ID = settingsPhysicalId(ENDPOINT_ID);
const FAILED_CREATE_ID = failedCreatePhysicalId('request-0001');
/** A tag CloudFormation or someone else put on the endpoint: never named in the properties. */
const FOREIGN_TAG = { Key: 'aws:cloudformation:stack-name', Value: 'Test' };

// ---------------------------------------------------------------------------------------------
// The response server: CloudFormation's pre-signed URL, recording every PUT.

const recorder = new ResponseRecorder();
beforeAll(() => recorder.start());
afterAll(() => recorder.stop());

// ---------------------------------------------------------------------------------------------
// Events, context and invocation.

type Props = { [key: string]: string };
type Tag = { Key: string; Value: string };

function props(overrides: Props = {}): Props {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler', EndpointId: ENDPOINT_ID, ...overrides };
}

function tags(...list: Tag[]): string {
  return JSON.stringify(list);
}

const fullProps: Props = {
  CertificateRevocationList: CRL,
  ConfigurationBucket: BUCKET,
  ConfigurationKey: KEY,
  ConfigurationInputs: '{"port":443}',
  ApiSettings: '{"NewSetting":true}',
  Tags: tags({ Key: 'CostCenter', Value: '42' }),
};

function baseEvent() {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
    ResponseURL: recorder.url,
    StackId: STACK_ID,
    RequestId: 'request-0001',
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::ClientVpnEndpointSettings',
  };
}

function createEvent(resourceProperties: unknown): CloudFormationCustomResourceEvent {
  return { ...baseEvent(), RequestType: 'Create', ResourceProperties: resourceProperties } as CloudFormationCustomResourceEvent;
}

function updateEvent(physicalId: string, resourceProperties: unknown, oldResourceProperties: unknown): CloudFormationCustomResourceEvent {
  return {
    ...baseEvent(),
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
    OldResourceProperties: oldResourceProperties,
  } as CloudFormationCustomResourceEvent;
}

function deleteEvent(physicalId: string, resourceProperties: unknown, logicalId = LOGICAL_ID): CloudFormationCustomResourceEvent {
  return {
    ...baseEvent(),
    LogicalResourceId: logicalId,
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
  } as CloudFormationCustomResourceEvent;
}

function context(remainingMillis = 20_000): Context {
  const started = Date.now();
  return {
    getRemainingTimeInMillis: () => remainingMillis - (Date.now() - started),
    logStreamName: 'test-stream',
  } as unknown as Context;
}

interface Response {
  readonly Status: string;
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { [key: string]: string };
}

interface Invocation {
  readonly response: Response;
  readonly body: string;
}

async function invoke(event: CloudFormationCustomResourceEvent, ctx: Context = context()): Promise<Invocation> {
  recorder.requests = [];
  await handler(event, ctx);
  const requests = recorder.requests;
  expect(requests).toHaveLength(1);
  expect(requests[0].method).toBe('PUT');
  expect(requests[0].url).toBe('/response');
  return { response: JSON.parse(requests[0].body), body: requests[0].body };
}

// ---------------------------------------------------------------------------------------------
// AWS mocks: strict, anything not set up explicitly fails. Delete never fails and swallows what a
// step throws, so tests also assert the exact calls made, in order (`sent`).

type Mock = typeof ec2Mock;
type Call = ReturnType<Mock['calls']>[number];

function commandName(call: Call): string {
  return call.args[0].constructor.name.replace(/Command$/, '');
}

function allCalls(): Call[] {
  // Sinon numbers every call across stubs, which gives the order between the EC2 and S3 clients.
  const order = (call: Call) => (call as unknown as { callId: number }).callId;
  return [...(ec2Mock as unknown as Mock).calls(), ...(s3Mock as unknown as Mock).calls()].sort((a, b) => order(a) - order(b));
}

/** The API calls made, by operation name, in order. */
function sent(): string[] {
  return allCalls().map(commandName);
}

/** The inputs of one operation's calls, in order. */
function inputs(operation: string): unknown[] {
  return allCalls().filter((call) => commandName(call) === operation).map((call) => call.args[0].input);
}

function modifyInputs(): unknown[] {
  return inputs('ModifyClientVpnEndpoint');
}

function endpoint(overrides: { [key: string]: unknown } = {}): ClientVpnEndpoint {
  return {
    ClientVpnEndpointId: ENDPOINT_ID,
    Status: { Code: 'available' },
    DnsName: DNS_NAME,
    SelfServicePortalUrl: PORTAL_URL,
    ...overrides,
  } as ClientVpnEndpoint;
}

function describes(endpointId: string, found: ClientVpnEndpoint) {
  ec2Mock.on(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [endpointId] })
    .resolves({ ClientVpnEndpoints: [found] });
}

function modifies(endpointId = ENDPOINT_ID) {
  ec2Mock.on(ModifyClientVpnEndpointCommand, { ClientVpnEndpointId: endpointId }).resolves({ Return: true });
}

function imports(crl: string, endpointId = ENDPOINT_ID) {
  ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand, {
    ClientVpnEndpointId: endpointId,
    CertificateRevocationList: crl,
  }).resolves({ Return: true });
}

function tagsEndpoint() {
  ec2Mock.on(CreateTagsCommand).resolves({});
  ec2Mock.on(DeleteTagsCommand).resolves({});
}

function exportsConfiguration(endpointId = ENDPOINT_ID) {
  ec2Mock.on(ExportClientVpnClientConfigurationCommand, { ClientVpnEndpointId: endpointId })
    .resolves({ ClientConfiguration: CONFIGURATION });
}

function puts(key = KEY, bucket = BUCKET) {
  s3Mock.on(PutObjectCommand, { Bucket: bucket, Key: key }).resolves({});
}

function heads(key: string, metadata: { [key: string]: string } | undefined, bucket = BUCKET) {
  s3Mock.on(HeadObjectCommand, { Bucket: bucket, Key: key }).resolves({ Metadata: metadata });
}

function deletesObject(key: string, bucket = BUCKET) {
  s3Mock.on(DeleteObjectCommand, { Bucket: bucket, Key: key }).resolves({});
}

function awsError(name: string, message = 'slow down', status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** What the SDK throws for a 403 to a HEAD request: no body, so no error code, only the status. */
function headForbidden(): Error {
  return Object.assign(new Error('UnknownError'), { name: '403', $metadata: { httpStatusCode: 403 } });
}

/** The error the SDK's HTTP handler throws when the request's abortSignal fires. */
function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** The abortSignal the handler passed with the call being answered. */
function currentSignal(mock: typeof ec2Mock | typeof s3Mock): AbortSignal | undefined {
  const args = (mock as unknown as Mock).send.args as unknown[][];
  return (args[args.length - 1]?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
}

/** A call that never answers: it settles only when its abortSignal fires (and never without one). */
function stalled(mock: typeof ec2Mock | typeof s3Mock): () => Promise<never> {
  return () => {
    const signal = currentSignal(mock);
    return new Promise<never>((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(abortError()), { once: true });
    });
  };
}

/** A call that takes `ms` to succeed, like a real one, and is aborted by its signal meanwhile. */
function answersAfter(mock: typeof ec2Mock | typeof s3Mock, ms: number, output: object): () => Promise<object> {
  return () => {
    const signal = currentSignal(mock);
    return new Promise<object>((resolve, reject) => {
      const timer = setTimeout(() => resolve(output), ms);
      const abort = () => {
        clearTimeout(timer);
        reject(abortError());
      };
      if (signal?.aborted) {
        abort();
      }
      signal?.addEventListener('abort', abort, { once: true });
    });
  };
}

let logSpy: jest.SpyInstance;
let errorSpy: jest.SpyInstance;

function logged(): string {
  return [...logSpy.mock.calls, ...errorSpy.mock.calls].map((args) => args.map(String).join(' ')).join('\n');
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.onAnyCommand().rejects(new Error('unexpected call'));
  s3Mock.reset();
  s3Mock.onAnyCommand().rejects(new Error('unexpected call'));
  logSpy = jest.spyOn(console, 'log').mockImplementation();
  errorSpy = jest.spyOn(console, 'error').mockImplementation();
});

afterEach(() => {
  // Neither the CRL nor the exported configuration may ever reach the logs.
  const text = logged();
  expect(text).not.toContain('SECRET-CONFIGURATION-CA-BODY');
  expect(text).not.toContain('secretCrlText');
  expect(text).not.toContain('rotatedCrlText');
  expect(text).not.toContain(CRL);
  // No call may be left out of the strict setup: 'unexpected call' is only ever swallowed by a Delete.
  expect(text).not.toContain('unexpected call');
  logSpy.mockRestore();
  errorSpy.mockRestore();
});

// ---------------------------------------------------------------------------------------------

describe('Create', () => {
  test('reads DnsName, SelfServicePortalUrl and TransitGatewayAttachmentId into Data, with a physical id that names the endpoint only', async () => {
    describes(ENDPOINT_ID, endpoint());

    const { response } = await invoke(createEvent(props()));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `cvpn-settings:${ENDPOINT_ID}`,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL, TransitGatewayAttachmentId: '' },
    });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
    expect(inputs('DescribeClientVpnEndpoints')).toEqual([{ ClientVpnEndpointIds: [ENDPOINT_ID] }]);
  });

  test('returns empty strings for attributes the endpoint does not have', async () => {
    describes(ENDPOINT_ID, endpoint({ DnsName: undefined, SelfServicePortalUrl: undefined }));

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ DnsName: '', SelfServicePortalUrl: '', TransitGatewayAttachmentId: '' });
    expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
  });

  test('reads the transit gateway attachment id of an endpoint attached to a transit gateway into Data', async () => {
    describes(ENDPOINT_ID, endpoint({
      TransitGatewayConfiguration: {
        TransitGatewayId: 'tgw-0123456789abcdef0',
        TransitGatewayAttachmentId: ATTACHMENT_ID,
        AvailabilityZoneSet: ['us-east-1a'],
      },
    }));

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL, TransitGatewayAttachmentId: ATTACHMENT_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test.each<[string, { [key: string]: unknown }]>([
    ['no TransitGatewayConfiguration (an endpoint in a VPC)', {}],
    ['a TransitGatewayConfiguration without an attachment id yet', { TransitGatewayConfiguration: { TransitGatewayId: 'tgw-0123456789abcdef0' } }],
  ])('answers an empty TransitGatewayAttachmentId for a Describe answer with %s', async (_name, overrides) => {
    describes(ENDPOINT_ID, endpoint(overrides));

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual(ATTRIBUTES);
  });

  test('imports the CRL, applies ApiSettings, tags the endpoint and exports the configuration, in that order', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false, Tags: [FOREIGN_TAG] }));
    imports(CRL);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    puts();

    const { response, body } = await invoke(createEvent(props(fullProps)));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: ATTRIBUTES,
    });
    expect(sent()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL }]);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true }]);
    // The tag CloudFormation put there is not the resource's to touch.
    expect(inputs('CreateTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }] }]);
    expect(inputs('ExportClientVpnClientConfiguration')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID }]);
    expect(inputs('PutObject')).toEqual([{
      Bucket: BUCKET,
      Key: KEY,
      Body: CONFIGURATION,
      ContentType: 'application/x-openvpn-profile',
      ServerSideEncryption: 'AES256',
      SSEKMSKeyId: undefined,
      Metadata: { [OWNER_METADATA]: OWNER, [ENDPOINT_METADATA]: ENDPOINT_ID },
    }]);

    // The exported configuration goes to S3 only.
    expect(body).not.toContain('SECRET-CONFIGURATION-CA-BODY');
    expect(body).not.toContain('secretCrlText');
  });

  test('encrypts the exported configuration with the bucket KMS key when one is given', async () => {
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts();

    const { response } = await invoke(createEvent(props({
      ConfigurationBucket: BUCKET,
      ConfigurationKey: KEY,
      ConfigurationKmsKeyArn: KMS_KEY_ARN,
    })));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject']);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: KEY,
      Body: CONFIGURATION,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
      Metadata: exportMetadata(OWNER, ENDPOINT_ID),
    });
  });

  test('sets only the tags the endpoint does not already have with that value', async () => {
    describes(ENDPOINT_ID, endpoint({
      Tags: [FOREIGN_TAG, { Key: 'Team', Value: 'network' }, { Key: 'CostCenter', Value: 'old' }, { Key: 'Unnamed', Value: 'x' }],
    }));
    tagsEndpoint();

    const { response } = await invoke(createEvent(props({
      Tags: tags({ Key: 'Team', Value: 'network' }, { Key: 'CostCenter', Value: '42' }, { Key: 'Env', Value: '' }),
    })));

    expect(response.Status).toBe('SUCCESS');
    // A Create has no old properties: no tag is removed, whoever put it there.
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
    expect(inputs('CreateTags')).toEqual([{
      Resources: [ENDPOINT_ID],
      Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Env', Value: '' }],
    }]);
  });

  test('keeps Data well under the 4096 byte limit', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    imports(CRL);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    puts();

    const { response, body } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(Buffer.byteLength(JSON.stringify(response.Data))).toBeLessThan(4096);
    expect(Buffer.byteLength(body)).toBeLessThan(4096);
  });

  test.each<[string, unknown, string]>([
    ['EndpointId is missing', { ServiceToken: 'token', ApiSettings: '{"NewSetting":true}' }, 'EndpointId is required'],
    ['the properties are not an object', 'EndpointId=x', 'EndpointId is required'],
    ['EndpointId is not a string', props({ EndpointId: 5 as unknown as string }), 'EndpointId must be a string'],
    ['a property holds JSON instead of its text', props({ ApiSettings: { NewSetting: true } as unknown as string }), 'ApiSettings must be a string'],
    ['ApiSettings is not JSON', props({ ApiSettings: '{NewSetting: true' }), 'ApiSettings must be a JSON object'],
    ['ApiSettings is a JSON list', props({ ApiSettings: '[1, 2]' }), 'ApiSettings must be a JSON object'],
    ['ApiSettings sets DryRun', props({ ApiSettings: '{"DryRun":true,"NewSetting":true}' }), 'ApiSettings cannot set DryRun'],
    ['ApiSettings sets several reserved keys', props({ ApiSettings: '{"ClientVpnEndpointId":"x","ClientToken":"t"}' }),
      'ApiSettings cannot set ClientVpnEndpointId,ClientToken'],
    ['the configuration has a bucket but no key', props({ ConfigurationBucket: BUCKET }), 'ConfigurationBucket and ConfigurationKey go together'],
    ['the configuration has a key but no bucket', props({ ConfigurationKey: KEY }), 'ConfigurationBucket and ConfigurationKey go together'],
    ['Tags is not JSON', props({ Tags: '[{"Key":' }), 'Tags must be a JSON list of { Key, Value }'],
    ['Tags is a JSON object', props({ Tags: '{"CostCenter":"42"}' }), 'Tags must be a JSON list of { Key, Value }'],
    ['a tag has no Value', props({ Tags: '[{"Key":"CostCenter"}]' }), 'Tags must be a JSON list of { Key, Value }'],
    ['a tag Value is a number', props({ Tags: '[{"Key":"CostCenter","Value":42}]' }), 'Tags must be a JSON list of { Key, Value }'],
    ['Tags holds null', props({ Tags: '[null]' }), 'Tags must be a JSON list of { Key, Value }'],
    ['Tags is given as a list, not its JSON text', props({ Tags: [{ Key: 'a', Value: 'b' }] as unknown as string }), 'Tags must be a string'],
  ])('fails without any call when %s', async (_name, properties, reason) => {
    const { response } = await invoke(createEvent(properties));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `${reason} (log stream test-stream)`,
      PhysicalResourceId: FAILED_CREATE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([]);
  });

  test('the id of a failed Create is ignored by its Delete, even with valid properties that name a file and tags', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('UnauthorizedOperation', 'not authorized'));
    const created = await invoke(createEvent(props(fullProps)));
    expect(created.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: FAILED_CREATE_ID });
    ec2Mock.reset();
    ec2Mock.onAnyCommand().rejects(new Error('unexpected call'));
    tagsEndpoint();
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    // A file or tags of that name may well exist: another resource, or an earlier life of this one, made them.
    const { response } = await invoke(deleteEvent(FAILED_CREATE_ID, props(fullProps)));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: FAILED_CREATE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([]);
  });

  test('fails with the DescribeClientVpnEndpoints error when the endpoint does not exist', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist`));

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe('DescribeClientVpnEndpoints failed: InvalidClientVpnEndpointId.NotFound: '
      + `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist (HTTP 400) (log stream test-stream)`);
    expect(response.PhysicalResourceId).toBe(FAILED_CREATE_ID);
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test.each<[string, ClientVpnEndpoint[]]>([
    ['no endpoint', []],
    ['an endpoint in the deleted state', [endpoint({ Status: { Code: 'deleted' } })]],
  ])('fails naming the endpoint when DescribeClientVpnEndpoints answers %s', async (_name, found) => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [ENDPOINT_ID] }).resolves({ ClientVpnEndpoints: found });

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(`Client VPN endpoint ${ENDPOINT_ID} does not exist (log stream test-stream)`);
    expect(response.PhysicalResourceId).toBe(FAILED_CREATE_ID);
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('a failed Create undoes its settings and tags before answering FAILED', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false, Tags: [FOREIGN_TAG, { Key: 'CostCenter', Value: 'old' }] }));
    imports(CRL);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    s3Mock.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));

    const { response } = await invoke(createEvent(props({
      ...fullProps,
      Tags: tags({ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'network' }),
    })));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'PutObject failed: AccessDenied: Access Denied (HTTP 403) (log stream test-stream)',
      PhysicalResourceId: FAILED_CREATE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
      // Undone, last step first: the tags, then the settings. A Create has no earlier CRL to put back.
      'DeleteTags',
      'CreateTags',
      'ModifyClientVpnEndpoint',
    ]);
    expect(inputs('CreateTags')).toEqual([
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'network' }] },
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: 'old' }] },
    ]);
    // Only the tag that was not there before goes; the one that had another value gets it back.
    expect(inputs('DeleteTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'Team', Value: 'network' }] }]);
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false },
    ]);
  });

  test('a failed Create does not try to put back a setting the endpoint does not show', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    modifies();
    exportsConfiguration();
    s3Mock.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));

    const { response } = await invoke(createEvent(props({
      ConfigurationBucket: BUCKET,
      ConfigurationKey: KEY,
      ApiSettings: '{"NewSetting":true,"FutureSetting":"on"}',
    })));

    expect(response.Status).toBe('FAILED');
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true, FutureSetting: 'on' },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false },
    ]);
  });
});

describe('Update', () => {
  // A new ServiceToken alone makes CloudFormation send an Update: nothing is written, and the
  // attributes are read again, never taken from a stored copy.
  test.each<[string, Props]>([
    ['identical properties', props(fullProps)],
    ['only a new ServiceToken', { ...props(fullProps), ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:new-handler' }],
    ['the properties in another key order', Object.fromEntries(Object.entries(props(fullProps)).reverse())],
  ])('with %s makes exactly one DescribeClientVpnEndpoints call and answers what it reads', async (_name, oldProperties) => {
    const portalUrl = `${PORTAL_URL}?since=now`;
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, SelfServicePortalUrl: portalUrl, Tags: [FOREIGN_TAG, { Key: 'CostCenter', Value: '42' }] }));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props(fullProps), oldProperties));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { DnsName: DNS_NAME, SelfServicePortalUrl: portalUrl, TransitGatewayAttachmentId: '' },
    });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('reads the transit gateway attachment id again, writing nothing', async () => {
    describes(ENDPOINT_ID, endpoint({ TransitGatewayConfiguration: { TransitGatewayId: 'tgw-0123456789abcdef0', TransitGatewayAttachmentId: ATTACHMENT_ID } }));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props(), props()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { TransitGatewayAttachmentId: ATTACHMENT_ID } });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('with only the unused SelfServicePortal changed reads the portal URL again and writes nothing', async () => {
    const newPortalUrl = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}?v=2`;
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, SelfServicePortalUrl: newPortalUrl, Tags: [{ Key: 'CostCenter', Value: '42' }] }));

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ...fullProps, SelfServicePortal: 'enabled' }),
      props({ ...fullProps, SelfServicePortal: 'disabled' }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { DnsName: DNS_NAME, SelfServicePortalUrl: newPortalUrl } });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('with a physical id of the earlier design answers the stable id: CloudFormation deletes the old one next', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, Tags: [{ Key: 'CostCenter', Value: '42' }] }));
    const earlierDesign = `cvpn-settings:${ENDPOINT_ID}:${Buffer.from('{"restore":{"NewSetting":false}}').toString('base64url')}`;

    const { response } = await invoke(updateEvent(earlierDesign, props(fullProps), props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: ATTRIBUTES });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('with identical but invalid properties fails, keeping the physical id, without any AWS call', async () => {
    const invalid = props({ ApiSettings: '{"DryRun":true}' });

    const { response } = await invoke(updateEvent(PHYSICAL_ID, invalid, invalid));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'ApiSettings cannot set DryRun (log stream test-stream)',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([]);
  });

  test('changing the CRL imports the new one, and nothing else', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, Tags: [{ Key: 'CostCenter', Value: '42' }] }));
    imports(CRL_2);

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ ...fullProps, CertificateRevocationList: CRL_2 }), props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ImportClientVpnClientCertificateRevocationList']);
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL_2 }]);
  });

  test('removing the CRL leaves the imported one in place', async () => {
    describes(ENDPOINT_ID, endpoint());

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props(), props({ CertificateRevocationList: CRL })));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('adding an ApiSettings key sets only that key', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, OtherSetting: 24 }));
    modifies();

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ApiSettings: '{"NewSetting":true,"OtherSetting":12}' }),
      props({ ApiSettings: '{"NewSetting":true}' }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint']);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, OtherSetting: 12 }]);
  });

  test('changing an ApiSettings value sets the new value', async () => {
    describes(ENDPOINT_ID, endpoint({ OtherSetting: 12 }));
    modifies();

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ ApiSettings: '{"OtherSetting":6}' }), props({ ApiSettings: '{"OtherSetting":12}' })));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, OtherSetting: 6 }]);
  });

  test('changing a nested ApiSettings value sets the whole structure again', async () => {
    describes(ENDPOINT_ID, endpoint());
    modifies();

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ApiSettings: '{"PostureCheck":{"Enabled":true,"Level":2},"Same":1}' }),
      props({ ApiSettings: '{"PostureCheck":{"Enabled":true,"Level":1},"Same":1}' }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, PostureCheck: { Enabled: true, Level: 2 } }]);
  });

  test.each<[string, string | undefined]>([
    ['one of two ApiSettings keys', '{"NewSetting":true}'],
    ['every ApiSettings key', '{}'],
    ['the ApiSettings property', undefined],
  ])('removing %s leaves the values on the endpoint: settings go forward only', async (_name, apiSettings) => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, OtherSetting: 12 }));

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props(apiSettings === undefined ? {} : { ApiSettings: apiSettings }),
      props({ ApiSettings: '{"NewSetting":true,"OtherSetting":12}' }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('an ApiSettings value changed on the endpoint by someone else is not put back while the property is unchanged', async () => {
    // Reverting it would fight CloudFormation once the setting moves to a typed prop.
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ ApiSettings: '{"NewSetting":true}' }), props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('changing ConfigurationKey exports to the new key, then deletes the old file written for this endpoint', async () => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, Tags: [{ Key: 'CostCenter', Value: '42' }] }));
    exportsConfiguration();
    puts(newKey);
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ ...fullProps, ConfigurationKey: newKey }), props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject', 'DeleteObject']);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: newKey,
      Body: CONFIGURATION,
      ServerSideEncryption: 'AES256',
      Metadata: exportMetadata(OWNER, ENDPOINT_ID),
    });
    expect(inputs('HeadObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(inputs('DeleteObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(logged()).toContain(`Deleting s3://${BUCKET}/${KEY}`);
  });

  test('changing ConfigurationBucket exports to the new bucket and deletes the file in the old one', async () => {
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts(KEY, OTHER_BUCKET);
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: OTHER_BUCKET, ConfigurationKey: KEY }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject', 'DeleteObject']);
    expect(inputs('PutObject')).toEqual([expect.objectContaining({ Bucket: OTHER_BUCKET, Key: KEY })]);
    expect(inputs('HeadObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(inputs('DeleteObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
  });

  test('removing the export deletes the file this resource wrote, and exports nothing', async () => {
    describes(ENDPOINT_ID, endpoint());
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props(),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationInputs: '{"port":443}' }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'HeadObject', 'DeleteObject']);
  });

  test.each<[string, { [key: string]: string } | undefined, string]>([
    ['another resource wrote', exportMetadata(`${STACK_ID}/SomeOtherResource`, ENDPOINT_ID), 'Keeping (not written for this endpoint)'],
    ['this resource wrote for another endpoint', exportMetadata(OWNER, OTHER_ENDPOINT_ID), 'Keeping (not written for this endpoint)'],
    ['an earlier handler wrote without the endpoint mark', { [OWNER_METADATA]: OWNER }, 'Keeping (not written for this endpoint)'],
    ['nobody marked', undefined, 'Keeping (not written for this endpoint)'],
  ])('moving the file keeps the old one that %s', async (_name, metadata, line) => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts(newKey);
    heads(KEY, metadata);
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: newKey }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject']);
    expect(logged()).toContain(`${line} s3://${BUCKET}/${KEY}`);
  });

  test.each<[string, Error, number]>([
    // Without s3:ListBucket (never granted: it is bucket-wide), S3 answers a missing key with 403 and no body.
    ['403 without a body (a missing key the role cannot list)', headForbidden(), 403],
    ['404 NotFound', awsError('NotFound', 'Not Found', 404), 404],
  ])('moving the file succeeds, keeping the old one, when HeadObject answers %s', async (_name, error, status) => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts(newKey);
    s3Mock.on(HeadObjectCommand, { Bucket: BUCKET, Key: KEY }).rejects(error);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: newKey }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject']);
    expect(logSpy.mock.calls).toContainEqual([`Keeping s3://${BUCKET}/${KEY}: missing or not readable (HTTP ${status})`]);
  });

  test.each<[string, string, Error, string]>([
    ['DeleteObject is denied', 'DeleteObject', awsError('AccessDenied', 'Access Denied', 403),
      `Keeping s3://${BUCKET}/${KEY}: DeleteObject failed: AccessDenied: Access Denied (HTTP 403)`],
    ['HeadObject fails otherwise', 'HeadObject', awsError('InvalidRequest', 'bad request', 400),
      `Keeping s3://${BUCKET}/${KEY}: HeadObject failed: InvalidRequest: bad request (HTTP 400)`],
  ])('moving the file succeeds, logging what is left, when %s', async (_name, operation, error, line) => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts(newKey);
    if (operation === 'HeadObject') {
      s3Mock.on(HeadObjectCommand).rejects(error);
    } else {
      heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
      s3Mock.on(DeleteObjectCommand).rejects(error);
    }

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: newKey }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY }),
    ));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject', 'HeadObject',
      ...(operation === 'DeleteObject' ? ['DeleteObject'] : [])]);
    expect(errorSpy.mock.calls).toEqual([[line]]);
  });

  test('changing ConfigurationInputs exports the configuration again to the same key, deleting nothing', async () => {
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts();

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationInputs: '{"port":1194}' }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationInputs: '{"port":443}' }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject']);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: KEY, Body: CONFIGURATION });
  });

  test('changing only ConfigurationKmsKeyArn re-exports encrypted and keeps the file it just wrote', async () => {
    describes(ENDPOINT_ID, endpoint());
    exportsConfiguration();
    puts();
    // S3 would answer HeadObject with the metadata of the file the export just wrote.
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationKmsKeyArn: KMS_KEY_ARN }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ExportClientVpnClientConfiguration', 'PutObject']);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: KEY, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY_ARN });
  });

  test('changing the EndpointId (a replacement) applies everything to the new endpoint and leaves the old one to its Delete', async () => {
    const newKey = `${OTHER_ENDPOINT_ID}.ovpn`;
    const otherDnsName = `*.${OTHER_ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`;
    describes(OTHER_ENDPOINT_ID, endpoint({
      ClientVpnEndpointId: OTHER_ENDPOINT_ID,
      DnsName: otherDnsName,
      SelfServicePortalUrl: undefined,
      NewSetting: 'other-default',
      Tags: [{ Key: 'CostCenter', Value: '42' }],
    }));
    imports(CRL, OTHER_ENDPOINT_ID);
    modifies(OTHER_ENDPOINT_ID);
    tagsEndpoint();
    exportsConfiguration(OTHER_ENDPOINT_ID);
    puts(newKey);

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ...fullProps, EndpointId: OTHER_ENDPOINT_ID, ConfigurationKey: newKey, Tags: tags({ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }) }),
      props({ ...fullProps, Tags: tags({ Key: 'CostCenter', Value: '42' }, { Key: 'Old', Value: 'x' }) }),
    ));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `cvpn-settings:${OTHER_ENDPOINT_ID}`,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { DnsName: otherDnsName, SelfServicePortalUrl: '', TransitGatewayAttachmentId: '' },
    });
    // Nothing is compared with the old endpoint's properties; the old file is not touched here.
    expect(sent()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: OTHER_ENDPOINT_ID, NewSetting: true }]);
    expect(inputs('CreateTags')).toEqual([{ Resources: [OTHER_ENDPOINT_ID], Tags: [{ Key: 'Team', Value: 'a' }] }]);
    expect(inputs('PutObject')).toEqual([expect.objectContaining({ Key: newKey, Metadata: exportMetadata(OWNER, OTHER_ENDPOINT_ID) })]);
    for (const call of allCalls()) {
      expect(JSON.stringify(call.args[0].input)).not.toContain(ENDPOINT_ID);
    }
  });

  test('unreadable old properties apply everything again', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    imports(CRL);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    puts();

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props(fullProps), { EndpointId: 42 }));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ]);
  });
});

describe('Update: tags, compared with the live ones', () => {
  async function updateTags(live: Tag[], wanted: Tag[], old: Tag[]) {
    describes(ENDPOINT_ID, endpoint({ Tags: live }));
    tagsEndpoint();
    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ Tags: tags(...wanted) }), props({ Tags: tags(...old) })));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  }

  test('adding a tag creates it', async () => {
    await updateTags([FOREIGN_TAG, { Key: 'CostCenter', Value: '42' }], [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }], [{ Key: 'CostCenter', Value: '42' }]);

    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
    expect(inputs('CreateTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'Team', Value: 'a' }] }]);
  });

  test('changing a value overwrites it, without deleting the tag first', async () => {
    await updateTags([{ Key: 'CostCenter', Value: '42' }], [{ Key: 'CostCenter', Value: '43' }], [{ Key: 'CostCenter', Value: '42' }]);

    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
    expect(inputs('CreateTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '43' }] }]);
  });

  test('removing a tag deletes it by key and value, before anything is set', async () => {
    await updateTags(
      [FOREIGN_TAG, { Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }],
      [{ Key: 'Env', Value: 'prod' }],
      [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }],
    );

    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'DeleteTags', 'CreateTags']);
    expect(inputs('DeleteTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }] }]);
    expect(inputs('CreateTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'Env', Value: 'prod' }] }]);
  });

  test('a removed tag that someone gave another value since, or removed, is left alone', async () => {
    await updateTags([{ Key: 'CostCenter', Value: 'changed-by-hand' }], [], [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }]);

    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('a wanted tag changed or removed by hand is put right, though the property did not change', async () => {
    await updateTags(
      [{ Key: 'CostCenter', Value: 'changed-by-hand' }],
      [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }],
      [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }],
    );

    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
    expect(inputs('CreateTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }] }]);
  });

  test('an endpoint without a Tags field is treated as having no tags', async () => {
    describes(ENDPOINT_ID, endpoint());
    tagsEndpoint();

    const { response } = await invoke(updateEvent(PHYSICAL_ID, props({ Tags: tags({ Key: 'Team', Value: 'a' }) }), props({ Tags: tags({ Key: 'Old', Value: 'x' }) })));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'CreateTags']);
  });

  test('tags named neither before nor now are never touched', async () => {
    await updateTags([FOREIGN_TAG, { Key: 'Owner', Value: 'someone' }], [], []);

    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });
});

describe('Update: a failure undoes what the Update wrote', () => {
  const before = props({
    CertificateRevocationList: CRL,
    ConfigurationBucket: BUCKET,
    ConfigurationKey: KEY,
    ApiSettings: '{"NewSetting":true,"OtherSetting":12}',
    Tags: tags({ Key: 'CostCenter', Value: '42' }, { Key: 'Old', Value: 'x' }),
  });
  const after = props({
    CertificateRevocationList: CRL_2,
    ConfigurationBucket: BUCKET,
    ConfigurationKey: 'clients/new.ovpn',
    ApiSettings: '{"NewSetting":false,"OtherSetting":12,"ThirdSetting":"on"}',
    Tags: tags({ Key: 'CostCenter', Value: '43' }, { Key: 'Team', Value: 'a' }),
  });
  const live = [FOREIGN_TAG, { Key: 'CostCenter', Value: '42' }, { Key: 'Old', Value: 'x' }];

  function healthy() {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, OtherSetting: 12, ThirdSetting: 'off', Tags: live }));
    imports(CRL);
    imports(CRL_2);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    puts('clients/new.ovpn');
  }

  /** Every write of the Update above, in order, then its undo, last step first. */
  const FORWARD = [
    'DescribeClientVpnEndpoints',
    'ImportClientVpnClientCertificateRevocationList',
    'ModifyClientVpnEndpoint',
    'DeleteTags',
    'CreateTags',
  ];
  const UNDO = ['DeleteTags', 'CreateTags', 'ModifyClientVpnEndpoint', 'ImportClientVpnClientCertificateRevocationList'];

  function expectUndone() {
    // The settings get the values the endpoint showed before; NewSetting and ThirdSetting changed.
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false, ThirdSetting: 'on' },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true, ThirdSetting: 'off' },
    ]);
    // The earlier CRL is imported again.
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL_2 },
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL },
    ]);
    // The tags it created go, and those it removed or changed get their live values back.
    expect(inputs('DeleteTags')).toEqual([
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'Old', Value: 'x' }] },
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'Team', Value: 'a' }] },
    ]);
    expect(inputs('CreateTags')).toEqual([
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '43' }, { Key: 'Team', Value: 'a' }] },
      { Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Old', Value: 'x' }] },
    ]);
  }

  test('an export that fails after the writes puts the settings, the CRL and the tags back, then answers FAILED', async () => {
    healthy();
    ec2Mock.on(ExportClientVpnClientConfigurationCommand).rejects(awsError('InvalidClientVpnEndpointState', 'The endpoint is not available'));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'ExportClientVpnClientConfiguration failed: InvalidClientVpnEndpointState: The endpoint is not available (HTTP 400) (log stream test-stream)',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([...FORWARD, 'ExportClientVpnClientConfiguration', ...UNDO]);
    expectUndone();
    // The old file stays: the failed Update never got as far as moving it.
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
  });

  test('a PutObject that fails is undone the same way, and the old file is kept', async () => {
    healthy();
    s3Mock.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual([...FORWARD, 'ExportClientVpnClientConfiguration', 'PutObject', ...UNDO]);
    expectUndone();
  });

  test('a failed CreateTags puts back the tags it had deleted, the settings and the CRL', async () => {
    healthy();
    ec2Mock.on(CreateTagsCommand).rejectsOnce(awsError('TagLimitExceeded', 'The maximum number of tags has been reached')).resolves({});

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'CreateTags failed: TagLimitExceeded: The maximum number of tags has been reached (HTTP 400) (log stream test-stream)',
      PhysicalResourceId: PHYSICAL_ID,
    });
    expect(sent()).toEqual([...FORWARD, ...UNDO]);
    expectUndone();
  });

  test('a failed Modify is sent again with the earlier values (it may have been applied), and the CRL is put back', async () => {
    healthy();
    ec2Mock.on(ModifyClientVpnEndpointCommand).rejectsOnce(awsError('InvalidParameterValue', 'ThirdSetting is not valid')).resolves({ Return: true });

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual([
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'ModifyClientVpnEndpoint',
      'ImportClientVpnClientCertificateRevocationList',
    ]);
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false, ThirdSetting: 'on' },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true, ThirdSetting: 'off' },
    ]);
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL_2 },
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: CRL },
    ]);
  });

  test('a setting the endpoint does not show is put back to its value in the old properties', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    modifies();
    exportsConfiguration();
    s3Mock.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationInputs: '{"port":1194}', ApiSettings: '{"NewSetting":false,"FutureSetting":"on"}' }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ConfigurationInputs: '{"port":443}', ApiSettings: '{"NewSetting":true,"FutureSetting":"off"}' }),
    ));

    expect(response.Status).toBe('FAILED');
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false, FutureSetting: 'on' },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true, FutureSetting: 'off' },
    ]);
  });

  test('an undo that fails is logged, and the answer is still the original failure', async () => {
    healthy();
    ec2Mock.on(ExportClientVpnClientConfigurationCommand).rejects(awsError('InvalidClientVpnEndpointState', 'The endpoint is not available'));
    ec2Mock.on(ModifyClientVpnEndpointCommand).resolvesOnce({ Return: true }).rejects(awsError('UnauthorizedOperation', 'not authorized'));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'ExportClientVpnClientConfiguration failed: InvalidClientVpnEndpointState: The endpoint is not available (HTTP 400) (log stream test-stream)',
      PhysicalResourceId: PHYSICAL_ID,
    });
    // The other undo steps still run.
    expect(sent()).toEqual([...FORWARD, 'ExportClientVpnClientConfiguration', ...UNDO]);
    expect(errorSpy.mock.calls).toContainEqual(['Left as it is: ModifyClientVpnEndpoint failed: UnauthorizedOperation: not authorized (HTTP 400)']);
  });

  test('a failure before any write undoes nothing', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('UnauthorizedOperation', 'not authorized'));

    const { response } = await invoke(updateEvent(PHYSICAL_ID, after, before));

    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  });

  test('a failed Update of a replacement undoes on the new endpoint only, and keeps the id it had', async () => {
    describes(OTHER_ENDPOINT_ID, endpoint({ ClientVpnEndpointId: OTHER_ENDPOINT_ID, NewSetting: 'other-default' }));
    modifies(OTHER_ENDPOINT_ID);
    tagsEndpoint();
    ec2Mock.on(ExportClientVpnClientConfigurationCommand).rejects(awsError('InvalidClientVpnEndpointState', 'pending-associate'));

    const { response } = await invoke(updateEvent(
      PHYSICAL_ID,
      props({ EndpointId: OTHER_ENDPOINT_ID, ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ApiSettings: '{"NewSetting":true}', Tags: tags({ Key: 'Team', Value: 'a' }) }),
      props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY, ApiSettings: '{"NewSetting":true}', Tags: tags({ Key: 'Team', Value: 'a' }) }),
    ));

    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'CreateTags', 'ExportClientVpnClientConfiguration', 'DeleteTags', 'ModifyClientVpnEndpoint']);
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: OTHER_ENDPOINT_ID, NewSetting: true },
      { ClientVpnEndpointId: OTHER_ENDPOINT_ID, NewSetting: 'other-default' },
    ]);
    expect(inputs('DeleteTags')).toEqual([{ Resources: [OTHER_ENDPOINT_ID], Tags: [{ Key: 'Team', Value: 'a' }] }]);
  });
});

describe('Delete', () => {
  test('with nothing to remove makes no call: settings and the CRL stay with the endpoint', async () => {
    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({ CertificateRevocationList: CRL, ApiSettings: '{"NewSetting":true}' })));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([]);
  });

  test('removes its tags by key and value, and the file it wrote for this endpoint, and nothing else', async () => {
    tagsEndpoint();
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({
      ...fullProps,
      Tags: tags({ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }),
    })));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    // No Describe, no Modify, no CRL import: a Delete never undoes settings a successor may rely on.
    expect(sent()).toEqual(['DeleteTags', 'HeadObject', 'DeleteObject']);
    // With a value, DeleteTags removes a tag only while it still has that value.
    expect(inputs('DeleteTags')).toEqual([{ Resources: [ENDPOINT_ID], Tags: [{ Key: 'CostCenter', Value: '42' }, { Key: 'Team', Value: 'a' }] }]);
    expect(inputs('HeadObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(inputs('DeleteObject')).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(logged()).toContain(`Deleting s3://${BUCKET}/${KEY}`);
  });

  test.each<[string, { [key: string]: string } | undefined]>([
    // After a replacement with a fixed key, the successor rewrote the file for its own endpoint.
    ['this resource wrote for another endpoint id', exportMetadata(OWNER, OTHER_ENDPOINT_ID)],
    ['another resource wrote', exportMetadata(`${STACK_ID}/SomeOtherResource`, ENDPOINT_ID)],
    ['another stack wrote', exportMetadata(`arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1/${LOGICAL_ID}`, ENDPOINT_ID)],
    ['an earlier handler wrote without the endpoint mark', { [OWNER_METADATA]: OWNER }],
    ['nobody marked', undefined],
  ])('keeps a file that %s, with a log line', async (_name, metadata) => {
    heads(KEY, metadata);
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['HeadObject']);
    expect(logSpy.mock.calls).toContainEqual([`Keeping (not written for this endpoint) s3://${BUCKET}/${KEY}`]);
  });

  test('a file this logical id wrote in another stack is kept: the owner includes the stack', async () => {
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const otherStack = { ...deleteEvent(PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })), StackId: `${STACK_ID}-other` };
    const { response } = await invoke(otherStack as CloudFormationCustomResourceEvent);

    expect(response).toMatchObject({ Status: 'SUCCESS', StackId: `${STACK_ID}-other` });
    expect(sent()).toEqual(['HeadObject']);
  });

  test.each<[string, Error, number]>([
    ['403 without a body (a missing key the role cannot list)', headForbidden(), 403],
    ['404 NotFound', awsError('NotFound', 'Not Found', 404), 404],
  ])('succeeds, keeping the file and logging it, when HeadObject answers %s', async (_name, error, status) => {
    s3Mock.on(HeadObjectCommand).rejects(error);

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['HeadObject']);
    expect(logSpy.mock.calls).toContainEqual([`Keeping s3://${BUCKET}/${KEY}: missing or not readable (HTTP ${status})`]);
    expect(errorSpy.mock.calls).toEqual([]);
  });

  test('succeeds, logging it, when DeleteObject is denied', async () => {
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    s3Mock.on(DeleteObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual(['HeadObject', 'DeleteObject']);
    expect(errorSpy.mock.calls).toEqual([[`Keeping s3://${BUCKET}/${KEY}: DeleteObject failed: AccessDenied: Access Denied (HTTP 403)`]]);
  });

  test('succeeds when the endpoint is already gone, logging the DeleteTags error, and still removes the file', async () => {
    ec2Mock.on(DeleteTagsCommand).rejects(awsError('InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist`));
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props({ ...fullProps })));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual(['DeleteTags', 'HeadObject', 'DeleteObject']);
    expect(errorSpy.mock.calls).toEqual([[`Left as it is: DeleteTags failed: InvalidClientVpnEndpointId.NotFound: The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist (HTTP 400)`]]);
  });

  test.each([
    ['an id of a failed Create', failedCreatePhysicalId('request-0000')],
    ['the id of another endpoint (the properties name this one)', settingsPhysicalId(OTHER_ENDPOINT_ID)],
    ['an id of the earlier design, which held state', `cvpn-settings:${ENDPOINT_ID}:${Buffer.from('{"restore":{"NewSetting":false}}').toString('base64url')}`],
    ['a foreign physical id', 'something-else'],
    ['the bare prefix', 'cvpn-settings:'],
  ])('makes no call for %s', async (_name, physicalId) => {
    tagsEndpoint();
    heads(KEY, exportMetadata(OWNER, ENDPOINT_ID));
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(physicalId, props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(sent()).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['ApiSettings that are not JSON', { EndpointId: ENDPOINT_ID, ApiSettings: '{broken' }],
    ['Tags that are not a list', { EndpointId: ENDPOINT_ID, Tags: '{"a":"b"}' }],
    ['no EndpointId', { ConfigurationBucket: BUCKET, ConfigurationKey: KEY }],
    ['properties that are not an object', 'EndpointId'],
  ])('succeeds without any call, logging why, with %s', async (_name, properties) => {
    const { response } = await invoke(deleteEvent(PHYSICAL_ID, properties));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(sent()).toEqual([]);
    expect(logged()).toContain('Nothing to remove, the properties are unreadable: ');
  });
});

describe('time: every call is bounded by the time left', () => {
  test('every call gets an AbortSignal that has not fired', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    imports(CRL);
    modifies();
    tagsEndpoint();
    exportsConfiguration();
    puts();

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    // Signals of AbortSignal.timeout: still unfired, since the deadline is seconds away.
    expect(allCalls().map((call) => {
      const signal = (call.args as unknown[])[1] as { abortSignal?: unknown } | undefined;
      return [commandName(call), signal?.abortSignal instanceof AbortSignal ? (signal.abortSignal.aborted ? 'aborted' : 'live') : 'none'];
    })).toEqual([
      ['DescribeClientVpnEndpoints', 'live'],
      ['ImportClientVpnClientCertificateRevocationList', 'live'],
      ['ModifyClientVpnEndpoint', 'live'],
      ['CreateTags', 'live'],
      ['ExportClientVpnClientConfiguration', 'live'],
      ['PutObject', 'live'],
    ]);
  });

  test('a call that never answers is aborted at the deadline, and the handler answers FAILED in time', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).callsFake(stalled(ec2Mock));
    const started = Date.now();

    // 6.5 s left, 5 s of them kept for the response: the call is aborted 1.5 s in.
    const { response } = await invoke(createEvent(props(fullProps)), context(6_500));

    const elapsed = Date.now() - started;
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'DescribeClientVpnEndpoints failed: AbortError: Request aborted (log stream test-stream)',
      PhysicalResourceId: FAILED_CREATE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(2_500);
    expect(sent()).toEqual(['DescribeClientVpnEndpoints']);
  }, 10_000);

  test('a Delete whose HeadObject never answers still succeeds in time', async () => {
    tagsEndpoint();
    s3Mock.on(HeadObjectCommand).callsFake(stalled(s3Mock));
    const started = Date.now();

    const { response } = await invoke(deleteEvent(PHYSICAL_ID, props(fullProps)), context(6_500));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(sent()).toEqual(['DeleteTags', 'HeadObject']);
    expect(errorSpy.mock.calls).toEqual([[`Keeping s3://${BUCKET}/${KEY}: HeadObject failed: AbortError: Request aborted`]]);
  }, 10_000);

  test('an export that stalls until the deadline still has its settings and tags undone before FAILED', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false, Tags: [] }));
    tagsEndpoint();
    // The first Modify is quick; the undo takes 50 ms, as a real call does, and honours its signal.
    ec2Mock.on(ModifyClientVpnEndpointCommand)
      .resolvesOnce({ Return: true })
      .callsFake(answersAfter(ec2Mock, 50, { Return: true }));
    ec2Mock.on(ExportClientVpnClientConfigurationCommand).callsFake(stalled(ec2Mock));
    const started = Date.now();

    const { response } = await invoke(createEvent(props({
      ConfigurationBucket: BUCKET,
      ConfigurationKey: KEY,
      ApiSettings: '{"NewSetting":true}',
      Tags: tags({ Key: 'Team', Value: 'a' }),
    })), context(7_000));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'ExportClientVpnClientConfiguration failed: AbortError: Request aborted (log stream test-stream)',
    });
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'CreateTags', 'ExportClientVpnClientConfiguration',
      'DeleteTags', 'ModifyClientVpnEndpoint']);
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false },
    ]);
    // The undo got the time to finish: nothing was left as it is.
    expect(errorSpy.mock.calls.filter(([line]) => /^(Left as it is|Keeping)/.test(String(line)))).toEqual([]);
    // And the answer still came well before the Lambda's end (7 s).
    expect(Date.now() - started).toBeLessThan(6_000);
  }, 15_000);
});

describe('errors and retries', () => {
  test.each([
    ['RequestLimitExceeded', 'DescribeClientVpnEndpoints'],
    ['Throttling', 'PutObject'],
    ['ConcurrentMutationLimitExceeded', 'ModifyClientVpnEndpoint'],
    ['RequestLimitExceeded', 'CreateTags'],
  ])('retries %s from %s and then succeeds', async (errorName, operation) => {
    const throttle = awsError(errorName);
    if (operation === 'DescribeClientVpnEndpoints') {
      ec2Mock.on(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [ENDPOINT_ID] })
        .rejectsOnce(throttle)
        .resolves({ ClientVpnEndpoints: [endpoint({ NewSetting: false })] });
    } else {
      describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    }
    if (operation === 'ModifyClientVpnEndpoint') {
      ec2Mock.on(ModifyClientVpnEndpointCommand, { ClientVpnEndpointId: ENDPOINT_ID }).rejectsOnce(throttle).resolves({ Return: true });
    } else {
      modifies();
    }
    if (operation === 'PutObject') {
      s3Mock.on(PutObjectCommand, { Bucket: BUCKET, Key: KEY }).rejectsOnce(throttle).resolves({});
    } else {
      puts();
    }
    if (operation === 'CreateTags') {
      ec2Mock.on(CreateTagsCommand).rejectsOnce(throttle).resolves({});
    } else {
      tagsEndpoint();
    }
    imports(CRL);
    exportsConfiguration();

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: ATTRIBUTES });
    expect(logged()).toContain(`Retrying ${operation} (attempt 1): ${errorName}: slow down (HTTP 400)`);
    const once = [
      'DescribeClientVpnEndpoints',
      'ImportClientVpnClientCertificateRevocationList',
      'ModifyClientVpnEndpoint',
      'CreateTags',
      'ExportClientVpnClientConfiguration',
      'PutObject',
    ];
    expect(sent()).toEqual(once.flatMap((name) => name === operation ? [name, name] : [name]));
  }, 15_000);

  test('a server error (HTTP 500 with no error name of its own) is retried', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand)
      .rejectsOnce(awsError('InternalError', 'An internal error has occurred', 500))
      .resolves({ ClientVpnEndpoints: [endpoint()] });

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['DescribeClientVpnEndpoints', 'DescribeClientVpnEndpoints']);
  }, 10_000);

  test('a non-retryable error fails at once with the error name, message and log stream', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(awsError('InvalidParameterValue', 'NewSetting is not a valid parameter'));

    const { response } = await invoke(createEvent(props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'ModifyClientVpnEndpoint failed: InvalidParameterValue: NewSetting is not a valid parameter (HTTP 400) (log stream test-stream)',
      PhysicalResourceId: FAILED_CREATE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    // Not retried: the second call is the undo, with the value the endpoint had.
    expect(modifyInputs()).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true },
      { ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false },
    ]);
  });

  test('a long error message is cut to a Reason of 1,000 characters', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('InvalidParameterValue', 'x'.repeat(3_000)));

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toHaveLength(1_000);
    expect(response.Reason!.startsWith('DescribeClientVpnEndpoints failed: InvalidParameterValue: xxx')).toBe(true);
  });

  test('retries are bounded by the time the Lambda has left', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'));
    const started = Date.now();

    // 7 s left, 5 s of them reserved for the response: about 2 s to retry in.
    const { response } = await invoke(createEvent(props(fullProps)), context(7_000));

    const elapsed = Date.now() - started;
    const attempts = ec2Mock.commandCalls(DescribeClientVpnEndpointsCommand).length;
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(
      `DescribeClientVpnEndpoints failed after ${attempts} attempts: RequestLimitExceeded: Request limit exceeded. (HTTP 400) (log stream test-stream)`);
    expect(elapsed).toBeLessThan(2_500);
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(8);
    expect(sent().every((name) => name === 'DescribeClientVpnEndpoints')).toBe(true);
  }, 10_000);

  test('sending the response is tried 3 times at most, and a response never sent is logged, not thrown', async () => {
    describes(ENDPOINT_ID, endpoint());
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 500 }));

    const attempts = await handler(createEvent(props()), context())
      .then(() => fetchSpy.mock.calls.map(([url, init]) => [url, init?.method, init?.headers, init?.signal instanceof AbortSignal]))
      .finally(() => fetchSpy.mockRestore());

    // The URL is pre-signed without a content type: an empty one is sent. Each attempt is bounded too.
    expect(attempts).toEqual(Array(3).fill([recorder.url, 'PUT', { 'content-type': '' }, true]));
    expect(errorSpy.mock.calls).toEqual([['Could not send the response: CloudFormation answered 500']]);
  }, 10_000);

  test('an unknown RequestType fails with a readable reason', async () => {
    const event = { ...baseEvent(), RequestType: 'Rollback', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: props() };

    const { response } = await invoke(event as unknown as CloudFormationCustomResourceEvent);

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: "Unknown RequestType 'Rollback' (log stream test-stream)",
      PhysicalResourceId: PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([]);
  });
});
