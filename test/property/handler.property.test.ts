/**
 * Property-based tests of the endpoint settings handler (the custom resource's Lambda).
 *
 * - any CloudFormation event (known or unknown RequestType, missing or malformed properties,
 *   old properties, any physical id) against AWS answering anything (including named errors such as
 *   InvalidClientVpnEndpointId.NotFound, and S3's bodiless 403) ends in exactly one response: SUCCESS,
 *   or FAILED with a readable Reason of at most 1,000 characters, in a body CloudFormation accepts
 *   (at most 4,096 bytes); a successful Create or Update answers `cvpn-settings:<endpoint id>` after
 *   exactly one DescribeClientVpnEndpoints call; a failed Create answers `cvpn-settings-failed-<RequestId>`,
 *   a failed Update the id it was given;
 * - Delete of anything always succeeds, echoes the physical id, never touches settings, the CRL or
 *   the export, and deletes a file only when HeadObject showed it was written by this resource for
 *   this endpoint;
 * - over any lifecycle CloudFormation plays (Create, Updates, Updates that fail in the handler at any
 *   call and are rolled back, Updates rolled back because another resource failed, replacements of the
 *   endpoint with their cleanup Deletes, the resource removed and added again, the final Delete), with
 *   AWS healthy but for the one injected failure: each endpoint's settings equal the last applied
 *   apiSettings for every key ever applied, its tags equal the last applied Tags (other tags untouched),
 *   a failed request leaves everything as it found it, the bucket holds exactly the current template's
 *   file, written for the current endpoint, beside files others wrote, untouched, and the physical id
 *   is never longer than `cvpn-settings:` and the endpoint id;
 * - an Update that changes nothing (a new ServiceToken at most, any key order) makes one
 *   DescribeClientVpnEndpoints call, writes nothing, and answers the attributes it read.
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
import {
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
import * as fc from 'fast-check';
import { crlArb } from './endpoint-spec';
import { assertAsyncProperty } from './support';
import { handler } from '../../src/custom-resource/endpoint-settings.lambda';
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
} from '../custom-resource/handler-fixtures';
import { ResponseRecorder } from '../custom-resource/response-recorder';

const TIMEOUT = 300_000;

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:handler';
/** The token of a replaced handler function: an Update with only this changed changes nothing. */
const NEW_SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:handler-v2';
const DNS_NAME = `*.${ENDPOINT_ID}.prod.clientvpn.us-east-1.amazonaws.com`;
const PORTAL_URL = `https://self-service.clientvpn.amazonaws.com/endpoints/${ENDPOINT_ID}`;
const ATTACHMENT_ID = 'tgw-attach-0123456789abcdef0';
const CONFIGURATION = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n';
const RESERVED = ['ClientVpnEndpointId', 'DryRun', 'ClientToken'];
const BUCKET = 'config-bucket';

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

/** The operations the handler called since the mocks were last reset, in order. */
function operations(): string[] {
  const order = (call: { callId?: number }) => call.callId ?? 0;
  return [...ec2Mock.calls(), ...s3Mock.calls()]
    .sort((a, b) => order(a as never) - order(b as never))
    .map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
}

/** Runs the handler once and checks what every response must be, whatever the event. */
async function invoke(event: { [key: string]: unknown }): Promise<Invocation> {
  recorder.requests = [];
  const violations: string[] = [];
  const earlierCalls = operations().length;
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
  const endpointId = (Object(event.ResourceProperties) as { EndpointId?: unknown }).EndpointId;
  if (event.RequestType === 'Delete') {
    if (response.Status !== 'SUCCESS') {
      violations.push(`Delete must always succeed, got FAILED: ${String(response.Reason)}`);
    }
    if (response.PhysicalResourceId !== event.PhysicalResourceId) {
      violations.push('Delete must return the physical id it was given');
    }
  }
  if (response.Status === 'SUCCESS' && (event.RequestType === 'Create' || event.RequestType === 'Update')) {
    for (const attribute of ['DnsName', 'SelfServicePortalUrl', 'TransitGatewayAttachmentId']) {
      if (typeof response.Data?.[attribute] !== 'string') {
        violations.push(`a successful ${String(event.RequestType)} returns ${attribute} as a string, got ${JSON.stringify(response.Data?.[attribute])}`);
      }
    }
    // The id names the endpoint and nothing else: no state, no size to grow.
    if (response.PhysicalResourceId !== `cvpn-settings:${asText(endpointId)}`) {
      violations.push(`a successful ${String(event.RequestType)} answers cvpn-settings:<EndpointId>, got ${JSON.stringify(response.PhysicalResourceId)?.slice(0, 120)}`);
    }
    const describes = operations().slice(earlierCalls).filter((operation) => operation === 'DescribeClientVpnEndpoints').length;
    if (describes !== 1) {
      violations.push(`a successful ${String(event.RequestType)} reads the endpoint once, got ${describes} DescribeClientVpnEndpoints calls`);
    }
  }
  if (response.Status === 'FAILED' && event.RequestType === 'Create' && response.PhysicalResourceId !== failedCreatePhysicalId(String(event.RequestId))) {
    violations.push(`a failed Create answers cvpn-settings-failed-<RequestId>, got ${JSON.stringify(response.PhysicalResourceId)?.slice(0, 120)}`);
  }
  if (response.Status === 'FAILED' && event.RequestType === 'Update' && response.PhysicalResourceId !== event.PhysicalResourceId) {
    violations.push('a failed Update must keep the physical id it was given');
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
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'Status', 'DnsName', 'Tags') },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

