/**
 * Property-based tests of the endpoint settings handler (the custom resource's Lambda).
 *
 * - any CloudFormation event (known or unknown RequestType, missing or malformed properties,
 *   old properties, any physical id) against AWS answering anything (including named errors such as
 *   InvalidClientVpnEndpointId.NotFound) ends in exactly one response: SUCCESS, or FAILED with a
 *   readable Reason of at most 1,000 characters, in a body CloudFormation accepts (at most 4,096 bytes);
 * - Delete of anything always succeeds, and echoes the physical id;
 * - a resource's life with healthy AWS (Create, Update, the rollback Update with the old properties,
 *   Delete) always succeeds and leaves the endpoint and the bucket as they were before it;
 * - an Update that changes nothing (a new ServiceToken at most), whose physical id carries the attributes
 *   last returned, answers them and the same id without any AWS call.
 *
 * Unhandled rejections: Jest 30 fails the running test on one by itself (a listener registered
 * here would never fire: the test sandbox's `process` is a copy of the real one).
 *
 * Retries: the context leaves 5.6 s, so the handler's deadline is 0.6 s away and a retryable error
 * costs at most one back-off (0.25 to 0.5 s); retryable errors are rare in the generators (about
 * 1 run in 100), which keeps 1,000 runs per property fast. Retries themselves are tested in
 * test/custom-resource/endpoint-settings.lambda.test.ts.
 *
 * 1,000 runs each (FC_NUM_RUNS overrides). A failure prints the seed and a replay command:
 * FC_SEED=<seed> FC_PATH=<path> npx jest test/property/handler.property.test.ts --coverage=false
 */
import { isDeepStrictEqual } from 'util';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
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
import * as fc from 'fast-check';
import { crlArb } from './endpoint-spec';
import { assertAsyncProperty } from './support';
import { handler } from '../../src/custom-resource/endpoint-settings.lambda';
import {
  ENDPOINT_ID,
  LOGICAL_ID,
  OTHER_ENDPOINT_ID,
  OWNER,
  OWNER_METADATA,
  rememberedIn,
  settingsPhysicalId,
  STACK_ID,
} from '../custom-resource/handler-fixtures';
import { ResponseRecorder } from '../custom-resource/response-recorder';

