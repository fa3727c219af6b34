import * as http from 'http';
import * as https from 'https';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  ClientVpnEndpoint,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  ExportClientVpnClientConfigurationCommand,
  ImportClientVpnClientCertificateRevocationListCommand,
  ModifyClientVpnEndpointCommand,
  ModifyClientVpnEndpointCommandInput,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import {
  ATTRIBUTE_DNS_NAME,
  ATTRIBUTE_SELF_SERVICE_PORTAL_URL,
  ConfigurationTarget,
  InvalidPropertiesError,
  parseSettingsProperties,
  SettingsRequest,
} from './resource-properties';

// The handler retries by itself (below), within the time the Lambda has left.
const ec2 = new EC2Client({ maxAttempts: 1 });
const s3 = new S3Client({ maxAttempts: 1 });
const cloudformation = new CloudFormationClient({ maxAttempts: 1 });

const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
// Kept back from the Lambda's timeout so the response always reaches CloudFormation.
const RESPONSE_RESERVE_MS = 5_000;
const MAX_REASON_LENGTH = 1_000;
const MAX_PHYSICAL_ID_LENGTH = 1_024;
const PHYSICAL_ID_PREFIX = 'cvpn-settings';
const OWNER_METADATA = 'cdk-client-vpn-owner';

const RETRYABLE_ERRORS = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ConcurrentMutationLimitExceeded',
  'SlowDown',
]);

const ENDPOINT_NOT_FOUND = 'InvalidClientVpnEndpointId.NotFound';

type Settings = { [key: string]: unknown };
type Data = { [key: string]: string };

interface Outcome {
  readonly physicalResourceId: string;
  readonly data?: Data;
}

/** What the physical id remembers: the endpoint, and the settings to restore on Delete. */
interface ResourceState {
  readonly endpointId: string;
  readonly restore: Settings;
  /**
   * The endpoint this resource moved away from in its last update, with its settings to
   * restore: a rollback moves back to it and must restore what was there first.
   */
  readonly earlier?: { readonly endpointId: string; readonly restore: Settings };
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS;
  console.log(JSON.stringify({
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: (event as { PhysicalResourceId?: string }).PhysicalResourceId,
  }));
  const response = await respondTo(event, deadline, context.logStreamName);
  try {
    await sendResponse(event.ResponseURL, response, deadline);
  } catch (error) {
    // Not rethrown: Lambda would run the whole request again, and a repeated Create would
    // remember the settings it had just applied as the ones to restore.
    console.error(`Could not send the response to CloudFormation: ${describeError(error)}`);
  }
}

async function respondTo(
  event: CloudFormationCustomResourceEvent,
  deadline: number,
  logStreamName: string,
): Promise<CloudFormationCustomResourceResponse> {
  // A failed Create still needs an id (CloudFormation deletes it next, undoing what it did);
  // a failed Update keeps the id it had, which is what CloudFormation rolls back to.
  const progress = { physicalResourceId: physicalIdOf(event) ?? `${PHYSICAL_ID_PREFIX}-failed-${event.RequestId}` };
  const base = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  try {
    const outcome = await dispatch(event, deadline, progress);
    return { ...base, Status: 'SUCCESS', PhysicalResourceId: outcome.physicalResourceId, Data: outcome.data };
  } catch (error) {
    const reason = `${describeError(error)} (log stream ${logStreamName})`;
    console.error(JSON.stringify({ failed: event.RequestType, reason }));
    return {
      ...base,
      Status: 'FAILED',
      PhysicalResourceId: progress.physicalResourceId,
      Reason: reason.slice(0, MAX_REASON_LENGTH),
    };
  }
}

function physicalIdOf(event: CloudFormationCustomResourceEvent): string | undefined {
  return event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
}

