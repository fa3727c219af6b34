import {
  ClientVpnEndpoint,
  CreateTagsCommand,
  DeleteTagsCommand,
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
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { describeError, Outcome, respond, send } from './handler-support';
import {
  ATTRIBUTE_DNS_NAME,
  ATTRIBUTE_SELF_SERVICE_PORTAL_URL,
  ATTRIBUTE_TRANSIT_GATEWAY_ATTACHMENT_ID,
  ConfigurationTarget,
  ENDPOINT_METADATA,
  OWNER_METADATA,
  parseSettingsProperties,
  SettingsRequest,
  Tag,
} from './resource-properties';

// The handler retries by itself (below), within the time the Lambda has left.
const ec2 = new EC2Client({ maxAttempts: 1 });
const s3 = new S3Client({ maxAttempts: 1 });

// Of that reserve, what undoing a failed Create or Update may use: a step that stalled until the deadline is still undone.
const UNDO_GRACE_MS = 2_000;
const PHYSICAL_ID_PREFIX = 'cvpn-settings';

type Settings = { [key: string]: unknown };
type Undo = () => Promise<unknown>;

/**
 * The physical id names the endpoint and nothing else, so it changes only when the endpoint
 * is replaced: CloudFormation's cleanup Delete then concerns the endpoint that is going away.
 */
const physicalIdOf = (endpointId: string) => `${PHYSICAL_ID_PREFIX}:${endpointId}`;

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await respond(event, context, PHYSICAL_ID_PREFIX, dispatch);
}

async function dispatch(event: CloudFormationCustomResourceEvent, deadline: number): Promise<Outcome> {
  switch (event.RequestType) {
    case 'Create':
      return apply(parseSettingsProperties(event.ResourceProperties), undefined, event, deadline);
    case 'Update':
      return apply(parseSettingsProperties(event.ResourceProperties), parseOldProperties(event.OldResourceProperties), event, deadline);
    case 'Delete':
      await remove(event, deadline);
      return { PhysicalResourceId: event.PhysicalResourceId };
    default:
      throw new Error(`Unknown RequestType '${(event as { RequestType: string }).RequestType}'`);
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
 * Create, and Update: applies what changed since `previous`, or everything to an endpoint
 * that is new. Settings and tags go forward only from the properties; the live endpoint is read
 * once, for the attributes. When a step fails, the steps before it are undone, so a failed
 * update leaves the endpoint as it was and CloudFormation's rollback finds nothing to repair.
 */
async function apply(
  request: SettingsRequest,
  previous: SettingsRequest | undefined,
  event: CloudFormationCustomResourceEvent,
  deadline: number,
): Promise<Outcome> {
  const { endpointId } = request;
  const before = previous?.endpointId === endpointId ? previous : undefined;
  const undoDeadline = deadline + UNDO_GRACE_MS;
  // Each step registers its undo before it writes: undoing a write that never happened is harmless.
  const undo: Undo[] = [];
  try {
    const endpoint = await describeEndpoint(endpointId, deadline);

    if (request.crl && request.crl !== before?.crl) {
      const previousCrl = before?.crl;
      if (previousCrl) {
        undo.push(() => importCrl(endpointId, previousCrl, undoDeadline));
      }
      await importCrl(endpointId, request.crl, deadline);
    }

    const changed = Object.fromEntries(Object.entries(request.apiSettings).filter(([key, value]) => !same(value, before?.apiSettings[key])));
    if (!isEmpty(changed)) {
      // What was in force before: read from the endpoint, or, for a setting this SDK cannot read, the old properties.
      const earlier = Object.fromEntries(Object.keys(changed).map((key) => [key, (endpoint as Settings)[key] ?? before?.apiSettings[key]])
        .filter(([, value]) => value !== undefined));
      if (!isEmpty(earlier)) {
        undo.push(() => modifyEndpoint(endpointId, earlier, undoDeadline));
      }
      await modifyEndpoint(endpointId, changed, deadline);
    }

    // Tags are compared with the live ones, so a tag changed by hand is put right on the next deploy.
    const live = (endpoint.Tags ?? []) as Tag[];
    const removed = (before?.tags ?? []).filter((tag) => !hasKey(request.tags, tag.Key) && hasTag(live, tag));
    const set = request.tags.filter((tag) => !hasTag(live, tag));
    undo.push(async () => {
      await tagging(DeleteTagsCommand, endpointId, set.filter((tag) => !hasKey(live, tag.Key)), undoDeadline);
      await tagging(CreateTagsCommand, endpointId, live.filter((tag) => hasKey(removed, tag.Key) || hasKey(set, tag.Key)), undoDeadline);
    });
    await tagging(DeleteTagsCommand, endpointId, removed, deadline);
    await tagging(CreateTagsCommand, endpointId, set, deadline);

    const exported = (settings?: SettingsRequest) => JSON.stringify([settings?.configuration, settings?.configurationInputs]);
    if (request.configuration && exported(request) !== exported(before)) {
      await exportConfiguration(endpointId, request.configuration, ownerOf(event), deadline);
    }
    // A file that moved goes here; after a replacement, the Delete of the old endpoint's resource removes it.
    if (before?.configuration && !sameObject(request.configuration, before.configuration)) {
      await deleteConfigurationIfOwned(before.configuration, ownerOf(event), endpointId, deadline);
    }

    return {
      PhysicalResourceId: physicalIdOf(endpointId),
      Data: {
        [ATTRIBUTE_DNS_NAME]: endpoint.DnsName ?? '',
        [ATTRIBUTE_SELF_SERVICE_PORTAL_URL]: endpoint.SelfServicePortalUrl ?? '',
        // Empty for an endpoint in a VPC, and where the runtime's SDK predates transit gateway endpoints.
        [ATTRIBUTE_TRANSIT_GATEWAY_ATTACHMENT_ID]: endpoint.TransitGatewayConfiguration?.TransitGatewayAttachmentId ?? '',
      },
    };
  } catch (error) {
    for (const step of undo.reverse()) {
      await undoing(step);
    }
    throw error;
  }
}

/**
 * Removes what this resource alone put there: the tags it applied, when they still have its
 * values, and the exported file, when it wrote it for this endpoint. Settings and the CRL stay:
 * they belong to the endpoint now, and a Delete must never undo what a successor set.
 * It never fails, so a stack can always go; what could not be removed is logged.
 */
async function remove(event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' }, deadline: number): Promise<void> {
  let request: SettingsRequest;
  try {
    request = parseSettingsProperties(event.ResourceProperties);
  } catch (error) {
    console.log(`Nothing to remove, the properties are unreadable: ${describeError(error)}`);
    return;
  }
  // A failed Create's id, or one from another handler version: nothing of ours is there.
  if (event.PhysicalResourceId !== physicalIdOf(request.endpointId)) {
    return;
  }
  if (request.tags.length > 0) {
    await undoing(() => tagging(DeleteTagsCommand, request.endpointId, request.tags, deadline));
  }
  if (request.configuration) {
    await deleteConfigurationIfOwned(request.configuration, ownerOf(event), request.endpointId, deadline);
  }
}

/** Runs one step that must not fail the request; a failure is logged, with what is left as it is. */
async function undoing(step: Undo): Promise<void> {
  try {
    await step();
  } catch (error) {
    console.error(`Left as it is: ${describeError(error)}`);
  }
}

/** The endpoint; one that is gone fails with InvalidClientVpnEndpointId.NotFound, or is in state deleted. */
async function describeEndpoint(endpointId: string, deadline: number): Promise<ClientVpnEndpoint> {
  const { ClientVpnEndpoints: [endpoint] = [] } = await send<DescribeClientVpnEndpointsCommandOutput>(deadline, ec2,
    new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpointId] }));
  if (!endpoint || endpoint.Status?.Code === 'deleted') {
    throw new Error(`Client VPN endpoint ${endpointId} does not exist`);
  }
  return endpoint;
}