/** What CloudFormation passes as ApiSettings: mostly JSON objects, sometimes anything. */
const apiSettingsTextArb = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 }).map((settings) => jsonObject(settings)) },
  { weight: 1, arbitrary: fc.constantFrom('', '[]', 'null', '5', '"text"', '{', 'not json', '{"a":1}{"b":2}', '{"__proto__":{"polluted":true}}') },
  { weight: 1, arbitrary: jsonAnything },
);

const tagKeyArb = fc.oneof(fc.constantFrom('CostCenter', 'Team', 'Env', 'aws:cloudformation:stack-name'), fc.string({ maxLength: 8 }));
const tagValueArb = fc.oneof(fc.constantFrom('a', 'b', ''), fc.string({ maxLength: 8 }));

/** What CloudFormation passes as Tags: mostly lists of tags, sometimes anything. */
const tagsTextArb = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.record({ Key: tagKeyArb, Value: tagValueArb }), { maxLength: 3 }).map((tags) => JSON.stringify(tags)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{}', 'null', '[null]', '[{"Key":"a"}]', '[{"Key":"a","Value":1}]', '[{"Key":1,"Value":"b"}]', '[', '"a"') },
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
  ConfigurationBucket: maybe(fc.oneof({ weight: 5, arbitrary: fc.constant(BUCKET) }, { weight: 1, arbitrary: jsonAnything })),
  ConfigurationKey: maybe(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(`${ENDPOINT_ID}.ovpn`, 'other.ovpn', 'é/ü.ovpn') }, { weight: 1, arbitrary: jsonAnything })),
  ConfigurationKmsKeyArn: maybe(fc.oneof(fc.constant('arn:aws:kms:us-east-1:123456789012:key/k'), jsonAnything)),
  ConfigurationInputs: maybe(fc.oneof(fc.constant('{"port":443}'), jsonAnything)),
  ApiSettings: maybe(apiSettingsTextArb),
  SelfServicePortal: maybe(fc.constantFrom('enabled', 'disabled')),
  Tags: maybe(tagsTextArb),
}, { requiredKeys: ['ServiceToken', 'EndpointId'] });

const propertiesArb = fc.oneof({ weight: 5, arbitrary: nearValidPropertiesArb }, { weight: 1, arbitrary: jsonAnything });

const base64url = (text: string) => Buffer.from(text).toString('base64url');
// An endpoint id may be any JSON value, even an object without a prototype, which String() throws on.
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const endpointIdArb = fc.constantFrom(ENDPOINT_ID, OTHER_ENDPOINT_ID);

