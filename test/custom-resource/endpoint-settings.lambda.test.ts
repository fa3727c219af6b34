import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  ClientVpnEndpoint,
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
  LOGICAL_ID,
  OTHER_ENDPOINT_ID,
  OWNER,
  OWNER_METADATA,
  rememberedIn,
  settingsPhysicalId,
  STACK_ID,
} from './handler-fixtures';
import { ResponseRecorder } from './response-recorder';
import { handler } from '../../src/custom-resource/endpoint-settings.lambda';

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);
const cfnMock = mockClient(CloudFormationClient);

const BUCKET = 'config-bucket';
const KEY = `${ENDPOINT_ID}.ovpn`;
const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/11111111-aaaa-bbbb-cccc-222222222222';
const DNS_NAME = `*.${ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`;
const PORTAL_URL = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}`;
const CRL = '-----BEGIN X509 CRL-----\nMIIBsecretCrlTextThatMustNeverBeLogged1234567890\n-----END X509 CRL-----\n';
const CRL_2 = '-----BEGIN X509 CRL-----\nMIIBrotatedCrlTextThatMustNeverBeLoggedEither0987\n-----END X509 CRL-----\n';
const CONFIGURATION = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n<ca>\nSECRET-CONFIGURATION-CA-BODY\n</ca>\n';
const ATTRIBUTES = { DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL };
/** The id of a resource on ENDPOINT_ID that has nothing to restore. */
const PLAIN_PHYSICAL_ID = settingsPhysicalId(ENDPOINT_ID, { restore: {}, attributes: ATTRIBUTES });

// ---------------------------------------------------------------------------------------------
// The response server: CloudFormation's pre-signed URL, recording every PUT.

const recorder = new ResponseRecorder();
beforeAll(() => recorder.start());
afterAll(() => recorder.stop());

// ---------------------------------------------------------------------------------------------
// Events, context and invocation.

type Props = { [key: string]: string };

function props(overrides: Props = {}): Props {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler', EndpointId: ENDPOINT_ID, ...overrides };
}

const fullProps: Props = {
  CertificateRevocationList: CRL,
  ConfigurationBucket: BUCKET,
  ConfigurationKey: KEY,
  ConfigurationInputs: '{"port":443}',
  ApiSettings: '{"NewSetting":true}',
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

function deleteEvent(physicalId: string, resourceProperties: unknown): CloudFormationCustomResourceEvent {
  return {
    ...baseEvent(),
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
  } as CloudFormationCustomResourceEvent;
}

function context(remainingMillis = 20_000): Context {
  return { getRemainingTimeInMillis: () => remainingMillis, logStreamName: 'test-stream' } as unknown as Context;
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

function modifyInputs(): unknown[] {
  return ec2Mock.commandCalls(ModifyClientVpnEndpointCommand).map((call) => call.args[0].input);
}

// ---------------------------------------------------------------------------------------------
// AWS mocks: strict, anything not set up explicitly fails.

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

function exportsConfiguration(endpointId = ENDPOINT_ID) {
  ec2Mock.on(ExportClientVpnClientConfigurationCommand, { ClientVpnEndpointId: endpointId })
    .resolves({ ClientConfiguration: CONFIGURATION });
}

function puts(key = KEY) {
  s3Mock.on(PutObjectCommand, { Bucket: BUCKET, Key: key }).resolves({});
}

function heads(key: string, owner: string | undefined) {
  s3Mock.on(HeadObjectCommand, { Bucket: BUCKET, Key: key })
    .resolves({ Metadata: owner === undefined ? {} : { [OWNER_METADATA]: owner } });
}

function deletesObject(key: string) {
  s3Mock.on(DeleteObjectCommand, { Bucket: BUCKET, Key: key }).resolves({});
}

function stackResourceIs(physicalId: string) {
  cfnMock.on(DescribeStackResourceCommand, { StackName: STACK_ID, LogicalResourceId: LOGICAL_ID })
    .resolves({ StackResourceDetail: { PhysicalResourceId: physicalId } as never });
}

function awsError(name: string, message = 'slow down'): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

function expectNoCalls() {
  expect(ec2Mock.calls()).toEqual([]);
  expect(s3Mock.calls()).toEqual([]);
  expect(cfnMock.calls()).toEqual([]);
}

function expectNoWrites() {
  expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
  expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 0);
  expect(ec2Mock).toHaveReceivedCommandTimes(ExportClientVpnClientConfigurationCommand, 0);
  expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
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
  cfnMock.reset();
  cfnMock.onAnyCommand().rejects(new Error('unexpected call'));
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
  logSpy.mockRestore();
  errorSpy.mockRestore();
});

// ---------------------------------------------------------------------------------------------

describe('Create', () => {
  test('reads DnsName and SelfServicePortalUrl into Data and remembers them in the physical id', async () => {
    describes(ENDPOINT_ID, endpoint());

    const { response } = await invoke(createEvent(props()));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PLAIN_PHYSICAL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL },
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [ENDPOINT_ID] });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 1);
    expectNoWrites();
  });

  test('returns empty strings for attributes the endpoint does not have', async () => {
    describes(ENDPOINT_ID, endpoint({ DnsName: undefined, SelfServicePortalUrl: undefined }));

    const { response } = await invoke(createEvent(props()));

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ DnsName: '', SelfServicePortalUrl: '' });
    expect(response.PhysicalResourceId).toBe(settingsPhysicalId(ENDPOINT_ID, { restore: {}, attributes: response.Data! }));
  });

  test('imports the CRL, exports the configuration, applies ApiSettings and remembers the previous values', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    imports(CRL);
    modifies();
    exportsConfiguration();
    puts();

    const { response, body } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(ec2Mock).toHaveReceivedCommandWith(ImportClientVpnClientCertificateRevocationListCommand, {
      ClientVpnEndpointId: ENDPOINT_ID,
      CertificateRevocationList: CRL,
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 1);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true }]);
    expect(ec2Mock).toHaveReceivedCommandWith(ExportClientVpnClientConfigurationCommand, { ClientVpnEndpointId: ENDPOINT_ID });
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: KEY,
      Body: CONFIGURATION,
      ServerSideEncryption: 'AES256',
      Metadata: { [OWNER_METADATA]: OWNER },
    });
    expect(s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.SSEKMSKeyId).toBeUndefined();
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);

    expect(rememberedIn(response.PhysicalResourceId)).toEqual({ endpointId: ENDPOINT_ID, restore: { NewSetting: false }, attributes: ATTRIBUTES });

    // The exported configuration goes to S3 only.
    expect(response.Data).toEqual({ DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL });
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
    expect(response.PhysicalResourceId).toBe(PLAIN_PHYSICAL_ID);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: KEY,
      Body: CONFIGURATION,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
      Metadata: { [OWNER_METADATA]: OWNER },
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
  });

  test('keeps Data well under the 4096 byte limit', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    imports(CRL);
    modifies();
    exportsConfiguration();
    puts();

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(Buffer.byteLength(JSON.stringify(response.Data))).toBeLessThan(4096);
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
  ])('fails without any call when %s', async (_name, properties, reason) => {
    const { response } = await invoke(createEvent(properties));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `${reason} (log stream test-stream)`,
      PhysicalResourceId: 'cvpn-settings-failed-request-0001',
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expectNoCalls();
  });

  test('a failed Create returns a physical id that the following Delete accepts without calls', async () => {
    const created = await invoke(createEvent(props({ ApiSettings: '[1, 2]' })));
    expect(created.response.Status).toBe('FAILED');
    const failedId = created.response.PhysicalResourceId;
    expect(failedId).toBe('cvpn-settings-failed-request-0001');

    const { response } = await invoke(deleteEvent(failedId, props({ ApiSettings: '[1, 2]' })));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(failedId);
    expectNoCalls();
  });

  test('fails with the DescribeClientVpnEndpoints error when the endpoint does not exist', async () => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(awsError('InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist`));

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe('DescribeClientVpnEndpoints failed: InvalidClientVpnEndpointId.NotFound: '
      + `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist (HTTP 400) (log stream test-stream)`);
    expect(response.PhysicalResourceId).toBe('cvpn-settings-failed-request-0001');
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 1);
    expectNoWrites();
  });

  test.each<[string, ClientVpnEndpoint[]]>([
    ['no endpoint', []],
    ['an endpoint in the deleted state', [endpoint({ Status: { Code: 'deleted' } })]],
  ])('fails naming the endpoint when DescribeClientVpnEndpoints answers %s', async (_name, found) => {
    ec2Mock.on(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [ENDPOINT_ID] }).resolves({ ClientVpnEndpoints: found });

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(`Client VPN endpoint ${ENDPOINT_ID} does not exist (log stream test-stream)`);
    expect(response.PhysicalResourceId).toBe('cvpn-settings-failed-request-0001');
    expectNoWrites();
  });
});