async function importCrl(endpointId: string, crl: string, deadline: number): Promise<void> {
  await send(deadline, ec2, new ImportClientVpnClientCertificateRevocationListCommand({
    ClientVpnEndpointId: endpointId,
    CertificateRevocationList: crl,
  }));
}

type TagCommand = typeof CreateTagsCommand | typeof DeleteTagsCommand;

async function tagging(Command: TagCommand, endpointId: string, tags: Tag[], deadline: number): Promise<void> {
  if (tags.length > 0) {
    // DeleteTags with a value removes a tag only while it still has that value.
    await send(deadline, ec2, new Command({ Resources: [endpointId], Tags: tags }));
  }
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

function hasKey(tags: Tag[], key: string): boolean {
  return tags.some((tag) => tag.Key === key);
}

function hasTag(tags: Tag[], { Key, Value }: Tag): boolean {
  return tags.some((tag) => tag.Key === Key && tag.Value === Value);
}

function isEmpty(settings: Settings): boolean {
  return Object.keys(settings).length === 0;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
    Metadata: { [OWNER_METADATA]: owner, [ENDPOINT_METADATA]: endpointId },
  }));
}

/**
 * Deletes a file this resource wrote for this endpoint. Anything else is kept: a file of
 * someone else's, one the successor of a replaced endpoint wrote, and one that cannot be
 * read (S3 answers 403 for a missing key without s3:ListBucket, with no error code to go by).
 * It never fails: a file that cannot be removed is left with a log line.
 */
async function deleteConfigurationIfOwned(target: ConfigurationTarget, owner: string, endpointId: string, deadline: number): Promise<void> {
  const object = { Bucket: target.bucket, Key: target.key };
  const where = `s3://${target.bucket}/${target.key}`;
  try {
    let metadata: HeadObjectCommandOutput['Metadata'];
    try {
      ({ Metadata: metadata } = await send<HeadObjectCommandOutput>(deadline, s3, new HeadObjectCommand(object)));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 403 || status === 404) {
        console.log(`Keeping ${where}: missing or not readable (HTTP ${status})`);
        return;
      }
      throw error;
    }
    const owned = metadata?.[OWNER_METADATA] === owner && metadata?.[ENDPOINT_METADATA] === endpointId;
    console.log(`${owned ? 'Deleting' : 'Keeping (not written for this endpoint)'} ${where}`);
    if (owned) {
      await send(deadline, s3, new DeleteObjectCommand(object));
    }
  } catch (error) {
    console.error(`Keeping ${where}: ${describeError(error)}`);
  }
}