async function dispatch(
  event: CloudFormationCustomResourceEvent,
  deadline: number,
  progress: { physicalResourceId: string },
): Promise<Outcome> {
  switch (event.RequestType) {
    case 'Create':
      return apply(parseSettingsProperties(event.ResourceProperties), undefined, undefined, event, deadline, progress);
    case 'Update': {
      const request = parseSettingsProperties(event.ResourceProperties);
      const previous = parseOldProperties(event.OldResourceProperties);
      const state = decodePhysicalId(event.PhysicalResourceId);
      return apply(request, previous, state, event, deadline, progress);
    }
    case 'Delete':
      await remove(event, deadline);
      return { physicalResourceId: event.PhysicalResourceId };
    default:
      throw new InvalidPropertiesError(`Unknown RequestType '${String((event as { RequestType?: unknown }).RequestType)}'`);
  }
}

function parseOldProperties(raw: unknown): SettingsRequest | undefined {
  try {
    return parseSettingsProperties(raw);
  } catch {
    // Old properties this handler cannot read are treated as none: everything is applied anew.
    return undefined;
  }
}

/**
 * Create, and Update: applies what changed between `previous` and `request`. When the
 * endpoint itself changed (it was replaced), everything is applied to the new one.
 */
async function apply(
  request: SettingsRequest,
  previous: SettingsRequest | undefined,
  previousState: ResourceState | undefined,
  event: CloudFormationCustomResourceEvent,
  deadline: number,
  progress: { physicalResourceId: string },
): Promise<Outcome> {
  // The physical id says which endpoint the remembered settings belong to.
  const sameEndpoint = previousState?.endpointId === request.endpointId;
  const movingBack = previousState?.earlier?.endpointId === request.endpointId;
  const before = sameEndpoint ? previous : undefined;
  const endpoint = await describeEndpoint(request.endpointId, deadline);
  if (!endpoint) {
    throw new Error(`Client VPN endpoint ${request.endpointId} does not exist`);
  }

  if (request.certificateRevocationList && request.certificateRevocationList !== before?.certificateRevocationList) {
    console.log(`Importing the client certificate revocation list into ${request.endpointId}`);
    await withRetries(deadline, 'ImportClientVpnClientCertificateRevocationList', () => ec2.send(new ImportClientVpnClientCertificateRevocationListCommand({
      ClientVpnEndpointId: request.endpointId,
      CertificateRevocationList: request.certificateRevocationList,
    })));
  }

  const restore: Settings = { ...(sameEndpoint ? previousState?.restore : movingBack ? previousState?.earlier?.restore : {}) };
  const changes = settingsChanges(request.apiSettings, before?.apiSettings ?? {}, restore, endpoint);
  const movedAway = previousState && !sameEndpoint && !movingBack && Object.keys(previousState.restore).length > 0
    ? { endpointId: previousState.endpointId, restore: previousState.restore }
    : undefined;
  const physicalResourceId = encodePhysicalId({ endpointId: request.endpointId, restore: changes.restore, earlier: movedAway });
  if (event.RequestType === 'Create') {
    progress.physicalResourceId = physicalResourceId;
  }
  if (Object.keys(changes.modify).length > 0) {
    console.log(`Modifying ${Object.keys(changes.modify).join(', ')} of ${request.endpointId}`);
    await modifyEndpoint(request.endpointId, changes.modify, deadline);
  }

  const configurationChanged = request.configuration !== undefined && (
    !sameObject(request.configuration, before?.configuration)
    || request.configuration.kmsKeyArn !== before?.configuration?.kmsKeyArn
    || request.configurationInputs !== before?.configurationInputs);
  if (request.configuration && configurationChanged) {
    await exportConfiguration(request.endpointId, request.configuration, ownerOf(event), deadline);
  }
  // The file of the previous properties goes when it moved, even to a replaced endpoint:
  // the Delete that follows a replacement leaves everything to the successor.
  if (previous?.configuration && !sameObject(request.configuration, previous.configuration)) {
    await deleteConfigurationIfOwned(previous.configuration, ownerOf(event), deadline);
  }

  return { physicalResourceId, data: attributesOf(endpoint) };
}

