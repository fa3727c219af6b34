import { setTimeout as sleep } from 'timers/promises';
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStackResourceCommandOutput } from '@aws-sdk/client-cloudformation';
import {
  ClientVpnEndpoint,
  DescribeClientVpnEndpointsCommand,
  DescribeClientVpnEndpointsCommandOutput,
  EC2Client,
  ExportClientVpnClientConfigurationCommand,
  ExportClientVpnClientConfigurationCommandOutput,
  ImportClientVpnClientCertificateRevocationListCommand,
  ModifyClientVpnEndpointCommand,
  ModifyClientVpnEndpointCommandInput,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import {
  ATTRIBUTE_DNS_NAME,
  ATTRIBUTE_SELF_SERVICE_PORTAL_URL,
  ConfigurationTarget,
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
const RETRYABLE_ERRORS = /^(RequestLimitExceeded|Throttling(Exception)?|ConcurrentMutationLimitExceeded|SlowDown)$/;

type Settings = { [key: string]: unknown };
type Data = { [key: string]: string };
type Client = { send(command: object): Promise<unknown> };
type DeleteEvent = CloudFormationCustomResourceEvent & { RequestType: 'Delete' };

/** A response as far as this resource decides it; CloudFormation's own field names. */
type Outcome = Pick<CloudFormationCustomResourceResponse, 'PhysicalResourceId' | 'Data'>;

/**
 * What the physical id remembers, the only state CloudFormation keeps for a custom resource.
 * It is written as `cvpn-settings:<endpoint id>:<base64url JSON of the rest>`.
 */
interface ResourceState {
  readonly endpointId: string;
  /** The settings to restore on Delete: their values before this resource first set them. */
  readonly restore: Settings;
  /**
   * The endpoint this resource moved away from in its last update, with its settings to
   * restore: a rollback moves back to it and must restore what was there first.
   */
  readonly earlier?: { readonly endpointId: string; readonly restore: Settings };
  /** The attributes last returned: an Update that changes nothing returns them without an API call. */
  readonly attributes?: Data;
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS;
  console.log(event.RequestType, event.LogicalResourceId, (event as { PhysicalResourceId?: string }).PhysicalResourceId ?? '');
  // A failed Create still needs an id (CloudFormation deletes it next, undoing what it did);
  // a failed Update keeps the id it had, which is what CloudFormation rolls back to.
  const progress = {
    PhysicalResourceId: event.RequestType === 'Create' ? `${PHYSICAL_ID_PREFIX}-failed-${event.RequestId}` : event.PhysicalResourceId,
  };
  let outcome: Pick<CloudFormationCustomResourceResponse, 'Status' | 'PhysicalResourceId' | 'Data' | 'Reason'>;
  try {
    outcome = { Status: 'SUCCESS', ...await dispatch(event, deadline, progress) };
  } catch (error) {
    const reason = `${describeError(error)} (log stream ${context.logStreamName})`;
    console.error(reason);
    outcome = { Status: 'FAILED', ...progress, Reason: reason.slice(0, MAX_REASON_LENGTH) };
  }
  const response = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, ...outcome };
  try {
    await sendResponse(event.ResponseURL, response as CloudFormationCustomResourceResponse, deadline);
  } catch (error) {
    // Not rethrown: Lambda would run the whole request again, and a repeated Create would
    // remember the settings it had just applied as the ones to restore.
    console.error(`Could not send the response: ${describeError(error)}`);
  }
}

async function dispatch(
  event: CloudFormationCustomResourceEvent,
  deadline: number,
  progress: { PhysicalResourceId: string },
): Promise<Outcome> {
  switch (event.RequestType) {
    case 'Create':
      return apply(parseSettingsProperties(event.ResourceProperties), undefined, undefined, event, deadline, progress);
    case 'Update': {
      const request = parseSettingsProperties(event.ResourceProperties);
      const state = decodePhysicalId(event.PhysicalResourceId);
      // A new ServiceToken alone sends an Update too: it changes nothing on the endpoint.
      if (state?.attributes && sameProperties(event.ResourceProperties, event.OldResourceProperties)) {
        return { PhysicalResourceId: event.PhysicalResourceId, Data: state.attributes };
      }
      return apply(request, parseOldProperties(event.OldResourceProperties), state, event, deadline, progress);
    }
    case 'Delete':
      await remove(event, deadline);
      return { PhysicalResourceId: event.PhysicalResourceId };
    default:
      throw new Error(`Unknown RequestType '${(event as { RequestType: string }).RequestType}'`);
  }
}

function sameProperties(current: unknown, old: unknown): boolean {
  const comparable = (properties: unknown) => JSON.stringify(Object.entries({ ...properties as object, ServiceToken: 0 }).sort());
  return comparable(current) === comparable(old);
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
  progress: { PhysicalResourceId: string },
): Promise<Outcome> {
  const { endpointId } = request;
  // The physical id says which endpoint the remembered settings belong to.
  const sameEndpoint = previousState?.endpointId === endpointId;
  const movingBack = previousState?.earlier?.endpointId === endpointId;
  const before = sameEndpoint ? previous : undefined;
  const endpoint = await describeEndpoint(endpointId, deadline);
  if (!endpoint) {
    throw new Error(`Client VPN endpoint ${endpointId} does not exist`);
  }

  if (request.crl && request.crl !== before?.crl) {
    await send(deadline, ec2, new ImportClientVpnClientCertificateRevocationListCommand({
      ClientVpnEndpointId: endpointId,
      CertificateRevocationList: request.crl,
    }));
  }

  const restore: Settings = { ...(sameEndpoint ? previousState?.restore : movingBack ? previousState?.earlier?.restore : {}) };
  const changes = settingsChanges(request.apiSettings, before?.apiSettings ?? {}, restore, endpoint);
  const movedAway = previousState && !sameEndpoint && !movingBack && !isEmpty(previousState.restore)
    ? { endpointId: previousState.endpointId, restore: previousState.restore }
    : undefined;
  const attributes = {
    [ATTRIBUTE_DNS_NAME]: endpoint.DnsName ?? '',
    [ATTRIBUTE_SELF_SERVICE_PORTAL_URL]: endpoint.SelfServicePortalUrl ?? '',
  };
  const physicalId = encodePhysicalId({ endpointId, restore: changes.restore, earlier: movedAway, attributes });
  if (event.RequestType === 'Create') {
    progress.PhysicalResourceId = physicalId;
  }
  if (!isEmpty(changes.modify)) {
    await modifyEndpoint(endpointId, changes.modify, deadline);
  }

  const exported = (settings?: SettingsRequest) => JSON.stringify([settings?.configuration, settings?.configurationInputs]);
  if (request.configuration && exported(request) !== exported(before)) {
    await exportConfiguration(endpointId, request.configuration, ownerOf(event), deadline);
  }
  // The file of the previous properties goes when it moved, even to a replaced endpoint:
  // the Delete that follows a replacement leaves everything to the successor.
  if (previous?.configuration && !sameObject(request.configuration, previous.configuration)) {
    await deleteConfigurationIfOwned(previous.configuration, ownerOf(event), deadline);
  }

  return { PhysicalResourceId: physicalId, Data: attributes };
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
        console.log(`${key} is unreadable: Delete will not restore it`);
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

async function remove(event: DeleteEvent, deadline: number): Promise<void> {
  // Delete never fails: a stack must always be able to go. What could not be undone is logged.
  const state = decodePhysicalId(event.PhysicalResourceId);
  let configuration: ConfigurationTarget | undefined;
  try {
    configuration = parseSettingsProperties(event.ResourceProperties).configuration;
  } catch (error) {
    console.log(`Ignoring unreadable properties: ${describeError(error)}`);
  }
  if (!state || (isEmpty(state.restore) && !configuration)) {
    return;
  }
  if (await wasReplaced(event, deadline)) {
    console.log('Replaced by an update: nothing to undo');
    return;
  }
  if (configuration) {
    await undoing(deleteConfigurationIfOwned(configuration, ownerOf(event), deadline));
  }
  if (!isEmpty(state.restore)) {
    // An endpoint that is already gone fails this with NotFound, which is logged and fine.
    await undoing(modifyEndpoint(state.endpointId, state.restore, deadline));
  }
}

/** Awaits one clean-up step of a Delete; a failure is logged, and the other steps still run. */
async function undoing(step: Promise<void>): Promise<void> {
  try {
    await step;
  } catch (error) {
    console.error(`Could not undo: ${describeError(error)}`);
  }
}

/** True when an update gave this logical resource a new physical id: this Delete is its cleanup. */
async function wasReplaced(event: DeleteEvent, deadline: number): Promise<boolean> {
  try {
    const { StackResourceDetail: detail } = await send<DescribeStackResourceCommandOutput>(deadline, cloudformation,
      new DescribeStackResourceCommand({ StackName: event.StackId, LogicalResourceId: event.LogicalResourceId }));
    return detail?.PhysicalResourceId !== undefined && detail.PhysicalResourceId !== event.PhysicalResourceId;
  } catch (error) {
    console.log(`Treating this Delete as final: ${describeError(error)}`);
    return false;
  }
}

/** The endpoint, unless it is being deleted; one that is gone fails with InvalidClientVpnEndpointId.NotFound. */
async function describeEndpoint(endpointId: string, deadline: number): Promise<ClientVpnEndpoint | undefined> {
  const { ClientVpnEndpoints: [endpoint] = [] } = await send<DescribeClientVpnEndpointsCommandOutput>(deadline, ec2,
    new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpointId] }));
  return endpoint?.Status?.Code !== 'deleted' ? endpoint : undefined;
}