/** Physical ids as CloudFormation passes them on: at most 1,024 characters. */
const physicalIdArb = fc.oneof(
  { weight: 6, arbitrary: endpointIdArb.map((id) => settingsPhysicalId(id)) },
  // Ids of a failed Create, and of the design that kept state in the id.
  { weight: 2, arbitrary: fc.oneof(fc.uuid(), fc.constant('request-0001')).map((id) => failedCreatePhysicalId(id)) },
  { weight: 2, arbitrary: fc.tuple(endpointIdArb, jsonAnything).map(([id, state]) => `cvpn-settings:${id}:${base64url(JSON.stringify(state))}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('cvpn-settings:', 'cvpn-settings::', `cvpn-settings:${ENDPOINT_ID}:`, `cvpn-settings:${ENDPOINT_ID}:!!!`,
      `cvpn-settings:${ENDPOINT_ID.toUpperCase()}`, ` cvpn-settings:${ENDPOINT_ID}`, 'cvpn-settings-failed-', 'Test-EndpointSettings-1ABC'),
  },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 1024 }).map((length) => `cvpn-settings:${ENDPOINT_ID}:${'v'.repeat(length)}`.slice(0, length)) },
);

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
    // A physical id that matches the properties' endpoint, as CloudFormation passes it most of the time.
    matching: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }).map(({ createHasPhysicalId, unchanged, matching, ...event }) => {
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
    if (matching) {
      full.PhysicalResourceId = `cvpn-settings:${asText((Object(event.ResourceProperties) as { EndpointId?: unknown }).EndpointId)}`;
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
  'UnknownParameter', 'KMS.NotFoundException', 'TagLimitExceeded', 'InvalidID', 'AbortError', 'TimeoutError', '403', 'Error', 'TypeError',
];

interface AwsError {
  readonly name: string;
  readonly message: string;
  readonly status?: number;
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
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(3000), 'é'.repeat(1500), '数'.repeat(1200), '', 'UnknownError') },
  ),
  // No status: an abort, or an error that never reached AWS.
  status: fc.oneof(
    { weight: 60, arbitrary: fc.constantFrom(400, 403, 404) },
    { weight: 1, arbitrary: fc.constantFrom(500, 503) },
    { weight: 5, arbitrary: fc.constant(undefined) },
  ),
}, { requiredKeys: ['name', 'message'] });

function awsError(spec: AwsError): Error {
  const metadata = spec.status === undefined ? {} : { $metadata: { httpStatusCode: spec.status } };
  return Object.assign(new Error(spec.message), { name: spec.name, ...metadata });
}

/** Each call of one API: an answer, or an error. */
const callArb = <T>(reply: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: reply.map((value) => ({ ok: true as const, value })) },
  { weight: 1, arbitrary: awsErrorArb.map((error) => ({ ok: false as const, error })) });

type Call<T> = { ok: true; value: T } | { ok: false; error: AwsError };
type HeadAnswer = 'owned' | 'owned-other-endpoint' | 'owner-only' | 'someone-else' | 'no-metadata';

interface Aws {
  readonly describe: Call<'endpoint' | 'none' | 'deleted' | 'other-id'>;
  readonly current: { [key: string]: unknown };
  readonly liveTags: Array<{ Key: string; Value: string }>;
  readonly dnsName?: string;
  readonly portalUrl?: string;
  /** The endpoint's transit gateway attachment, when it is attached to one. */
  readonly attachmentId?: string;
  readonly importCrl: Call<true>;
  readonly modify: Call<true>;
  readonly createTags: Call<true>;
  readonly deleteTags: Call<true>;
  readonly exportConfiguration: Call<string | undefined>;
  readonly put: Call<true>;
  readonly head: Call<HeadAnswer>;
  readonly deleteObject: Call<true>;
}

const awsArb: fc.Arbitrary<Aws> = fc.record({
  describe: callArb(fc.constantFrom<'endpoint' | 'none' | 'deleted' | 'other-id'>('endpoint', 'endpoint', 'endpoint', 'none', 'deleted', 'other-id')),
  current: fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 }),
  liveTags: fc.array(fc.record({ Key: tagKeyArb, Value: tagValueArb }), { maxLength: 3 }),
  dnsName: fc.option(fc.constant(DNS_NAME), { nil: undefined }),
  portalUrl: fc.option(fc.constant(PORTAL_URL), { nil: undefined }),
  attachmentId: fc.option(fc.constant(ATTACHMENT_ID), { nil: undefined }),
  importCrl: callArb(fc.constant(true as const)),
  modify: callArb(fc.constant(true as const)),
  createTags: callArb(fc.constant(true as const)),
  deleteTags: callArb(fc.constant(true as const)),
  exportConfiguration: callArb(fc.oneof(fc.constant(CONFIGURATION), fc.constant(undefined))),
  put: callArb(fc.constant(true as const)),
  head: callArb(fc.constantFrom<HeadAnswer>('owned', 'owned-other-endpoint', 'owner-only', 'someone-else', 'no-metadata')),
  deleteObject: callArb(fc.constant(true as const)),
}, { requiredKeys: ['describe', 'current', 'liveTags', 'importCrl', 'modify', 'createTags', 'deleteTags', 'exportConfiguration', 'put', 'head', 'deleteObject'] });

function answer<T, R>(call: Call<T>, respond: (value: T) => R): () => Promise<R> {
  return () => (call.ok ? Promise.resolve(respond(call.value)) : Promise.reject(awsError(call.error)));
}

function mockAws(aws: Aws, event: { [key: string]: unknown }): void {
  ec2Mock.reset();
  s3Mock.reset();
  const endpointId = (Object(event.ResourceProperties) as { EndpointId?: unknown }).EndpointId as string;
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
        ...(aws.attachmentId === undefined ? {} : { TransitGatewayConfiguration: { TransitGatewayId: 'tgw-0123456789abcdef0', TransitGatewayAttachmentId: aws.attachmentId } }),
        Tags: aws.liveTags,
      }],
    };
  })());
  ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand).callsFake(answer(aws.importCrl, () => ({ Return: true })));
  ec2Mock.on(ModifyClientVpnEndpointCommand).callsFake(answer(aws.modify, () => ({ Return: true })));
  ec2Mock.on(CreateTagsCommand).callsFake(answer(aws.createTags, () => ({})));
  ec2Mock.on(DeleteTagsCommand).callsFake(answer(aws.deleteTags, () => ({})));
  ec2Mock.on(ExportClientVpnClientConfigurationCommand)
    .callsFake(answer(aws.exportConfiguration, (configuration) => ({ ClientConfiguration: configuration })));
  s3Mock.on(PutObjectCommand).callsFake(answer(aws.put, () => ({})));
  s3Mock.on(HeadObjectCommand).callsFake(answer(aws.head, (kind) => ({
    Metadata: {
      'owned': exportMetadata(OWNER, endpointId),
      'owned-other-endpoint': exportMetadata(OWNER, 'cvpn-endpoint-99999999999999999'),
      'owner-only': { [OWNER_METADATA]: OWNER },
      'someone-else': exportMetadata('someone/else', endpointId),
      'no-metadata': undefined,
    }[kind],
  })));
  s3Mock.on(DeleteObjectCommand).callsFake(answer(aws.deleteObject, () => ({})));
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

test('Delete of anything always succeeds, never touches settings, the CRL or the export, and deletes only a file it wrote for its endpoint', async () => {
  await assertAsyncProperty(fc.asyncProperty(eventArb(fc.constant('Delete')), awsArb, async (event, aws) => {
    mockAws(aws, event);
    const { violations } = await invoke(event);
    const called = operations();
    const forbidden = called.filter((operation) => !['DeleteTags', 'HeadObject', 'DeleteObject'].includes(operation));
    if (forbidden.length > 0) {
      violations.push(`a Delete called ${forbidden.join(', ')}`);
    }
    if (called.includes('DeleteObject') && !(aws.head.ok && aws.head.value === 'owned')) {
      violations.push(`a Delete deleted a file whose HeadObject answered ${JSON.stringify(aws.head)}`);
    }
    const endpointId = (Object(event.ResourceProperties) as { EndpointId?: unknown }).EndpointId;
    if (called.length > 0 && event.PhysicalResourceId !== `cvpn-settings:${asText(endpointId)}`) {
      violations.push(`a Delete of ${JSON.stringify(event.PhysicalResourceId)} (not this resource's id for its endpoint) called ${called.join(', ')}`);
    }
    failIf(violations);
  }), __filename);
}, TIMEOUT);