const TIMEOUT = 300_000;

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);
const cfnMock = mockClient(CloudFormationClient);

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:handler';
/** The token of a replaced handler function: an Update with only this changed changes nothing. */
const NEW_SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:handler-v2';
const DNS_NAME = `*.${ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`;
const PORTAL_URL = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}`;
const CONFIGURATION = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n';
const RESERVED = ['ClientVpnEndpointId', 'DryRun', 'ClientToken'];

// ---------------------------------------------------------------------------------------------
// CloudFormation's side: the pre-signed URL, recording every PUT.

const recorder = new ResponseRecorder();

beforeAll(async () => {
  await recorder.start();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await recorder.stop();
});

function context(): Context {
  return { getRemainingTimeInMillis: () => 5_600, logStreamName: 'test-stream' } as unknown as Context;
}

interface Response {
  readonly Status: unknown;
  readonly Reason?: unknown;
  readonly PhysicalResourceId?: unknown;
  readonly StackId?: unknown;
  readonly RequestId?: unknown;
  readonly LogicalResourceId?: unknown;
  readonly Data?: { [key: string]: unknown };
}

interface Invocation {
  readonly response?: Response;
  readonly violations: string[];
}

/** Runs the handler once and checks what every response must be, whatever the event. */
async function invoke(event: { [key: string]: unknown }): Promise<Invocation> {
  recorder.requests = [];
  const violations: string[] = [];
  try {
    await handler(event as unknown as CloudFormationCustomResourceEvent, context());
  } catch (error) {
    violations.push(`the handler rejected (CloudFormation would wait an hour for a response): ${String(error)}`);
  }
  const recorded = recorder.requests;
  if (recorded.length !== 1) {
    return { violations: [...violations, `expected exactly one response, got ${recorded.length}`] };
  }
  const body = recorded[0].body;
  if (recorded[0].method !== 'PUT') {
    violations.push(`the response was sent with ${recorded[0].method}, not PUT`);
  }
  if (Buffer.byteLength(body) > 4096) {
    violations.push(`the response body is ${Buffer.byteLength(body)} bytes; CloudFormation accepts at most 4096`);
  }
  let response: Response;
  try {
    response = JSON.parse(body);
  } catch {
    return { violations: [...violations, `the response is not JSON: ${body.slice(0, 100)}`] };
  }
  if (response.Status !== 'SUCCESS' && response.Status !== 'FAILED') {
    violations.push(`Status must be SUCCESS or FAILED, got ${JSON.stringify(response.Status)}`);
  }
  if (response.Status === 'FAILED') {
    if (typeof response.Reason !== 'string' || response.Reason.trim() === '' || response.Reason.length > 1000) {
      violations.push(`a FAILED response needs a readable Reason of 1 to 1000 characters, got ${JSON.stringify(response.Reason)?.slice(0, 80)} (${String((response.Reason as string)?.length)} characters)`);
    }
  }
  if (typeof response.PhysicalResourceId !== 'string' || response.PhysicalResourceId === '' || response.PhysicalResourceId.length > 1024) {
    violations.push(`PhysicalResourceId must be a string of 1 to 1024 characters, got ${JSON.stringify(response.PhysicalResourceId)?.slice(0, 80)}`);
  }
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (response[key] !== event[key]) {
      violations.push(`${key} must echo the event's, got ${JSON.stringify(response[key])}`);
    }
  }
  if (event.RequestType === 'Delete') {
    if (response.Status !== 'SUCCESS') {
      violations.push(`Delete must always succeed, got FAILED: ${String(response.Reason)}`);
    }
    if (response.PhysicalResourceId !== event.PhysicalResourceId) {
      violations.push('Delete must return the physical id it was given');
    }
  }
  if (response.Status === 'SUCCESS' && (event.RequestType === 'Create' || event.RequestType === 'Update')) {
    for (const attribute of ['DnsName', 'SelfServicePortalUrl']) {
      if (typeof response.Data?.[attribute] !== 'string') {
        violations.push(`a successful ${String(event.RequestType)} returns ${attribute} as a string, got ${JSON.stringify(response.Data?.[attribute])}`);
      }
    }
  }
  return { response, violations };
}

// ---------------------------------------------------------------------------------------------
// Generated events.

const jsonAnything = fc.jsonValue({ maxDepth: 2 });

/** ApiSettings keys: real-looking ones, the reserved ones, and keys that are properties of every object. */
const settingKeyArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,15}$/).filter((key) => !RESERVED.includes(key)) },
  { weight: 1, arbitrary: fc.constantFrom(...RESERVED) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'Status', 'DnsName') },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

/** What CloudFormation passes as ApiSettings: mostly JSON objects, sometimes anything. */
const apiSettingsTextArb = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 }).map((settings) => jsonObject(settings)) },
  { weight: 1, arbitrary: fc.constantFrom('', '[]', 'null', '5', '"text"', '{', 'not json', '{"a":1}{"b":2}', '{"__proto__":{"polluted":true}}') },
  { weight: 1, arbitrary: jsonAnything },
);

/** JSON text of an object, keeping keys such as __proto__ as own keys (as JSON.parse reads them back). */
function jsonObject(settings: { [key: string]: unknown }): string {
  return `{${Object.keys(settings).map((key) => `${JSON.stringify(key)}:${JSON.stringify(settings[key])}`).join(',')}}`;
}

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });

/** Properties as the construct writes them, with any of them missing, empty or of another type. */
const nearValidPropertiesArb = fc.record({
  ServiceToken: fc.constant(SERVICE_TOKEN),
  EndpointId: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(ENDPOINT_ID, OTHER_ENDPOINT_ID) }, { weight: 1, arbitrary: fc.constant('') }, { weight: 1, arbitrary: jsonAnything }),
  CertificateRevocationList: maybe(fc.oneof(crlArb, fc.constant(''), jsonAnything)),
  ConfigurationBucket: maybe(fc.oneof({ weight: 5, arbitrary: fc.constant('config-bucket') }, { weight: 1, arbitrary: jsonAnything })),
  ConfigurationKey: maybe(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(`${ENDPOINT_ID}.ovpn`, 'other.ovpn', 'é/ü.ovpn') }, { weight: 1, arbitrary: jsonAnything })),
  ConfigurationKmsKeyArn: maybe(fc.oneof(fc.constant('arn:aws:kms:us-east-1:123456789012:key/k'), jsonAnything)),
  ConfigurationInputs: maybe(fc.oneof(fc.constant('{"port":443}'), jsonAnything)),
  ApiSettings: maybe(apiSettingsTextArb),
}, { requiredKeys: ['ServiceToken', 'EndpointId'] });