async function modifyEndpoint(endpointId: string, settings: Settings, deadline: number): Promise<void> {
  console.log(`Setting ${Object.keys(settings)} of ${endpointId}`);
  const command = new ModifyClientVpnEndpointCommand({ ...settings, ClientVpnEndpointId: endpointId } as ModifyClientVpnEndpointCommandInput);
  // apiSettings exist for parameters newer than CloudFormation, which can be newer than the
  // runtime's SDK too: its serializer drops what it does not know, so those are added here,
  // ahead of the client's content-length middleware (a 'build' step of normal priority).
  command.middlewareStack.add((next) => async (args) => {
    const request = args.request as { body?: unknown };
    if (typeof request.body === 'string') {
      const serialized = new Set([...new URLSearchParams(request.body).keys()].map((name) => name.split('.')[0]));
      const unknown = Object.keys(settings).filter((name) => !serialized.has(name));
      if (unknown.length > 0) {
        console.log(`Sending ${unknown} as raw parameters`);
        request.body += `&${new URLSearchParams(unknown.flatMap((name) => queryParameters(settings[name], name)))}`;
      }
    }
    return next(args);
  }, { step: 'build', priority: 'high', name: 'cdkClientVpnRawApiSettings' });
  await send(deadline, ec2, command);
}

/** EC2 Query serialization of settings: `Name.Member` for structures, `Name.N` (from 1) for lists. */
function queryParameters(value: unknown, prefix: string): Array<[string, string]> {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => queryParameters(item, `${prefix}.${index + 1}`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => queryParameters(item, `${prefix}.${key}`));
  }
  return value === undefined || value === null ? [] : [[prefix, String(value)]];
}