test('an Update that changes nothing makes one DescribeClientVpnEndpoints call, writes nothing, and answers what it read', async () => {
  const unchangedUpdateArb = settingsArb().chain((settings) => {
    const keys = Object.keys(properties(settings));
    return fc.record({
      settings: fc.constant(settings),
      oldKeyOrder: fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }),
      oldServiceToken: fc.constantFrom(SERVICE_TOKEN, NEW_SERVICE_TOKEN),
      current: fc.dictionary(settingKeyArb, jsonAnything, { maxKeys: 3 }),
      // The wanted tags are all there; others may be too.
      otherTags: fc.array(fc.record({ Key: fc.constantFrom('aws:cloudformation:stack-name', 'Owner'), Value: tagValueArb }), { maxLength: 2 }),
      dnsName: fc.constantFrom(DNS_NAME, ''),
      portalUrl: fc.option(fc.constantFrom(PORTAL_URL, `${PORTAL_URL}?v=2`), { nil: undefined }),
      attachmentId: fc.option(fc.constant(ATTACHMENT_ID), { nil: undefined }),
      physicalId: fc.constantFrom(settingsPhysicalId(settings.endpointId), `cvpn-settings:${settings.endpointId}:${base64url('{"restore":{}}')}`),
    });
  });
  await assertAsyncProperty(fc.asyncProperty(unchangedUpdateArb, async (update) => {
    const { settings, oldKeyOrder, oldServiceToken, current, otherTags, dnsName, portalUrl, attachmentId, physicalId } = update;
    const now = properties(settings);
    const old = Object.fromEntries(oldKeyOrder.map((key) => [key, key === 'ServiceToken' ? oldServiceToken : now[key]]));
    const event = { ...lifecycleEvent('Update', settings, physicalId), OldResourceProperties: old };
    const wantedTags = settings.tags ?? [];
    const aws: Aws = {
      describe: { ok: true, value: 'endpoint' },
      current,
      liveTags: [...otherTags.filter((tag) => !wantedTags.some((wanted) => wanted.Key === tag.Key)), ...wantedTags],
      dnsName,
      portalUrl,
      attachmentId,
      importCrl: { ok: true, value: true },
      modify: { ok: true, value: true },
      createTags: { ok: true, value: true },
      deleteTags: { ok: true, value: true },
      exportConfiguration: { ok: true, value: CONFIGURATION },
      put: { ok: true, value: true },
      head: { ok: true, value: 'owned' },
      deleteObject: { ok: true, value: true },
    };
    mockAws(aws, event);

    const { response, violations } = await invoke(event);

    const called = operations();
    if (!isDeepStrictEqual(called, ['DescribeClientVpnEndpoints'])) {
      violations.push(`expected only DescribeClientVpnEndpoints, got ${called.join(', ')}`);
    }
    const data = { DnsName: dnsName, SelfServicePortalUrl: portalUrl ?? '', TransitGatewayAttachmentId: attachmentId ?? '' };
    if (response?.Status !== 'SUCCESS' || response.PhysicalResourceId !== settingsPhysicalId(settings.endpointId) || !isDeepStrictEqual(response.Data, data)) {
      violations.push(`expected SUCCESS with ${settingsPhysicalId(settings.endpointId)} and Data ${JSON.stringify(data)}, got ${JSON.stringify(response)?.slice(0, 300)}`);
    }
    failIf(violations);
  }), __filename);
}, TIMEOUT);

// ---------------------------------------------------------------------------------------------
// Lifecycles against a consistent AWS: fake endpoints whose settings and tags the handler's calls
// change and Describe reads, and a fake bucket. Healthy, but for one injected failure per request
// that CloudFormation sends with it.

type Tag = { Key: string; Value: string };

interface Settings {
  readonly endpointId: string;
  readonly crl?: string;
  readonly key?: string;
  readonly inputs?: string;
  readonly apiSettings?: { [key: string]: unknown };
  readonly tags?: Tag[];
}

const REAL_KEYS = ['DisconnectOnSessionTimeout', 'NewSetting', 'FutureOption', 'PostureCheck', 'Banner2'];
const realKeyArb = fc.constantFrom(...REAL_KEYS);
const smallValueArb = fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 100 }), fc.string({ maxLength: 12 }), fc.constant({ Enabled: true }));
/** Tag keys the templates use; tags others put on the endpoint have keys of their own. */
const templateTagKeyArb = fc.constantFrom('CostCenter', 'Team', 'Env');
const FOREIGN_TAG_KEYS = ['aws:cloudformation:stack-name', 'Owner'];

function settingsArb(): fc.Arbitrary<Settings> {
  return fc.record({
    endpointId: fc.constantFrom(ENDPOINT_ID, ENDPOINT_ID, ENDPOINT_ID, OTHER_ENDPOINT_ID),
    crl: maybe(crlArb),
    key: maybe(fc.constantFrom(`${ENDPOINT_ID}.ovpn`, 'team/a.ovpn', 'é.ovpn')),
    inputs: maybe(fc.constantFrom('{"port":443}', '{"port":1194}')),
    apiSettings: maybe(fc.dictionary(realKeyArb, smallValueArb, { maxKeys: 3 })),
    tags: maybe(fc.uniqueArray(fc.record({ Key: templateTagKeyArb, Value: fc.constantFrom('a', 'b', '') }), { selector: (tag) => tag.Key, maxLength: 3 })),
  }, { requiredKeys: ['endpointId'] });
}