describe('Update', () => {
  const createdId = settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false }, attributes: ATTRIBUTES });

  // A new ServiceToken alone makes CloudFormation send an Update: the endpoint and the file are as they were.
  test.each<[string, Props]>([
    ['identical properties', props(fullProps)],
    ['only a new ServiceToken', { ...props(fullProps), ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:new-handler' }],
    ['the properties in another key order', Object.fromEntries(Object.entries(props(fullProps)).reverse())],
  ])('with %s answers the remembered attributes and the same physical id without any AWS call', async (_name, oldProperties) => {
    const { response } = await invoke(updateEvent(createdId, props(fullProps), oldProperties));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: createdId,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: ATTRIBUTES,
    });
    expectNoCalls();
  });

  test('with only the unused SelfServicePortal changed describes the endpoint again for its portal URL', async () => {
    const newPortalUrl = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}?v=2`;
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, SelfServicePortalUrl: newPortalUrl }));

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, SelfServicePortal: 'enabled' }),
      props({ ...fullProps, SelfServicePortal: 'disabled' }),
    ));

    const attributes = { DnsName: DNS_NAME, SelfServicePortalUrl: newPortalUrl };
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: attributes });
    expect(response.PhysicalResourceId).toBe(settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false }, attributes }));
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 1);
    expectNoWrites();
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
  });

  test('with identical properties and a physical id without attributes describes the endpoint and writes nothing', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    const withoutAttributes = settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false } });

    const { response } = await invoke(updateEvent(withoutAttributes, props(fullProps), props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: createdId, Data: ATTRIBUTES });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [ENDPOINT_ID] });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 1);
    expectNoWrites();
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(cfnMock.calls()).toEqual([]);
  });

  // Attributes the handler never writes must not come back as Data: Fn::GetAtt would fail on them.
  test.each<[string, unknown]>([
    ['a number', 5],
    ['a string', 'x'],
    ['an array', [DNS_NAME, PORTAL_URL]],
    ['DnsName alone', { DnsName: DNS_NAME }],
    ['a DnsName that is not a string', { DnsName: 5, SelfServicePortalUrl: PORTAL_URL }],
  ])('with identical properties and attributes that are %s describes the endpoint for them', async (_name, attributes) => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    const state = Buffer.from(JSON.stringify({ restore: { NewSetting: false }, attributes })).toString('base64url');

    const { response } = await invoke(updateEvent(`cvpn-settings:${ENDPOINT_ID}:${state}`, props(fullProps), props(fullProps)));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: createdId, Data: ATTRIBUTES });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 1);
    expectNoWrites();
  });

  test('with identical but invalid properties still fails, keeping the physical id, without any AWS call', async () => {
    const invalid = props({ ApiSettings: '{"DryRun":true}' });

    const { response } = await invoke(updateEvent(createdId, invalid, invalid));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'ApiSettings cannot set DryRun (log stream test-stream)',
      PhysicalResourceId: createdId,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expectNoCalls();
  });

  test('changing the CRL imports it again', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    imports(CRL_2);

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, CertificateRevocationList: CRL_2 }),
      props(fullProps),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(createdId);
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(ImportClientVpnClientCertificateRevocationListCommand, {
      ClientVpnEndpointId: ENDPOINT_ID,
      CertificateRevocationList: CRL_2,
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  test('adding an ApiSettings key captures its previous value into the physical id', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, OtherSetting: 24 }));
    modifies();

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, ApiSettings: '{"NewSetting":true,"OtherSetting":12}' }),
      props(fullProps),
    ));

    expect(response.Status).toBe('SUCCESS');
    // Only the new key is modified; the unchanged one is not sent again.
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, OtherSetting: 12 }]);
    // NewSetting keeps the value from before Create, not the current one.
    expect(rememberedIn(response.PhysicalResourceId)).toEqual({
      endpointId: ENDPOINT_ID,
      restore: { NewSetting: false, OtherSetting: 24 },
      attributes: ATTRIBUTES,
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  test('changing a value keeps the originally remembered value', async () => {
    const before = settingsPhysicalId(ENDPOINT_ID, { restore: { OtherSetting: 24 }, attributes: ATTRIBUTES });
    describes(ENDPOINT_ID, endpoint({ OtherSetting: 12 }));
    modifies();

    const { response } = await invoke(updateEvent(
      before,
      props({ ApiSettings: '{"OtherSetting":6}' }),
      props({ ApiSettings: '{"OtherSetting":12}' }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, OtherSetting: 6 }]);
    expect(response.PhysicalResourceId).toBe(before);
  });

  test('removing a key restores its remembered value in the same Modify call', async () => {
    const before = settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false, OtherSetting: 24 }, attributes: ATTRIBUTES });
    describes(ENDPOINT_ID, endpoint({ NewSetting: true, OtherSetting: 12, ThirdSetting: 'old' }));
    modifies();

    const { response } = await invoke(updateEvent(
      before,
      props({ ApiSettings: '{"NewSetting":true,"ThirdSetting":"new"}' }),
      props({ ApiSettings: '{"NewSetting":true,"OtherSetting":12}' }),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 1);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, ThirdSetting: 'new', OtherSetting: 24 }]);
    expect(rememberedIn(response.PhysicalResourceId)).toEqual({
      endpointId: ENDPOINT_ID,
      restore: { NewSetting: false, ThirdSetting: 'old' },
      attributes: ATTRIBUTES,
    });
  });

  test('removing the last key restores it and returns the plain physical id', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    modifies();

    const { response } = await invoke(updateEvent(createdId, props(), props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response.Status).toBe('SUCCESS');
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false }]);
    expect(response.PhysicalResourceId).toBe(PLAIN_PHYSICAL_ID);
  });

  test('changing ConfigurationKey exports to the new key and deletes the old object this resource wrote', async () => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    exportsConfiguration();
    puts(newKey);
    heads(KEY, OWNER);
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(createdId, props({ ...fullProps, ConfigurationKey: newKey }), props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(createdId);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: newKey,
      Body: CONFIGURATION,
      ServerSideEncryption: 'AES256',
      Metadata: { [OWNER_METADATA]: OWNER },
    });
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 0);
  });

  test('changing ConfigurationKey keeps the old object when another owner wrote it', async () => {
    const newKey = 'clients/new.ovpn';
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    exportsConfiguration();
    puts(newKey);
    heads(KEY, `${STACK_ID}/SomeOtherResource`);

    const { response } = await invoke(updateEvent(createdId, props({ ...fullProps, ConfigurationKey: newKey }), props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: newKey });
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  test('changing ConfigurationInputs exports the configuration again to the same key', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    exportsConfiguration();
    puts();

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, ConfigurationInputs: '{"port":1194}' }),
      props(fullProps),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: KEY, Body: CONFIGURATION });
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  test('changing only ConfigurationKmsKeyArn re-exports encrypted and keeps the object it just wrote', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    exportsConfiguration();
    puts();
    // S3 answers HeadObject with the metadata of the object the export just wrote.
    heads(KEY, OWNER);
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, ConfigurationKmsKeyArn: KMS_KEY_ARN }),
      props(fullProps),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: KEY,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
    });
    // The old and new targets are the same object: deleting "the old one" deletes the new file.
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  test('changing the EndpointId applies everything to the new endpoint', async () => {
    const newKey = `${OTHER_ENDPOINT_ID}.ovpn`;
    describes(OTHER_ENDPOINT_ID, endpoint({
      ClientVpnEndpointId: OTHER_ENDPOINT_ID,
      DnsName: `*.${OTHER_ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`,
      SelfServicePortalUrl: undefined,
      NewSetting: 'other-default',
    }));
    imports(CRL, OTHER_ENDPOINT_ID);
    modifies(OTHER_ENDPOINT_ID);
    exportsConfiguration(OTHER_ENDPOINT_ID);
    puts(newKey);
    // Should the handler look at the old object, it is one this resource wrote.
    heads(KEY, OWNER);
    deletesObject(KEY);

    const { response } = await invoke(updateEvent(
      createdId,
      props({ ...fullProps, EndpointId: OTHER_ENDPOINT_ID, ConfigurationKey: newKey }),
      props(fullProps),
    ));

    expect(response.Status).toBe('SUCCESS');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeClientVpnEndpointsCommand, { ClientVpnEndpointIds: [OTHER_ENDPOINT_ID] });
    expect(ec2Mock).toHaveReceivedCommandWith(ImportClientVpnClientCertificateRevocationListCommand, {
      ClientVpnEndpointId: OTHER_ENDPOINT_ID,
      CertificateRevocationList: CRL,
    });
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: OTHER_ENDPOINT_ID, NewSetting: true }]);
    expect(ec2Mock).toHaveReceivedCommandWith(ExportClientVpnClientConfigurationCommand, { ClientVpnEndpointId: OTHER_ENDPOINT_ID });
    expect(ec2Mock).toHaveReceivedCommandTimes(ExportClientVpnClientConfigurationCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: newKey, Body: CONFIGURATION });
    // Nothing is sent to the old endpoint.
    for (const call of ec2Mock.calls()) {
      expect(JSON.stringify(call.args[0].input)).not.toContain(ENDPOINT_ID);
    }
    const attributes = { DnsName: `*.${OTHER_ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`, SelfServicePortalUrl: '' };
    expect(response.Data).toEqual(attributes);
    // What the old endpoint needs restored stays remembered: a rollback moves back to it.
    expect(rememberedIn(response.PhysicalResourceId)).toEqual({
      endpointId: OTHER_ENDPOINT_ID,
      restore: { NewSetting: 'other-default' },
      earlier: { endpointId: ENDPOINT_ID, restore: { NewSetting: false } },
      attributes,
    });
  });

  test('changing the EndpointId and ConfigurationKey removes the old object this resource wrote', async () => {
    // The old resource's Delete (its physical id changed) skips cleanup because it was replaced,
    // so the Update is the only place the old file can go.
    const newKey = `${OTHER_ENDPOINT_ID}.ovpn`;
    describes(OTHER_ENDPOINT_ID, endpoint({ ClientVpnEndpointId: OTHER_ENDPOINT_ID }));
    exportsConfiguration(OTHER_ENDPOINT_ID);
    puts(newKey);
    heads(KEY, OWNER);
    deletesObject(KEY);
    const configOnly = { ConfigurationBucket: BUCKET, ConfigurationInputs: '{"port":443}' };

    const { response } = await invoke(updateEvent(
      PLAIN_PHYSICAL_ID,
      props({ ...configOnly, EndpointId: OTHER_ENDPOINT_ID, ConfigurationKey: newKey }),
      props({ ...configOnly, ConfigurationKey: KEY }),
    ));

    expect(response.Status).toBe('SUCCESS');
    // The old endpoint had nothing to restore, so no earlier endpoint is remembered.
    expect(response.PhysicalResourceId).toBe(settingsPhysicalId(OTHER_ENDPOINT_ID, { restore: {}, attributes: ATTRIBUTES }));
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: newKey });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
  });

  test('unreadable old properties apply everything again', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: true }));
    imports(CRL);
    modifies();
    exportsConfiguration();
    puts();

    const { response } = await invoke(updateEvent(createdId, props(fullProps), { EndpointId: 42 }));

    expect(response.Status).toBe('SUCCESS');
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 1);
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: true }]);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    // The value from before Create is still the one to restore.
    expect(response.PhysicalResourceId).toBe(createdId);
  });
});

describe('Delete', () => {
  const createdId = settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false }, attributes: ATTRIBUTES });

  test('restores the remembered settings, without describing the endpoint, when it was not replaced', async () => {
    stackResourceIs(createdId);
    modifies();

    const { response } = await invoke(deleteEvent(createdId, props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: createdId,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(cfnMock).toHaveReceivedCommandWith(DescribeStackResourceCommand, { StackName: STACK_ID, LogicalResourceId: LOGICAL_ID });
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false }]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 0);
  });

  test('skips restoring when an update replaced this resource', async () => {
    stackResourceIs(settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false, OtherSetting: 24 }, attributes: ATTRIBUTES }));
    modifies();
    heads(KEY, OWNER);
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(createdId, props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(cfnMock).toHaveReceivedCommandTimes(DescribeStackResourceCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  test.each([
    ['the endpoint is already gone', 'InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${ENDPOINT_ID}' does not exist`],
    ['restoring fails', 'InvalidParameterValue', 'cannot set NewSetting'],
  ])('succeeds, logging what it could not undo, when %s', async (_name, errorName, message) => {
    stackResourceIs(createdId);
    ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(awsError(errorName, message));

    const { response } = await invoke(deleteEvent(createdId, props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: createdId,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false }]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 0);
    expect(errorSpy.mock.calls).toEqual([[`Could not undo: ModifyClientVpnEndpoint failed: ${errorName}: ${message} (HTTP 400)`]]);
  });

  test('succeeds with malformed properties and still restores what the physical id remembers', async () => {
    stackResourceIs(createdId);
    modifies();

    const { response } = await invoke(deleteEvent(createdId, { EndpointId: ENDPOINT_ID, ApiSettings: '{broken' }));

    expect(response.Status).toBe('SUCCESS');
    expect(modifyInputs()).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, NewSetting: false }]);
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
  });

  test.each([
    ['a foreign physical id', 'something-else'],
    ['an id of a failed Create', 'cvpn-settings-failed-request-0000'],
  ])('succeeds without calls for %s', async (_name, physicalId) => {
    const { response } = await invoke(deleteEvent(physicalId, props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(physicalId);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 0);
    expect(cfnMock).toHaveReceivedCommandTimes(DescribeStackResourceCommand, 0);
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expectNoWrites();
  });

  test.each([
    ['nothing to restore', PLAIN_PHYSICAL_ID],
    // Its third segment is the restore object itself, which holds none of the state's keys.
    ['an id in the format before attributes were remembered', `cvpn-settings:${ENDPOINT_ID}:${Buffer.from('{"NewSetting":false}').toString('base64url')}`],
  ])('with %s and no configuration makes no call', async (_name, physicalId) => {
    const { response } = await invoke(deleteEvent(physicalId, props({ CertificateRevocationList: CRL, ApiSettings: '{"NewSetting":true}' })));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expectNoCalls();
  });

  test('removes the exported object this resource wrote', async () => {
    stackResourceIs(PLAIN_PHYSICAL_ID);
    heads(KEY, OWNER);
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(PLAIN_PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 0);
  });

  test.each([
    ['another owner', `${STACK_ID}/SomeOtherResource`],
    ['no owner marker', undefined],
  ])('keeps an exported object with %s', async (_name, owner) => {
    stackResourceIs(PLAIN_PHYSICAL_ID);
    heads(KEY, owner);
    deletesObject(KEY);

    const { response } = await invoke(deleteEvent(PLAIN_PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });

  test('succeeds when the exported object is already gone', async () => {
    stackResourceIs(PLAIN_PHYSICAL_ID);
    s3Mock.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found'));

    const { response } = await invoke(deleteEvent(PLAIN_PHYSICAL_ID, props({ ConfigurationBucket: BUCKET, ConfigurationKey: KEY })));

    expect(response.Status).toBe('SUCCESS');
    expect(s3Mock).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
  });
});

describe('errors and retries', () => {
  test.each([
    ['RequestLimitExceeded', 'DescribeClientVpnEndpoints'],
    ['Throttling', 'PutObject'],
    ['ConcurrentMutationLimitExceeded', 'ModifyClientVpnEndpoint'],
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
    imports(CRL);
    exportsConfiguration();

    const { response } = await invoke(createEvent(props(fullProps)));

    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe(settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false }, attributes: ATTRIBUTES }));
    expect(logged()).toContain(`Retrying ${operation} (attempt 1): ${errorName}: slow down (HTTP 400)`);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, operation === 'DescribeClientVpnEndpoints' ? 2 : 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, operation === 'ModifyClientVpnEndpoint' ? 2 : 1);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, operation === 'PutObject' ? 2 : 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(ImportClientVpnClientCertificateRevocationListCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(ExportClientVpnClientConfigurationCommand, 1);
  }, 15_000);

  test('a non-retryable error fails at once with the error name, message and log stream', async () => {
    describes(ENDPOINT_ID, endpoint({ NewSetting: false }));
    ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(awsError('InvalidParameterValue', 'NewSetting is not a valid parameter'));

    const { response } = await invoke(createEvent(props({ ApiSettings: '{"NewSetting":true}' })));

    expect(response).toEqual({
      Status: 'FAILED',
      Reason: 'ModifyClientVpnEndpoint failed: InvalidParameterValue: NewSetting is not a valid parameter (HTTP 400) (log stream test-stream)',
      // The id of the failed Create already remembers what Delete must restore.
      PhysicalResourceId: settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: false }, attributes: ATTRIBUTES }),
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyClientVpnEndpointCommand, 1);
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
    expectNoWrites();
  }, 10_000);

  test('sending the response is tried 3 times at most, and a response never sent is logged, not thrown', async () => {
    describes(ENDPOINT_ID, endpoint());
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('', { status: 500 }));

    const attempts = await handler(createEvent(props()), context())
      .then(() => fetchSpy.mock.calls.map(([url, init]) => [url, init?.method, init?.headers]))
      .finally(() => fetchSpy.mockRestore());

    // The URL is pre-signed without a content type: an empty one is sent.
    expect(attempts).toEqual(Array(3).fill([recorder.url, 'PUT', { 'content-type': '' }]));
    expect(errorSpy.mock.calls).toEqual([['Could not send the response: CloudFormation answered 500']]);
  }, 10_000);

  test('an unknown RequestType fails with a readable reason', async () => {
    const event = { ...baseEvent(), RequestType: 'Rollback', PhysicalResourceId: PLAIN_PHYSICAL_ID, ResourceProperties: props() };

    const { response } = await invoke(event as unknown as CloudFormationCustomResourceEvent);

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe("Unknown RequestType 'Rollback' (log stream test-stream)");
    expect(response.PhysicalResourceId).toBe(PLAIN_PHYSICAL_ID);
    expect(response).toMatchObject({ StackId: STACK_ID, RequestId: 'request-0001', LogicalResourceId: LOGICAL_ID });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeClientVpnEndpointsCommand, 0);
  });
});