const propertiesArb = fc.oneof({ weight: 5, arbitrary: nearValidPropertiesArb }, { weight: 1, arbitrary: jsonAnything });

const base64url = (text: string) => Buffer.from(text).toString('base64url');

const endpointIdArb = fc.constantFrom(ENDPOINT_ID, OTHER_ENDPOINT_ID);
const restoreArb = fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 });
const attributesArb = fc.record({ DnsName: fc.constantFrom(DNS_NAME, ''), SelfServicePortalUrl: fc.constantFrom(PORTAL_URL, '') }, { noNullPrototype: true });

/** The state a physical id remembers, of the shapes the handler writes. */
const rememberedArb = fc.record({
  restore: restoreArb,
  earlier: maybe(fc.record({ endpointId: endpointIdArb, restore: restoreArb })),
  attributes: maybe(attributesArb),
});

/** JSON of a state the handler never writes; whatever it cannot use, it remembers as nothing. */
const malformedStateArb = fc.oneof(
  fc.record({
    restore: jsonAnything,
    earlier: fc.oneof(jsonAnything, fc.record({ endpointId: jsonAnything, restore: jsonAnything }, { requiredKeys: [] })),
    // Anything but both attributes as strings: an Update that changes nothing must then read them again.
    attributes: fc.oneof(jsonAnything, fc.record({ DnsName: jsonAnything, SelfServicePortalUrl: jsonAnything }, { requiredKeys: [] }))
      .filter((value) => {
        const attributes = Object(value) as { DnsName?: unknown; SelfServicePortalUrl?: unknown };
        return typeof attributes.DnsName !== 'string' || typeof attributes.SelfServicePortalUrl !== 'string';
      }),
  }, { requiredKeys: [] }).map((state) => JSON.stringify(state)),
  // The format before attributes were remembered: the restore object itself.
  restoreArb.map((restore) => jsonObject(restore)),
  fc.constantFrom('[1,2]', 'null', '"s"', '5', 'true', '{"restore":', ''),
);