function properties(settings: Settings): { [key: string]: unknown } {
  return {
    ServiceToken: SERVICE_TOKEN,
    EndpointId: settings.endpointId,
    ...(settings.crl !== undefined ? { CertificateRevocationList: settings.crl } : {}),
    ...(settings.key !== undefined ? { ConfigurationBucket: BUCKET, ConfigurationKey: settings.key } : {}),
    ...(settings.inputs !== undefined && settings.key !== undefined ? { ConfigurationInputs: settings.inputs } : {}),
    ...(settings.apiSettings !== undefined ? { ApiSettings: JSON.stringify(settings.apiSettings) } : {}),
    ...(settings.tags !== undefined ? { Tags: JSON.stringify(settings.tags) } : {}),
  };
}

let lifecycleRequests = 0;

function lifecycleEvent(requestType: string, settings: Settings, physicalId?: string, old?: Settings): { [key: string]: unknown } {
  lifecycleRequests++;
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: recorder.url,
    StackId: STACK_ID,
    RequestId: `request-${lifecycleRequests}`,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::ClientVpnEndpointSettings',
    RequestType: requestType,
    ResourceProperties: properties(settings),
    ...(physicalId !== undefined ? { PhysicalResourceId: physicalId } : {}),
    ...(old !== undefined ? { OldResourceProperties: properties(old) } : {}),
  };
}

interface StoredFile {
  readonly metadata?: { [key: string]: string };
  readonly body: string;
}

interface EndpointState {
  settings: { [key: string]: unknown };
  tags: Map<string, string>;
  crl?: string;
}

/** What AWS holds: the fake's state, and the model's expectation of it, have this shape. */
interface AwsState {
  readonly endpoints: Map<string, EndpointState>;
  readonly objects: Map<string, StoredFile>;
}

/** A failure injected into a request: its `at`-th call that can fail fails, after taking effect when `applied`. */
interface Fault {
  readonly at: number;
  readonly applied: boolean;
}

const FAILABLE = ['DescribeClientVpnEndpoints', 'ImportClientVpnClientCertificateRevocationList', 'ModifyClientVpnEndpoint', 'CreateTags',
  'DeleteTags', 'ExportClientVpnClientConfiguration', 'PutObject'];
/** Calls whose effect is on the endpoint: one that took effect and then failed (a lost answer) is undone like any other. */
const CAN_APPLY_THEN_FAIL = ['ImportClientVpnClientCertificateRevocationList', 'ModifyClientVpnEndpoint', 'CreateTags', 'DeleteTags'];

function configurationFor(endpointId: string): string {
  return `${CONFIGURATION}# ${endpointId}\n`;
}

/** A copy of JSON data, made in this realm (structuredClone's would fail isDeepStrictEqual under Jest). */
function copy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function cloneState(state: AwsState): AwsState {
  return {
    endpoints: new Map([...state.endpoints].map(([id, endpoint]) => [id, {
      settings: copy(endpoint.settings),
      tags: new Map(endpoint.tags),
      ...(endpoint.crl !== undefined ? { crl: endpoint.crl } : {}),
    }])),
    objects: new Map([...state.objects].map(([key, stored]) => [key, copy(stored)])),
  };
}

class FakeAws {
  public readonly state: AwsState;
  private fault?: Fault & { remaining: number };

  constructor(initial: AwsState) {
    this.state = cloneState(initial);
    ec2Mock.reset();
    s3Mock.reset();
    const endpointOf = (id: string) => {
      const endpoint = this.state.endpoints.get(id);
      if (!endpoint) {
        throw Object.assign(new Error(`The Client VPN endpoint ID '${id}' does not exist`), { name: 'InvalidClientVpnEndpointId.NotFound' });
      }
      return endpoint;
    };
    const tagsOf = (input: { Resources?: string[]; Tags?: Tag[] }) => ({ endpoint: endpointOf(input.Resources![0]), tags: input.Tags ?? [] });
    this.on(ec2Mock, DescribeClientVpnEndpointsCommand, (input: { ClientVpnEndpointIds: string[] }) => {
      const id = input.ClientVpnEndpointIds[0];
      const endpoint = endpointOf(id);
      return {
        ClientVpnEndpoints: [{
          ...copy(endpoint.settings),
          ClientVpnEndpointId: id,
          Status: { Code: 'available' },
          DnsName: `*.${id}.example`,
          Tags: [...endpoint.tags].map(([Key, Value]) => ({ Key, Value })),
        }],
      };
    });
    this.on(ec2Mock, ModifyClientVpnEndpointCommand, (input: { [key: string]: unknown }) => {
      const { ClientVpnEndpointId: id, ...changes } = input;
      Object.assign(endpointOf(id as string).settings, copy(changes));
      return { Return: true };
    });
    type ImportInput = { ClientVpnEndpointId: string; CertificateRevocationList: string };
    this.on(ec2Mock, ImportClientVpnClientCertificateRevocationListCommand, (input: ImportInput) => {
      endpointOf(input.ClientVpnEndpointId).crl = input.CertificateRevocationList;
      return { Return: true };
    });
    this.on(ec2Mock, CreateTagsCommand, (input: { Resources: string[]; Tags: Tag[] }) => {
      const { endpoint, tags } = tagsOf(input);
      for (const tag of tags) {
        endpoint.tags.set(tag.Key, tag.Value);
      }
      return {};
    });
    this.on(ec2Mock, DeleteTagsCommand, (input: { Resources: string[]; Tags: Tag[] }) => {
      const { endpoint, tags } = tagsOf(input);
      for (const tag of tags) {
        if (tag.Value === undefined || endpoint.tags.get(tag.Key) === tag.Value) {
          endpoint.tags.delete(tag.Key);
        }
      }
      return {};
    });
    this.on(ec2Mock, ExportClientVpnClientConfigurationCommand, (input: { ClientVpnEndpointId: string }) => {
      endpointOf(input.ClientVpnEndpointId);
      return { ClientConfiguration: configurationFor(input.ClientVpnEndpointId) };
    });
    this.on(s3Mock, PutObjectCommand, (input: { Bucket: string; Key: string; Body: string; Metadata?: { [key: string]: string } }) => {
      this.state.objects.set(`${input.Bucket}/${input.Key}`, { metadata: input.Metadata, body: input.Body });
      return {};
    });
    this.on(s3Mock, HeadObjectCommand, (input: { Bucket: string; Key: string }) => {
      const stored = this.state.objects.get(`${input.Bucket}/${input.Key}`);
      if (!stored) {
        // The role has no s3:ListBucket: a missing key is a 403, with no body.
        throw Object.assign(new Error('UnknownError'), { name: '403', $metadata: { httpStatusCode: 403 } });
      }
      return { Metadata: stored.metadata };
    });
    this.on(s3Mock, DeleteObjectCommand, (input: { Bucket: string; Key: string }) => {
      this.state.objects.delete(`${input.Bucket}/${input.Key}`);
      return {};
    });
  }