/** Marks objects this resource wrote, so Delete never removes a file someone else put there. */
function ownerOf(event: CloudFormationCustomResourceEvent): string {
  return `${event.StackId}/${event.LogicalResourceId}`;
}

function sameObject(a: ConfigurationTarget | undefined, b: ConfigurationTarget | undefined): boolean {
  return a?.bucket === b?.bucket && a?.key === b?.key;
}

async function exportConfiguration(endpointId: string, target: ConfigurationTarget, owner: string, deadline: number): Promise<void> {
  const { ClientConfiguration: configuration } = await send<ExportClientVpnClientConfigurationCommandOutput>(deadline, ec2,
    new ExportClientVpnClientConfigurationCommand({ ClientVpnEndpointId: endpointId }));
  if (!configuration) {
    throw new Error(`No client configuration for ${endpointId}`);
  }
  await send(deadline, s3, new PutObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    Body: configuration,
    ContentType: 'application/x-openvpn-profile',
    ServerSideEncryption: target.kmsKeyArn ? 'aws:kms' : 'AES256',
    SSEKMSKeyId: target.kmsKeyArn,
    Metadata: { [OWNER_METADATA]: owner },
  }));
}

async function deleteConfigurationIfOwned(target: ConfigurationTarget, owner: string, deadline: number): Promise<void> {
  const object = { Bucket: target.bucket, Key: target.key };
  let metadata: HeadObjectCommandOutput['Metadata'];
  try {
    ({ Metadata: metadata } = await send<HeadObjectCommandOutput>(deadline, s3, new HeadObjectCommand(object)));
  } catch (error) {
    // Without s3:ListBucket (not granted: it is bucket-wide), S3 answers a missing key with 403.
    if (!/^(NotFound|NoSuchKey|Forbidden|AccessDenied)$/.test((error as Error).name)) {
      throw error;
    }
  }
  const owned = metadata?.[OWNER_METADATA] === owner;
  console.log(`${owned ? 'Deleting' : 'Keeping (not ours)'} s3://${target.bucket}/${target.key}`);
  if (owned) {
    await send(deadline, s3, new DeleteObjectCommand(object));
  }
}