/** Physical ids as CloudFormation passes them on: at most 1,024 characters, which the handler never writes more of. */
const physicalIdArb = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(endpointIdArb, rememberedArb).map(([id, state]) => settingsPhysicalId(id, state)) },
  { weight: 2, arbitrary: fc.tuple(endpointIdArb, malformedStateArb).map(([id, state]) => `cvpn-settings:${id}:${base64url(state)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('cvpn-settings:', 'cvpn-settings::', `cvpn-settings:${ENDPOINT_ID}`, `cvpn-settings:${ENDPOINT_ID}:!!!`,
      `cvpn-settings:${ENDPOINT_ID}:${base64url('{"restore":{}}')}:extra`, 'cvpn-settings-failed-request-0001', 'Test-EndpointSettings-1ABC'),
  },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
  // Ids of 874 to 1,021 characters, near the 1,024 the handler allows: a restore state with a long value.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 380, max: 490 }).map((length) =>
      settingsPhysicalId(ENDPOINT_ID, { restore: { NewSetting: 'v'.repeat(length) }, attributes: { DnsName: DNS_NAME, SelfServicePortalUrl: PORTAL_URL } })),
  },
).filter((id) => id.length <= 1024);

const requestTypeArb = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('Create', 'Update', 'Delete') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('create', 'DELETE', 'Updat', '', 'Read'), fc.string({ maxLength: 20 })) },
);

function eventArb(requestType: fc.Arbitrary<string> = requestTypeArb): fc.Arbitrary<{ [key: string]: unknown }> {
  return fc.record({
    RequestType: requestType,
    ResourceProperties: propertiesArb,
    OldResourceProperties: fc.oneof(fc.constant(undefined), propertiesArb),
    PhysicalResourceId: physicalIdArb,
    RequestId: fc.oneof(fc.constant('request-0001'), fc.uuid()),
    LogicalResourceId: fc.constant(LOGICAL_ID),
    createHasPhysicalId: fc.boolean(),
    // Old properties equal to the new ones, as when only the ServiceToken changed.
    unchanged: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }).map(({ createHasPhysicalId, unchanged, ...event }) => {
    const full: { [key: string]: unknown } = {
      ServiceToken: SERVICE_TOKEN,
      ResponseURL: recorder.url,
      StackId: STACK_ID,
      ResourceType: 'Custom::ClientVpnEndpointSettings',
      ...event,
    };
    if (unchanged) {
      full.OldResourceProperties = event.ResourceProperties;
    }
    // CloudFormation sends no physical id with Create, and old properties only with Update.
    if (event.RequestType === 'Create' && !createHasPhysicalId) {
      delete full.PhysicalResourceId;
    }
    if (full.OldResourceProperties === undefined) {
      delete full.OldResourceProperties;
    }
    return full;
  });
}

// ---------------------------------------------------------------------------------------------
// AWS answering anything.

const RETRYABLE = ['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ConcurrentMutationLimitExceeded', 'SlowDown'];
const NAMED_ERRORS = [
  'InvalidClientVpnEndpointId.NotFound', 'InvalidParameterValue', 'InvalidParameterCombination', 'UnauthorizedOperation',
  'AccessDenied', 'NoSuchBucket', 'NotFound', 'NoSuchKey', 'InvalidClientVpnEndpointState', 'ValidationError', 'IncorrectState',
  'UnknownParameter', 'KMS.NotFoundException', 'Error', 'TypeError',
];

interface AwsError {
  readonly name: string;
  readonly message: string;
  readonly status: number;
}

const awsErrorArb: fc.Arbitrary<AwsError> = fc.record({
  name: fc.oneof(
    { weight: 60, arbitrary: fc.constantFrom(...NAMED_ERRORS) },
    { weight: 10, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom(...RETRYABLE) },
  ),
  message: fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 120 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 1200 }) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(3000), 'é'.repeat(1500), '数'.repeat(1200), '') },
  ),
  status: fc.oneof({ weight: 60, arbitrary: fc.constantFrom(400, 403, 404) }, { weight: 1, arbitrary: fc.constantFrom(500, 503) }),
});

function awsError(spec: AwsError): Error {
  return Object.assign(new Error(spec.message), { name: spec.name, $metadata: { httpStatusCode: spec.status } });
}

/** Each call of one API: an answer, or an error. */
const callArb = <T>(reply: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: reply.map((value) => ({ ok: true as const, value })) },
  { weight: 1, arbitrary: awsErrorArb.map((error) => ({ ok: false as const, error })) });

type Call<T> = { ok: true; value: T } | { ok: false; error: AwsError };

interface Aws {
  readonly describe: Call<'endpoint' | 'none' | 'deleted' | 'other-id'>;
  readonly current: { [key: string]: unknown };
  readonly dnsName?: string;
  readonly portalUrl?: string;
  readonly importCrl: Call<true>;
  readonly modify: Call<true>;
  readonly exportConfiguration: Call<string | undefined>;
  readonly put: Call<true>;
  readonly head: Call<'owned' | 'someone-else' | 'no-metadata'>;
  readonly deleteObject: Call<true>;
  readonly describeStackResource: Call<'same' | 'replaced' | 'none'>;
}

const awsArb: fc.Arbitrary<Aws> = fc.record({
  describe: callArb(fc.constantFrom<'endpoint' | 'none' | 'deleted' | 'other-id'>('endpoint', 'endpoint', 'endpoint', 'none', 'deleted', 'other-id')),
  current: fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 }),
  dnsName: fc.option(fc.constant(DNS_NAME), { nil: undefined }),
  portalUrl: fc.option(fc.constant(PORTAL_URL), { nil: undefined }),
  importCrl: callArb(fc.constant(true as const)),
  modify: callArb(fc.constant(true as const)),
  exportConfiguration: callArb(fc.oneof(fc.constant(CONFIGURATION), fc.constant(undefined))),
  put: callArb(fc.constant(true as const)),
  head: callArb(fc.constantFrom<'owned' | 'someone-else' | 'no-metadata'>('owned', 'someone-else', 'no-metadata')),
  deleteObject: callArb(fc.constant(true as const)),
  describeStackResource: callArb(fc.constantFrom<'same' | 'replaced' | 'none'>('same', 'replaced', 'none')),
}, { requiredKeys: ['describe', 'current', 'importCrl', 'modify', 'exportConfiguration', 'put', 'head', 'deleteObject', 'describeStackResource'] });

function answer<T, R>(call: Call<T>, respond: (value: T) => R): () => Promise<R> {
  return () => (call.ok ? Promise.resolve(respond(call.value)) : Promise.reject(awsError(call.error)));
}

function mockAws(aws: Aws, event: { [key: string]: unknown }): void {
  ec2Mock.reset();
  s3Mock.reset();
  cfnMock.reset();
  ec2Mock.on(DescribeClientVpnEndpointsCommand).callsFake(async (input: { ClientVpnEndpointIds?: string[] }) => answer(aws.describe, (kind) => {
    if (kind === 'none') {
      return { ClientVpnEndpoints: [] };
    }
    return {
      ClientVpnEndpoints: [{
        ...aws.current,
        ClientVpnEndpointId: kind === 'other-id' ? 'cvpn-endpoint-99999999999999999' : input.ClientVpnEndpointIds?.[0],
        Status: { Code: kind === 'deleted' ? 'deleted' : 'available' },
        DnsName: aws.dnsName,
        SelfServicePortalUrl: aws.portalUrl,
      }],
    };
  })());
  ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand).callsFake(answer(aws.importCrl, () => ({ Return: true })));
  ec2Mock.on(ModifyClientVpnEndpointCommand).callsFake(answer(aws.modify, () => ({ Return: true })));
  ec2Mock.on(ExportClientVpnClientConfigurationCommand)
    .callsFake(answer(aws.exportConfiguration, (configuration) => ({ ClientConfiguration: configuration })));
  s3Mock.on(PutObjectCommand).callsFake(answer(aws.put, () => ({})));
  s3Mock.on(HeadObjectCommand).callsFake(answer(aws.head, (kind) => ({
    Metadata: kind === 'owned' ? { [OWNER_METADATA]: OWNER } : kind === 'someone-else' ? { [OWNER_METADATA]: 'someone/else' } : undefined,
  })));
  s3Mock.on(DeleteObjectCommand).callsFake(answer(aws.deleteObject, () => ({})));
  cfnMock.on(DescribeStackResourceCommand).callsFake(answer(aws.describeStackResource, (kind) => ({
    StackResourceDetail: kind === 'none' ? undefined : {
      PhysicalResourceId: kind === 'same' ? event.PhysicalResourceId as string : 'cvpn-settings:replacement',
      LogicalResourceId: LOGICAL_ID,
      ResourceType: 'Custom::ClientVpnEndpointSettings',
      ResourceStatus: 'DELETE_IN_PROGRESS',
      LastUpdatedTimestamp: new Date(0),
    },
  })));
}

function failIf(violations: string[]): void {
  if (violations.length > 0) {
    throw new Error(violations.join('\n'));
  }
}

// ---------------------------------------------------------------------------------------------
// The properties.

test('any event, against AWS answering anything, ends in exactly one clean SUCCESS or a FAILED with a readable reason', async () => {
  await assertAsyncProperty(fc.asyncProperty(eventArb(), awsArb, async (event, aws) => {
    mockAws(aws, event);
    failIf((await invoke(event)).violations);
  }), __filename);
}, TIMEOUT);

test('Delete of anything always succeeds', async () => {
  await assertAsyncProperty(fc.asyncProperty(eventArb(fc.constant('Delete')), awsArb, async (event, aws) => {
    mockAws(aws, event);
    failIf((await invoke(event)).violations);
  }), __filename);
}, TIMEOUT);

// A resource's life against a consistent, healthy AWS: a fake endpoint whose settings Modify
// changes and Describe reads, and a fake bucket.

interface Settings {
  readonly endpointId: string;
  readonly crl?: string;
  readonly key?: string;
  readonly inputs?: string;
  readonly apiSettings?: { [key: string]: unknown };
}

const realKeyArb = fc.constantFrom('DisconnectOnSessionTimeout', 'NewSetting', 'FutureOption', 'PostureCheck', 'Banner2');
const smallValueArb = fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 100 }), fc.string({ maxLength: 12 }), fc.constant({ Enabled: true }));

const settingsArb: fc.Arbitrary<Settings> = fc.record({
  endpointId: fc.constantFrom(ENDPOINT_ID, ENDPOINT_ID, ENDPOINT_ID, OTHER_ENDPOINT_ID),
  crl: maybe(crlArb),
  key: maybe(fc.constantFrom(`${ENDPOINT_ID}.ovpn`, 'team/a.ovpn', 'é.ovpn')),
  inputs: maybe(fc.constantFrom('{"port":443}', '{"port":1194}')),
  apiSettings: maybe(fc.dictionary(realKeyArb, smallValueArb, { maxKeys: 3 })),
}, { requiredKeys: ['endpointId'] });

function properties(settings: Settings): { [key: string]: unknown } {
  return {
    ServiceToken: SERVICE_TOKEN,
    EndpointId: settings.endpointId,
    ...(settings.crl !== undefined ? { CertificateRevocationList: settings.crl } : {}),
    ...(settings.key !== undefined ? { ConfigurationBucket: 'config-bucket', ConfigurationKey: settings.key } : {}),
    ...(settings.inputs !== undefined && settings.key !== undefined ? { ConfigurationInputs: settings.inputs } : {}),
    ...(settings.apiSettings !== undefined ? { ApiSettings: JSON.stringify(settings.apiSettings) } : {}),
  };
}

interface FakeAws {
  /** Each endpoint's settings as Describe reads them. */
  readonly endpoints: Map<string, { [key: string]: unknown }>;
  /** Objects in the bucket, with their owner metadata. */
  readonly objects: Map<string, string | undefined>;
  /** The physical id CloudFormation holds for the resource (what DescribeStackResource answers). */
  current: string;
}

function fakeAws(original: { [endpointId: string]: { [key: string]: unknown } }, foreignObjects: string[]): FakeAws {
  const fake: FakeAws = {
    endpoints: new Map(Object.entries(original).map(([id, settings]) => [id, { ...settings }])),
    objects: new Map(foreignObjects.map((key) => [key, 'someone/else'])),
    current: '',
  };
  ec2Mock.reset();
  s3Mock.reset();
  cfnMock.reset();
  ec2Mock.on(DescribeClientVpnEndpointsCommand).callsFake(async (input: { ClientVpnEndpointIds: string[] }) => {
    const id = input.ClientVpnEndpointIds[0];
    const settings = fake.endpoints.get(id);
    if (!settings) {
      throw Object.assign(new Error(`The Client VPN endpoint ID '${id}' does not exist`), { name: 'InvalidClientVpnEndpointId.NotFound' });
    }
    return { ClientVpnEndpoints: [{ ...settings, ClientVpnEndpointId: id, Status: { Code: 'available' }, DnsName: `*.${id}.example` }] };
  });
  ec2Mock.on(ModifyClientVpnEndpointCommand).callsFake(async (input: { [key: string]: unknown }) => {
    const { ClientVpnEndpointId: id, ...changes } = input;
    Object.assign(fake.endpoints.get(id as string)!, changes);
    return { Return: true };
  });
  ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand).resolves({ Return: true });
  ec2Mock.on(ExportClientVpnClientConfigurationCommand).resolves({ ClientConfiguration: CONFIGURATION });
  s3Mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Metadata?: { [key: string]: string } }) => {
    fake.objects.set(input.Key, input.Metadata?.[OWNER_METADATA]);
    return {};
  });
  s3Mock.on(HeadObjectCommand).callsFake(async (input: { Key: string }) => {
    if (!fake.objects.has(input.Key)) {
      throw Object.assign(new Error('Not Found'), { name: 'NotFound' });
    }
    const owner = fake.objects.get(input.Key);
    return { Metadata: owner === undefined ? {} : { [OWNER_METADATA]: owner } };
  });
  s3Mock.on(DeleteObjectCommand).callsFake(async (input: { Key: string }) => {
    fake.objects.delete(input.Key);
    return {};
  });
  cfnMock.on(DescribeStackResourceCommand).callsFake(async () => ({
    StackResourceDetail: {
      PhysicalResourceId: fake.current,
      LogicalResourceId: LOGICAL_ID,
      ResourceType: 'Custom::ClientVpnEndpointSettings',
      ResourceStatus: 'UPDATE_COMPLETE',
      LastUpdatedTimestamp: new Date(0),
    },
  }));
  return fake;
}

function lifecycleEvent(requestType: string, settings: Settings, physicalId?: string, old?: Settings): { [key: string]: unknown } {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: recorder.url,
    StackId: STACK_ID,
    RequestId: `request-${requestType}`,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::ClientVpnEndpointSettings',
    RequestType: requestType,
    ResourceProperties: properties(settings),
    ...(physicalId !== undefined ? { PhysicalResourceId: physicalId } : {}),
    ...(old !== undefined ? { OldResourceProperties: properties(old) } : {}),
  };
}

/** Settings the endpoint shows as `wanted`, and the rest of the keys ever set back to what they were. */
function endpointViolations(step: string, fake: FakeAws, endpointId: string, wanted: { [key: string]: unknown },
  original: { [key: string]: unknown }, touched: Set<string>): string[] {
  const now = fake.endpoints.get(endpointId)!;
  const v: string[] = [];
  for (const key of touched) {
    const expected = key in wanted ? wanted[key] : original[key];
    // A key Describe did not show before is not restored: the handler logs that it cannot.
    if (!(key in wanted) && !(key in original)) {
      continue;
    }
    if (JSON.stringify(now[key]) !== JSON.stringify(expected)) {
      v.push(`after ${step}, ${endpointId} has ${key} = ${JSON.stringify(now[key])}, expected ${JSON.stringify(expected)}`);
    }
  }
  return v;
}

test('a resource\'s life (Create, Update, rollback with the old properties, Delete) succeeds and leaves AWS as it was', async () => {
  const originalArb = fc.dictionary(realKeyArb, smallValueArb, { maxKeys: 3 });
  await assertAsyncProperty(fc.asyncProperty(
    settingsArb, settingsArb, originalArb, originalArb, fc.subarray(['team/a.ovpn', `${ENDPOINT_ID}.ovpn`]),
    async (a, b, originalA, originalB, foreign) => {
      const original: { [endpointId: string]: { [key: string]: unknown } } = { [ENDPOINT_ID]: originalA, [OTHER_ENDPOINT_ID]: originalB };
      const fake = fakeAws(original, foreign);
      const foreignBefore = new Map(foreign.map((key) => [key, 'someone/else']));
      const touched = new Set([...Object.keys(a.apiSettings ?? {}), ...Object.keys(b.apiSettings ?? {})]);
      const v: string[] = [];
      /** One request; `held` is the physical id CloudFormation holds meanwhile (what DescribeStackResource answers). */
      const step = async (name: string, event: { [key: string]: unknown }, settings: Settings, held?: string): Promise<string> => {
        fake.current = held ?? event.PhysicalResourceId as string ?? '';
        const { response, violations } = await invoke(event);
        v.push(...violations.map((violation) => `${name}: ${violation}`));
        if (response?.Status !== 'SUCCESS') {
          v.push(`${name}: expected SUCCESS against a healthy AWS, got ${String(response?.Status)}: ${String(response?.Reason)}`);
          throw new Error(v.join('\n'));
        }
        const id = response.PhysicalResourceId as string;
        if (event.RequestType !== 'Delete') {
          const remembered = rememberedIn(id);
          if (remembered.endpointId !== settings.endpointId) {
            v.push(`${name}: the physical id ${id} does not name ${settings.endpointId}`);
          }
          // An Update that changes nothing answers what the id remembers, so it must be what was answered.
          if (!isDeepStrictEqual(remembered.attributes, response.Data)) {
            v.push(`${name}: the physical id remembers the attributes ${JSON.stringify(remembered.attributes)}, not the Data answered`);
          }
          if (settings.key !== undefined && !fake.objects.has(settings.key)) {
            v.push(`${name}: the configuration was not exported to ${settings.key}`);
          }
        }
        fake.current = id;
        return id;
      };

      const created = await step('Create', lifecycleEvent('Create', a), a);
      v.push(...endpointViolations('Create', fake, a.endpointId, a.apiSettings ?? {}, original[a.endpointId], touched));
      const updated = await step('Update', lifecycleEvent('Update', b, created, a), b);
      v.push(...endpointViolations('Update', fake, b.endpointId, b.apiSettings ?? {}, original[b.endpointId], touched));
      // The update failed later in the stack: CloudFormation rolls back with the old properties as the new ones.
      const rolledBack = await step('rollback Update', lifecycleEvent('Update', a, updated, b), a);
      v.push(...endpointViolations('rollback Update', fake, a.endpointId, a.apiSettings ?? {}, original[a.endpointId], touched));
      if (rolledBack !== updated) {
        // A new physical id: after the rollback CloudFormation deletes the one it replaced, which must undo nothing.
        await step('rollback cleanup Delete', lifecycleEvent('Delete', b, updated), b, rolledBack);
        v.push(...endpointViolations('rollback cleanup Delete', fake, a.endpointId, a.apiSettings ?? {}, original[a.endpointId], touched));
      }
      await step('Delete', lifecycleEvent('Delete', a, rolledBack), a);
      v.push(...endpointViolations('Delete', fake, a.endpointId, {}, original[a.endpointId], touched));

      // Only files someone else wrote are left, untouched.
      for (const [key, owner] of fake.objects) {
        if (foreignBefore.get(key) !== owner) {
          v.push(`after Delete, s3://config-bucket/${key} is left (owner ${String(owner)})`);
        }
      }
      for (const key of foreignBefore.keys()) {
        if (!fake.objects.has(key) && ![a.key, b.key].includes(key)) {
          v.push(`s3://config-bucket/${key}, written by someone else, was deleted`);
        }
      }
      failIf(v);
    },
  ), __filename);
}, TIMEOUT);