  /** Fails the `at`-th call that can fail from now on, once. */
  public inject(fault: Fault | undefined): void {
    this.fault = fault && { ...fault, remaining: fault.at };
  }

  private on<I>(mock: typeof ec2Mock | typeof s3Mock, command: new (input: never) => object, respond: (input: I) => object): void {
    const operation = command.name.replace(/Command$/, '');
    (mock as typeof ec2Mock).on(command as never).callsFake(async (input: I) => {
      const fault = this.fault;
      if (fault && FAILABLE.includes(operation) && --fault.remaining === 0) {
        this.fault = undefined;
        if (fault.applied && CAN_APPLY_THEN_FAIL.includes(operation)) {
          respond(input);
        }
        throw Object.assign(new Error(`injected failure of ${operation}`), { name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
      }
      return respond(input);
    });
  }
}

/**
 * What AWS must hold, by the design: settings and tags go forward from the properties; a Delete
 * removes the tags it applied (while they have its values) and the file it wrote for its endpoint.
 */
class Model {
  public readonly state: AwsState;

  constructor(initial: AwsState) {
    this.state = cloneState(initial);
  }

  public apply(settings: Settings, old: Settings | undefined): void {
    const endpoint = this.state.endpoints.get(settings.endpointId)!;
    const before = old?.endpointId === settings.endpointId ? old : undefined;
    Object.assign(endpoint.settings, copy(settings.apiSettings ?? {}));
    for (const tag of before?.tags ?? []) {
      if (!(settings.tags ?? []).some((wanted) => wanted.Key === tag.Key) && endpoint.tags.get(tag.Key) === tag.Value) {
        endpoint.tags.delete(tag.Key);
      }
    }
    for (const tag of settings.tags ?? []) {
      endpoint.tags.set(tag.Key, tag.Value);
    }
    if (settings.crl !== undefined) {
      endpoint.crl = settings.crl;
    }
    if (settings.key !== undefined) {
      this.state.objects.set(`${BUCKET}/${settings.key}`, { metadata: exportMetadata(OWNER, settings.endpointId), body: configurationFor(settings.endpointId) });
    }
    if (before?.key !== undefined && before.key !== settings.key) {
      this.removeFile(before.key, settings.endpointId);
    }
  }

  public delete(settings: Settings): void {
    const endpoint = this.state.endpoints.get(settings.endpointId)!;
    for (const tag of settings.tags ?? []) {
      if (endpoint.tags.get(tag.Key) === tag.Value) {
        endpoint.tags.delete(tag.Key);
      }
    }
    if (settings.key !== undefined) {
      this.removeFile(settings.key, settings.endpointId);
    }
  }

  private removeFile(key: string, endpointId: string): void {
    const stored = this.state.objects.get(`${BUCKET}/${key}`);
    if (stored?.metadata?.[OWNER_METADATA] === OWNER && stored.metadata[ENDPOINT_METADATA] === endpointId) {
      this.state.objects.delete(`${BUCKET}/${key}`);
    }
  }
}

function describeState(state: AwsState, withCrl: boolean): unknown {
  return {
    endpoints: [...state.endpoints].map(([id, endpoint]) => ({
      id,
      settings: endpoint.settings,
      tags: [...endpoint.tags].sort(),
      ...(withCrl ? { crl: endpoint.crl } : {}),
    })),
    objects: [...state.objects].sort(([a], [b]) => a.localeCompare(b)),
  };
}

/** One stack operation as the generator describes it; `fault` is injected into the first request the handler gets for it. */
type Operation =
  | { readonly kind: 'update'; readonly to: Settings; readonly fault?: Fault }
  | { readonly kind: 'update, then another resource fails'; readonly to: Settings }
  | { readonly kind: 'remove the resource, then add it again'; readonly to: Settings; readonly fault?: Fault };

const faultArb: fc.Arbitrary<Fault | undefined> = fc.option(
  fc.record({ at: fc.integer({ min: 1, max: 7 }), applied: fc.boolean() }),
  { nil: undefined, freq: 2 },
);

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('update' as const), to: settingsArb(), fault: faultArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update, then another resource fails' as const), to: settingsArb() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove the resource, then add it again' as const), to: settingsArb(), fault: faultArb }) },
);