function isEmpty(settings: Settings): boolean {
  return Object.keys(settings).length === 0;
}

function encodePhysicalId({ endpointId, ...rest }: ResourceState): string {
  const id = `${PHYSICAL_ID_PREFIX}:${endpointId}:${Buffer.from(JSON.stringify(rest)).toString('base64url')}`;
  if (id.length > MAX_PHYSICAL_ID_LENGTH) {
    throw new Error(`Too many settings to restore: ${Object.keys(rest.restore)}`);
  }
  return id;
}

function decodePhysicalId(physicalId: unknown): ResourceState | undefined {
  const [prefix, endpointId, encoded] = String(physicalId).split(':');
  if (prefix !== PHYSICAL_ID_PREFIX || !endpointId) {
    return undefined;
  }
  let rest: Partial<ResourceState> = {};
  try {
    rest = JSON.parse(Buffer.from(encoded, 'base64url').toString()) ?? {};
  } catch {
    // Unreadable state remembers nothing: Delete then leaves the endpoint as it is.
  }
  const { earlier, attributes } = rest;
  const dnsName = attributes?.[ATTRIBUTE_DNS_NAME];
  const portalUrl = attributes?.[ATTRIBUTE_SELF_SERVICE_PORTAL_URL];
  return {
    endpointId,
    restore: asObject(rest.restore),
    // An endpoint id of another type is harmless: it never equals the one in the properties.
    earlier: earlier?.endpointId ? { endpointId: earlier.endpointId, restore: asObject(earlier.restore) } : undefined,
    // Returned as Data without an API call: both attributes must be there, as `apply` writes them.
    attributes: typeof dnsName === 'string' && typeof portalUrl === 'string' ? attributes : undefined,
  };
}

function asObject(value: unknown): Settings {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Settings : {};
}

/**
 * Sends a command, retrying throttling, concurrent mutations and server errors with capped,
 * jittered backoff before the deadline. A failure names the call and the attempts it took.
 */
async function send<Output>(deadline: number, client: Client, command: object): Promise<Output> {
  // The command's class name without its 'Command' suffix.
  const operation = command.constructor.name.slice(0, -7);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.send(command) as Output;
    } catch (error) {
      const { name, $metadata } = error as { name: string; $metadata?: { httpStatusCode?: number } };
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      const retryable = RETRYABLE_ERRORS.test(name) || ($metadata?.httpStatusCode ?? 0) >= 500;
      if (!retryable || attempt >= MAX_ATTEMPTS || Date.now() + delay > deadline) {
        throw Object.assign(error as Error, { operation, attempts: attempt });
      }
      console.log(`Retrying ${operation} (attempt ${attempt}): ${describeError(error)}`);
      await sleep(delay);
    }
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { operation, attempts, $metadata } = error as { operation?: string; attempts?: number; $metadata?: { httpStatusCode?: number } };
  const where = operation ? `${operation} failed${(attempts ?? 0) > 1 ? ` after ${attempts} attempts` : ''}: ` : '';
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  const status = $metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : '';
  return `${where}${name}${error.message}${status}`;
}

/** PUTs the response to CloudFormation's pre-signed URL, three times at most: an unsent response hangs the stack. */
async function sendResponse(url: string, response: CloudFormationCustomResourceResponse, deadline: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The URL is signed without a content type, so none may be sent.
      const reply = await fetch(url, { method: 'PUT', body: JSON.stringify(response), headers: { 'content-type': '' } });
      await reply.arrayBuffer();
      if (reply.ok) {
        return;
      }
      throw new Error(`CloudFormation answered ${reply.status}`);
    } catch (error) {
      if (attempt >= 3 || Date.now() + 1_000 > deadline + RESPONSE_RESERVE_MS) {
        throw error;
      }
      await sleep(1_000 * attempt);
    }
  }
}