test('an Update that changes nothing, whose physical id carries attributes, answers them without any AWS call', async () => {
  const unchangedUpdateArb = settingsArb.chain((settings) => {
    const keys = Object.keys(properties(settings));
    return fc.record({
      settings: fc.constant(settings),
      oldKeyOrder: fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }),
      oldServiceToken: fc.constantFrom(SERVICE_TOKEN, NEW_SERVICE_TOKEN),
      remembered: fc.tuple(rememberedArb, attributesArb)
        .map(([state, attributes]) => ({ attributes, physicalId: settingsPhysicalId(settings.endpointId, { ...state, attributes }) }))
        // As CloudFormation passes them on.
        .filter(({ physicalId }) => physicalId.length <= 1024),
    });
  });
  await assertAsyncProperty(fc.asyncProperty(unchangedUpdateArb, awsArb, async (update, aws) => {
    const { settings, oldKeyOrder, oldServiceToken, remembered: { attributes, physicalId } } = update;
    const current = properties(settings);
    const old = Object.fromEntries(oldKeyOrder.map((key) => [key, key === 'ServiceToken' ? oldServiceToken : current[key]]));
    const event = { ...lifecycleEvent('Update', settings, physicalId), OldResourceProperties: old };
    mockAws(aws, event);

    const { response, violations } = await invoke(event);

    const calls = [...ec2Mock.calls(), ...s3Mock.calls(), ...cfnMock.calls()].map((call) => call.args[0].constructor.name);
    if (calls.length > 0) {
      violations.push(`expected no AWS call, got ${calls.join(', ')}`);
    }
    if (response?.Status !== 'SUCCESS' || response.PhysicalResourceId !== physicalId || !isDeepStrictEqual(response.Data, attributes)) {
      violations.push(`expected SUCCESS with the same physical id and Data ${JSON.stringify(attributes)}, `
        + `got ${JSON.stringify(response)?.slice(0, 300)}`);
    }
    failIf(violations);
  }), __filename);
}, TIMEOUT);