/**
 * An endpoint's settings: Describe shows every one of them. (A setting the runtime's SDK cannot read
 * is put back from the old properties at best; the unit tests cover that.)
 */
const endpointSettingsArb = fc.record(Object.fromEntries(REAL_KEYS.map((key) => [key, smallValueArb])));

const initialStateArb: fc.Arbitrary<AwsState> = fc.record({
  settings: fc.tuple(endpointSettingsArb, endpointSettingsArb),
  tags: fc.tuple(
    fc.uniqueArray(fc.record({ Key: fc.constantFrom(...FOREIGN_TAG_KEYS), Value: fc.constantFrom('x', 'y') }), { selector: (tag) => tag.Key }),
    fc.uniqueArray(fc.record({ Key: fc.constantFrom(...FOREIGN_TAG_KEYS), Value: fc.constantFrom('x', 'y') }), { selector: (tag) => tag.Key }),
  ),
  // Files someone else wrote, some at keys the templates use.
  foreign: fc.subarray(['team/a.ovpn', `${ENDPOINT_ID}.ovpn`, 'someone-elses.ovpn']),
  // A file this resource wrote long ago for another endpoint, at a key the templates use.
  stale: fc.boolean(),
}).map(({ settings, tags, foreign, stale }) => ({
  endpoints: new Map([ENDPOINT_ID, OTHER_ENDPOINT_ID].map((id, i) => [id, {
    settings: settings[i],
    tags: new Map(tags[i].map((tag) => [tag.Key, tag.Value])),
  }])),
  objects: new Map<string, StoredFile>([
    ...foreign.map((key) => [`${BUCKET}/${key}`, { metadata: exportMetadata('someone/else', ENDPOINT_ID), body: 'theirs' }] as const),
    ...(stale ? [[`${BUCKET}/é.ovpn`, { metadata: exportMetadata(OWNER, 'cvpn-endpoint-99999999999999999'), body: 'stale' }] as const] : []),
  ]),
}));