/**
 * What ModifyClientVpnEndpoint must set: keys that are new or changed, and keys no longer
 * given, set back to the values they had before this resource first set them.
 */
function settingsChanges(wanted: Settings, previous: Settings, restore: Settings, endpoint: ClientVpnEndpoint) {
  const modify: Settings = {};
  const remembered: Settings = { ...restore };
  for (const [key, value] of Object.entries(wanted)) {
    if (key in previous && JSON.stringify(previous[key]) === JSON.stringify(value)) {
      continue;
    }
    if (!(key in remembered)) {
      const current = (endpoint as Settings)[key];
      if (current === undefined) {
        console.log(`${key} is not readable from DescribeClientVpnEndpoints: it will not be restored on Delete`);
      } else {
        remembered[key] = current;
      }
    }
    modify[key] = value;
  }
  for (const key of Object.keys(previous)) {
    if (!(key in wanted) && key in remembered) {
      modify[key] = remembered[key];
      delete remembered[key];
    }
  }
  return { modify, restore: remembered };
}

async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, deadline: number): Promise<void> {
  // Delete never fails: a stack must always be able to go. What could not be undone is logged.
  const state = decodePhysicalId(event.PhysicalResourceId);
  if (!state) {
    console.log('Nothing to undo: this resource was never created');
    return;
  }
  let configuration: ConfigurationTarget | undefined;
  try {
    configuration = parseSettingsProperties(event.ResourceProperties).configuration;
  } catch (error) {
    console.log(`Ignoring unreadable properties on Delete: ${describeError(error)}`);
  }
  const hasSettings = Object.keys(state.restore).length > 0;
  if (!hasSettings && !configuration) {
    return;
  }
  if (await wasReplaced(event, deadline)) {
    console.log('This resource was replaced by an update: its successor keeps the settings and the file');
    return;
  }
  if (configuration) {
    const target = configuration;
    await undoing('delete the exported configuration', () => deleteConfigurationIfOwned(target, ownerOf(event), deadline));
  }
  if (hasSettings) {
    await undoing('restore the endpoint settings', () => restoreSettings(state, deadline));
  }
}

/** Runs one clean-up step of a Delete; a failure is logged, and the other steps still run. */
async function undoing(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    console.error(`Could not ${what}: ${describeError(error)}`);
  }
}

async function restoreSettings(state: ResourceState, deadline: number): Promise<void> {
  const endpoint = await describeEndpoint(state.endpointId, deadline);
  if (!endpoint) {
    console.log(`Client VPN endpoint ${state.endpointId} is already gone`);
    return;
  }
  console.log(`Restoring ${Object.keys(state.restore).join(', ')} of ${state.endpointId}`);
  await modifyEndpoint(state.endpointId, state.restore, deadline);
}

/** True when an update gave this logical resource a new physical id: this Delete is its cleanup. */
async function wasReplaced(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, deadline: number): Promise<boolean> {
  try {
    const { StackResourceDetail: detail } = await withRetries(deadline, 'DescribeStackResource', () => cloudformation.send(new DescribeStackResourceCommand({
      StackName: event.StackId,
      LogicalResourceId: event.LogicalResourceId,
    })));
    return detail?.PhysicalResourceId !== undefined && detail.PhysicalResourceId !== event.PhysicalResourceId;
  } catch (error) {
    console.log(`Treating this Delete as final: ${describeError(error)}`);
    return false;
  }
}

async function describeEndpoint(endpointId: string, deadline: number): Promise<ClientVpnEndpoint | undefined> {
  try {
    const response = await withRetries(deadline, 'DescribeClientVpnEndpoints', () => ec2.send(new DescribeClientVpnEndpointsCommand({
      ClientVpnEndpointIds: [endpointId],
    })));
    const endpoint = response.ClientVpnEndpoints?.[0];
    return endpoint && endpoint.Status?.Code !== 'deleted' ? endpoint : undefined;
  } catch (error) {
    if ((error as Error).name === ENDPOINT_NOT_FOUND) {
      return undefined;
    }
    throw error;
  }
}