test('over any lifecycle, settings and tags are the last applied, a failed request changes nothing, the bucket holds the current file, and Delete always succeeds', async () => {
  await assertAsyncProperty(fc.asyncProperty(
    initialStateArb, settingsArb(), faultArb, fc.array(operationArb, { maxLength: 4 }),
    async (initial, first, firstFault, operations_) => {
      const fake = new FakeAws(initial);
      const model = new Model(initial);
      const v: string[] = [];
      const log: string[] = [];
      /** Keys a template ever wrote into each endpoint's settings, and files the templates named. */
      const namedKeys = new Set([...operations_.map((operation) => operation.to.key), first.key].filter((key) => key !== undefined).map((key) => `${BUCKET}/${key}`));

      const check = (after: string) => {
        const actual = describeState(fake.state, false);
        const expected = describeState(model.state, false);
        if (!isDeepStrictEqual(actual, expected)) {
          v.push(`after ${after}, AWS holds\n  ${JSON.stringify(actual)}\nexpected\n  ${JSON.stringify(expected)}`);
        }
      };
      /** After a completed stack operation, the invariants in the terms of the issue. */
      const checkTemplate = (after: string, current: Settings | undefined) => {
        if (current) {
          const endpoint = fake.state.endpoints.get(current.endpointId)!;
          for (const [key, value] of Object.entries(current.apiSettings ?? {})) {
            if (!isDeepStrictEqual(endpoint.settings[key], value)) {
              v.push(`after ${after}, ${current.endpointId} has ${key} = ${JSON.stringify(endpoint.settings[key])}, the template says ${JSON.stringify(value)}`);
            }
          }
          const templateTags = [...endpoint.tags].filter(([key]) => !FOREIGN_TAG_KEYS.includes(key)).sort();
          const wanted = (current.tags ?? []).map((tag) => [tag.Key, tag.Value]).sort();
          if (!isDeepStrictEqual(templateTags, wanted)) {
            v.push(`after ${after}, ${current.endpointId} has the tags ${JSON.stringify(templateTags)}, the template says ${JSON.stringify(wanted)}`);
          }
          if (current.crl !== undefined && endpoint.crl !== current.crl) {
            v.push(`after ${after}, ${current.endpointId} does not have the template's CRL`);
          }
        }
        for (const [key, stored] of fake.state.objects) {
          const ours = stored.metadata?.[OWNER_METADATA] === OWNER && stored.metadata[ENDPOINT_METADATA] !== 'cvpn-endpoint-99999999999999999';
          if (ours && (key !== `${BUCKET}/${current?.key}` || stored.metadata?.[ENDPOINT_METADATA] !== current?.endpointId)) {
            v.push(`after ${after}, s3://${key} is left, written for ${stored.metadata?.[ENDPOINT_METADATA]}`);
          }
        }
        if (current?.key !== undefined && fake.state.objects.get(`${BUCKET}/${current.key}`)?.body !== configurationFor(current.endpointId)) {
          v.push(`after ${after}, s3://${BUCKET}/${current.key} does not hold ${current.endpointId}'s configuration`);
        }
        for (const [key, stored] of initial.objects) {
          if (!namedKeys.has(key) && JSON.stringify(fake.state.objects.get(key)) !== JSON.stringify(stored)) {
            v.push(`after ${after}, s3://${key}, which no template names, was changed or deleted`);
          }
        }
      };
      const send = async (name: string, event: { [key: string]: unknown }, fault?: Fault) => {
        fake.inject(fault);
        const { response, violations } = await invoke(event);
        fake.inject(undefined);
        log.push(`${name}: ${String(response?.Status)} ${String(response?.PhysicalResourceId)}${response?.Reason ? ` (${String(response.Reason)})` : ''}`);
        v.push(...violations.map((violation) => `${name}: ${violation}`));
        const id = response?.PhysicalResourceId;
        if (typeof id === 'string' && !id.startsWith('cvpn-settings-failed-') && id.length > 'cvpn-settings:'.length + ENDPOINT_ID.length) {
          v.push(`${name}: the physical id ${id} is longer than cvpn-settings:<endpoint id>`);
        }
        return response;
      };
      /** A request that must succeed: AWS is healthy. */
      const succeed = async (name: string, event: { [key: string]: unknown }) => {
        const response = await send(name, event);
        if (response?.Status !== 'SUCCESS') {
          v.push(`${name}: expected SUCCESS against a healthy AWS, got ${String(response?.Status)}: ${String(response?.Reason)}`);
          throw new Error([...log, ...v].join('\n'));
        }
        return response.PhysicalResourceId as string;
      };
      /**
       * A request with a failure injected: SUCCESS if the failure was never reached, or FAILED having
       * changed nothing. A CRL cannot be removed, so a new one may stay; one that replaced another is put back.
       */
      const attempt = async (name: string, event: { [key: string]: unknown }, fault: Fault | undefined, settings: Settings, old?: Settings) => {
        const before = cloneState(fake.state);
        const response = await send(name, event, fault);
        if (response?.Status === 'FAILED') {
          if (fault === undefined) {
            v.push(`${name}: FAILED against a healthy AWS: ${String(response.Reason)}`);
          }
          const previousCrl = old?.endpointId === settings.endpointId ? old.crl : undefined;
          if (settings.crl !== undefined && previousCrl === undefined) {
            const crl = fake.state.endpoints.get(settings.endpointId)!.crl;
            before.endpoints.get(settings.endpointId)!.crl = crl;
          }
          const now = describeState(fake.state, true);
          if (!isDeepStrictEqual(now, describeState(before, true))) {
            v.push(`${name}: a FAILED request left AWS changed:\n  ${JSON.stringify(now)}\nwas\n  ${JSON.stringify(describeState(before, true))}`);
          }
        }
        return response;
      };

      const create = async (settings: Settings, fault: Fault | undefined): Promise<string> => {
        const event = lifecycleEvent('Create', settings);
        const response = await attempt('Create', event, fault, settings);
        if (response?.Status === 'SUCCESS') {
          model.apply(settings, undefined);
          check('Create');
          return response.PhysicalResourceId as string;
        }
        // CloudFormation deletes what failed to create, then the next deploy creates it again.
        await succeed('Delete of the failed Create', lifecycleEvent('Delete', settings, response?.PhysicalResourceId as string));
        check('Delete of the failed Create');
        const id = await succeed('Create again', lifecycleEvent('Create', settings));
        model.apply(settings, undefined);
        check('Create again');
        return id;
      };

      let current = first;
      let id = await create(first, firstFault);
      checkTemplate('Create', current);
      for (const operation of operations_) {
        const { to } = operation;
        if (operation.kind === 'update') {
          const response = await attempt('Update', lifecycleEvent('Update', to, id, current), operation.fault, to, current);
          if (response?.Status === 'SUCCESS') {
            const newId = response.PhysicalResourceId as string;
            model.apply(to, current);
            check('Update');
            if (newId !== id) {
              // A new id: after UPDATE_COMPLETE, CloudFormation deletes the old one, with the old properties.
              await succeed('cleanup Delete', lifecycleEvent('Delete', current, id));
              model.delete(current);
              check('cleanup Delete');
            }
            current = to;
            id = newId;
          } else {
            // CloudFormation rolls the failed resource back: old and new properties swap, the id stays.
            const rolledBack = await succeed('rollback Update', lifecycleEvent('Update', current, id, to));
            model.apply(current, to);
            check('rollback Update');
            if (rolledBack !== id) {
              v.push(`rollback Update: answered ${rolledBack}, not the id ${id} it was given`);
            }
          }
          checkTemplate(operation.kind, current);
        } else if (operation.kind === 'update, then another resource fails') {
          const newId = await succeed('Update', lifecycleEvent('Update', to, id, current));
          model.apply(to, current);
          check('Update');
          const rolledBack = await succeed('rollback Update', lifecycleEvent('Update', current, newId, to));
          model.apply(current, to);
          check('rollback Update');
          if (rolledBack !== id) {
            v.push(`rollback Update: answered ${rolledBack}, not the id ${id} it had before the Update`);
          }
          if (newId !== rolledBack) {
            // The rollback's cleanup: the resource the Update created goes, with the properties it had.
            await succeed('rollback cleanup Delete', lifecycleEvent('Delete', to, newId));
            model.delete(to);
            check('rollback cleanup Delete');
          }
          checkTemplate(operation.kind, current);
        } else {
          await succeed('Delete', lifecycleEvent('Delete', current, id));
          model.delete(current);
          check('Delete');
          checkTemplate('Delete', undefined);
          current = to;
          id = await create(to, operation.fault);
          checkTemplate('Create', current);
        }
      }
      await succeed('final Delete', lifecycleEvent('Delete', current, id));
      model.delete(current);
      check('final Delete');
      checkTemplate('final Delete', undefined);
      if (v.length > 0) {
        throw new Error([...log, ...v].join('\n'));
      }
    },
  ), __filename);
}, TIMEOUT);