async function modifyEndpoint(endpointId: string, settings: Settings, deadline: number): Promise<void> {
  const command = new ModifyClientVpnEndpointCommand({ ...settings, ClientVpnEndpointId: endpointId } as ModifyClientVpnEndpointCommandInput);
  // apiSettings exist for parameters newer than CloudFormation, which can be newer than the
  // runtime's SDK too: its serializer drops what it does not know, so those are added here.
  command.middlewareStack.add((next) => async (args) => {
    const request = args.request as { body?: unknown; headers: { [name: string]: string } };
    if (typeof request.body === 'string') {
      const serialized = new Set([...new URLSearchParams(request.body).keys()].map((name) => name.split('.')[0]));
      const unknown = Object.keys(settings).filter((name) => !serialized.has(name));
      if (unknown.length > 0) {
        console.log(`Sending ${unknown.join(', ')} as raw parameters: the runtime's SDK does not know them`);
        const raw = unknown.flatMap((name) => queryParameters(settings[name], name));
        const body = `${request.body}&${new URLSearchParams(raw).toString()}`;
        request.body = body;
        request.headers['content-length'] = String(Buffer.byteLength(body));
      }
    }
    return next(args);
  }, { step: 'build', name: 'cdkClientVpnRawApiSettings' });
  await withRetries(deadline, 'ModifyClientVpnEndpoint', () => ec2.send(command));
}

/** EC2 Query serialization of settings: `Name.Member` for structures, `Name.N` (from 1) for lists. */
function queryParameters(value: unknown, prefix = ''): Array<[string, string]> {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => queryParameters(item, `${prefix}.${index + 1}`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => queryParameters(item, prefix ? `${prefix}.${key}` : key));
  }
  return value === undefined || value === null ? [] : [[prefix, String(value)]];
}

function attributesOf(endpoint: ClientVpnEndpoint): Data {
  return {
    [ATTRIBUTE_DNS_NAME]: endpoint.DnsName ?? '',
    [ATTRIBUTE_SELF_SERVICE_PORTAL_URL]: endpoint.SelfServicePortalUrl ?? '',
  };
}

/** Marks objects this resource wrote, so Delete never removes a file someone else put there. */
function ownerOf(event: CloudFormationCustomResourceEvent): string {
  return `${event.StackId}/${event.LogicalResourceId}`;
}

function sameObject(a: ConfigurationTarget | undefined, b: ConfigurationTarget | undefined): boolean {
  return a?.bucket === b?.bucket && a?.key === b?.key;
}

async function exportConfiguration(endpointId: string, target: ConfigurationTarget, owner: string, deadline: number): Promise<void> {
  console.log(`Exporting the client configuration of ${endpointId} to s3://${target.bucket}/${target.key}`);
  const { ClientConfiguration: configuration } = await withRetries(deadline, 'ExportClientVpnClientConfiguration', () => ec2.send(
    new ExportClientVpnClientConfigurationCommand({ ClientVpnEndpointId: endpointId })));
  if (!configuration) {
    throw new Error(`ExportClientVpnClientConfiguration returned no configuration for ${endpointId}`);
  }
  await withRetries(deadline, 'PutObject', () => s3.send(new PutObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    Body: configuration,
    ContentType: 'application/x-openvpn-profile',
    ServerSideEncryption: target.kmsKeyArn ? 'aws:kms' : 'AES256',
    SSEKMSKeyId: target.kmsKeyArn,
    Metadata: { [OWNER_METADATA]: owner },
  })));
}

async function deleteConfigurationIfOwned(target: ConfigurationTarget, owner: string, deadline: number): Promise<void> {
  let metadata: { [key: string]: string } | undefined;
  try {
    ({ Metadata: metadata } = await withRetries(deadline, 'HeadObject', () => s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key }))));
  } catch (error) {
    // Without s3:ListBucket (not granted: it is bucket-wide), S3 answers a missing key with 403.
    if (['NotFound', 'NoSuchKey', 'Forbidden', 'AccessDenied'].includes((error as Error).name)) {
      console.log(`Keeping s3://${target.bucket}/${target.key}: it is missing or unreadable (${(error as Error).name})`);
      return;
    }
    throw error;
  }
  if (metadata?.[OWNER_METADATA] !== owner) {
    console.log(`Keeping s3://${target.bucket}/${target.key}: this resource did not write it`);
    return;
  }
  console.log(`Deleting s3://${target.bucket}/${target.key}`);
  await withRetries(deadline, 'DeleteObject', () => s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key })));
}

function encodePhysicalId(state: ResourceState): string {
  const encode = (restore: Settings) => Object.keys(restore).length === 0 ? '' : Buffer.from(JSON.stringify(restore)).toString('base64url');
  const parts = [PHYSICAL_ID_PREFIX, state.endpointId, encode(state.restore)];
  if (state.earlier) {
    parts.push(state.earlier.endpointId, encode(state.earlier.restore));
  }
  const id = parts.join(':').replace(/:+$/, '');
  if (id.length > MAX_PHYSICAL_ID_LENGTH) {
    throw new Error(`The settings to restore on Delete (${Object.keys(state.restore).join(', ')}) are too large to remember`);
  }
  return id;
}

function decodeRestore(encoded: string | undefined): Settings {
  if (!encoded) {
    return {};
  }
  try {
    const restore = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof restore === 'object' && restore !== null && !Array.isArray(restore) ? restore : {};
  } catch {
    return {};
  }
}

function decodePhysicalId(physicalId: unknown): ResourceState | undefined {
  if (typeof physicalId !== 'string') {
    return undefined;
  }
  const [prefix, endpointId, encoded, earlierEndpointId, earlierEncoded] = physicalId.split(':');
  if (prefix !== PHYSICAL_ID_PREFIX || !endpointId) {
    return undefined;
  }
  return {
    endpointId,
    restore: decodeRestore(encoded),
    earlier: earlierEndpointId ? { endpointId: earlierEndpointId, restore: decodeRestore(earlierEncoded) } : undefined,
  };
}

function isRetryable(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return RETRYABLE_ERRORS.has(candidate?.name ?? '') || (candidate?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Retries throttling, concurrent mutations and server errors with capped, jittered backoff before the deadline. */
async function withRetries<T>(deadline: number, operation: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      if (!isRetryable(error) || attempt >= MAX_ATTEMPTS || Date.now() + delay > deadline) {
        // Which call failed, and after how many attempts, makes the reason readable in CloudFormation.
        throw Object.assign(error as Error, { operation, attempts: attempt });
      }
      console.log(`Retrying ${operation} after ${describeError(error)} (attempt ${attempt} of ${MAX_ATTEMPTS})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { operation, attempts, $metadata } = error as { operation?: string; attempts?: number; $metadata?: { httpStatusCode?: number } };
  const where = operation ? `${operation} failed${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''}: ` : '';
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  const status = $metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : '';
  return `${where}${name}${error.message}${status}`;
}

/** PUTs the response to CloudFormation's pre-signed URL, retrying a few times: an unsent response hangs the stack. */
async function sendResponse(url: string, response: CloudFormationCustomResourceResponse, deadline: number): Promise<void> {
  const body = JSON.stringify(response);
  for (let attempt = 1; ; attempt++) {
    try {
      await put(url, body);
      return;
    } catch (error) {
      if (attempt >= 3 || Date.now() + 1_000 > deadline + RESPONSE_RESERVE_MS) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

function put(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const transport = target.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(target, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (reply) => {
      reply.resume();
      reply.on('end', () => (reply.statusCode ?? 500) < 300
        ? resolve()
        : reject(new Error(`CloudFormation answered ${reply.statusCode}`)));
    });
    request.on('error', reject);
    request.end(body);
  });
}
