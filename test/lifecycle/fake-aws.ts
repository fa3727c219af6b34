/**
 * One HTTP server on 127.0.0.1 that is AWS for the handler: EC2 (Query, XML), S3 (REST,
 * path-style), CloudFormation (Query: DescribeStackResource), Secrets Manager and ACM (awsJson1_1,
 * the operation in X-Amz-Target) and the pre-signed URL a custom resource PUTs its response to. The real AWS SDK runs against it unchanged, pointed here with
 * AWS_ENDPOINT_URL_*; the service is chosen from the request's SigV4 credential scope.
 *
 * Every API call is authorized against the caller's role as deployed at that moment (iam.ts),
 * may meet a scripted fault (faults.ts), and is recorded.
 */
import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';
import { FakeAcm } from './fake-acm';
import { FakeEc2 } from './fake-ec2';
import { FakeS3 } from './fake-s3';
import { FakeSecretsManager } from './fake-secrets-manager';
import { assumedRoleArn, FaultContext, Faults, unauthorized } from './faults';
import { IamState } from './iam';
import {
  Answer, callerOf, CLOUDFORMATION_NAMESPACE, cloudFormationError, ec2Error, flatten, jsonError, parseQuery, requestId, s3Error, xmlEscape,
} from './wire';

/** The custom resource response limit: "The total size of the response body can't exceed 4096 bytes." (crpg-ref) */
export const MAX_RESPONSE_BYTES = 4096;
/** "PhysicalResourceId … The value must be a non-empty string and must be identical for all responses for the same resource"; at most 1 KB. */
export const MAX_PHYSICAL_ID_BYTES = 1024;
const RESPONSE_PATH = '/cloudformation-response/';
/** The services this fake answers, by the signing name of the credential scope. */
const SERVICES = new Set<FaultContext['service']>(['ec2', 's3', 'cloudformation', 'secretsmanager', 'acm']);
/** The X-Amz-Target prefix of each awsJson service (its Smithy service shape name). */
const JSON_TARGETS: { readonly [service: string]: string } = { secretsmanager: 'secretsmanager', acm: 'CertificateManager' };

export interface RecordedCall {
  readonly service: FaultContext['service'];
  readonly action: string;
  readonly role: string;
  readonly params: { readonly [name: string]: string };
  readonly bucket?: string;
  readonly key?: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** 0 when stalled. */
  readonly status: number;
  readonly at: number;
}

/** A response PUT to a ResponseURL, and what CloudFormation would object to in it. */
export interface RecordedResponse {
  readonly requestId: string;
  readonly bytes: number;
  readonly body?: CloudFormationCustomResourceResponse;
  /** Why CloudFormation would reject it: too long, physical id over 1 KB, not JSON, fields missing. */
  readonly rejected: string[];
  readonly at: number;
}

/** What DescribeStackResource answers; provided by the CloudFormation simulator. */
export type StackResourceLookup = (stackId: string, logicalId: string) => { physicalId: string; type: string; status: string } | undefined;

export class FakeAws {
  public static async start(region = 'us-east-1'): Promise<FakeAws> {
    const fake = new FakeAws(region);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  public readonly ec2: FakeEc2;
  public readonly s3: FakeS3;
  public readonly iam = new IamState();
  public readonly faults = new Faults();
  public readonly calls: RecordedCall[] = [];
  public readonly responses: RecordedResponse[] = [];
  public readonly secretsManager: FakeSecretsManager;
  public readonly acm: FakeAcm;
  /** Requests this harness cannot answer faithfully (an unmodelled service or operation): tests assert none. */
  public readonly problems: string[] = [];
  /** Set by the CloudFormation simulator. */
  public stackResources: StackResourceLookup;

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly waiting = new Map<string, (response: RecordedResponse) => void>();

  private constructor(public readonly region: string) {
    this.ec2 = new FakeEc2(region);
    this.stackResources = () => undefined;
    this.s3 = new FakeS3(region);
    this.secretsManager = new FakeSecretsManager(region);
    this.acm = new FakeAcm(region, this.ec2);
    this.server = http.createServer((request, reply) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          this.route(request, Buffer.concat(chunks), reply);
        } catch (error) {
          this.problems.push(`fake AWS failed on ${request.method} ${request.url}: ${(error as Error).stack}`);
          reply.statusCode = 500;
          reply.end();
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `http://127.0.0.1:<port>` */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A pre-signed-looking URL for one request's response. */
  public responseUrl(requestIdOfEvent: string): string {
    return `${this.url}${RESPONSE_PATH}${requestIdOfEvent}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=0f1e2d`;
  }

  /** The first response PUT for this request, when it arrives (later ones are ignored, as CloudFormation does). */
  public response(requestIdOfEvent: string): Promise<RecordedResponse> {
    const arrived = this.responses.find((response) => response.requestId === requestIdOfEvent);
    return arrived ? Promise.resolve(arrived) : new Promise((resolve) => this.waiting.set(requestIdOfEvent, resolve));
  }

  /** The API calls (not responses) of one action. */
  public callsOf(action: string): RecordedCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  public async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(request: http.IncomingMessage, body: Buffer, reply: http.ServerResponse): void {
    const url = request.url ?? '/';
    if (request.method === 'PUT' && url.startsWith(RESPONSE_PATH)) {
      this.receiveResponse(decodeURIComponent(url.slice(RESPONSE_PATH.length).split('?')[0]), body);
      reply.setHeader('etag', '"response"');
      reply.end();
      return;
    }
    const caller = callerOf(request.headers);
    const [path] = url.split('?');
    const service = caller?.service as FaultContext['service'] | undefined;
    if (!service || !SERVICES.has(service)) {
      this.problems.push(`request for a service this fake does not model: ${request.method} ${url} (${service ?? 'unsigned'})`);
      this.answer(reply, request.method, { status: 400, body: 'unknown service' });
      return;
    }
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const json = service in JSON_TARGETS ? this.jsonRequest(service, request, body) : undefined;
    // JSON input is recorded (and matched by faults) as Query-style parameters: `SecretId`, `Tags.1.Key`.
    const query = json ? json.params : service === 's3' ? {} : parseQuery(body.toString('utf8'));
    const context: FaultContext = {
      service,
      action: json ? json.operation
        : service === 's3' ? this.s3.operationOf({ method: request.method ?? '', key: segments.slice(1).join('/') }) : query.Action ?? '',
      role: caller!.accessKeyId,
      params: query,
      bucket: service === 's3' ? segments[0] : undefined,
      key: service === 's3' ? segments.slice(1).join('/') : undefined,
    };
    const answer = json?.malformed ?? this.answerFor(context, request, body, caller!.region, json?.input ?? {});
    this.calls.push({ ...context, headers: request.headers, body: body.toString('utf8'), status: answer.stall ? 0 : answer.status, at: Date.now() });
    if (!answer.stall) {
      this.answer(reply, request.method, answer);
    }
  }

  private answerFor(context: FaultContext, request: http.IncomingMessage, body: Buffer, region: string, input: { [name: string]: unknown }): Answer {
    if (!this.iam.hasRole(context.role)) {
      return context.service === 's3' ? s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
        : context.service === 'ec2' ? ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials')
          : context.service === 'cloudformation' ? cloudFormationError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
            // awsJson services: 400 UnrecognizedClientException (Secrets Manager and ACM API Reference, Common Errors).
            : jsonError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const scripted = this.faults.take(context);
    if (scripted) {
      return scripted;
    }
    const allowsWith = (action: string, resource: string, keys: { [key: string]: string | string[] } = {}) =>
      this.iam.authorize({ role: context.role, action, resource, context: { ...keys, 'aws:RequestedRegion': region } });
    const allows = (action: string, resource: string) => allowsWith(action, resource);
    const denial = (action: string, resource: string, keys?: { [key: string]: string | string[] }) =>
      `User: ${assumedRoleArn(context.role)} is not authorized to perform: ${action} on resource: ${resource} ${allowsWith(action, resource, keys).reason}`;
    switch (context.service) {
      case 'ec2': {
        const action = `ec2:${context.action}`;
        const denied = this.ec2.resourcesOf(context.action, context.params).find((resource) => !allows(action, resource).allowed);
        return denied ? unauthorized(action, context.role, denied, allows(action, denied).reason) : this.ec2.handle(context.action, context.params);
      }
      case 's3': {
        const answer = this.s3.handle({ method: request.method ?? '', bucket: context.bucket!, key: context.key!, headers: request.headers, body },
          context.role, {
            allows: (action, resource) => allows(action, resource).allowed,
            denial: (action, resource) => `User: ${assumedRoleArn(context.role)} is not authorized to perform: ${action} on resource: "${resource}" `
              + allows(action, resource).reason,
          });
        if (answer.status === 501) {
          this.problems.push(`S3 operation not modelled: ${request.method} ${request.url}`);
        }
        return answer;
      }
      case 'cloudformation':
        return this.describeStackResource(context, allows);
      case 'secretsmanager':
      case 'acm': {
        const authorizer = {
          allows: (action: string, resource: string, keys?: { [key: string]: string | string[] }) => allowsWith(action, resource, keys).allowed,
          denial,
        };
        const answer = context.service === 'acm' ? this.acm.handle(context.action, input, authorizer)
          : this.secretsManager.handle(context.action, input, authorizer);
        if (answer.body?.includes('"InvalidAction"')) {
          this.problems.push(`${context.service} operation not modelled: ${context.action}`);
        }
        return answer;
      }
    }
  }

  /** An awsJson1_1 request: the operation from `X-Amz-Target: <Service>.<Operation>`, the input from the JSON body. */
  private jsonRequest(service: string, request: http.IncomingMessage, body: Buffer): {
    operation: string; input: { [name: string]: unknown }; params: { [name: string]: string }; malformed?: Answer;
  } {
    const [prefix, operation = ''] = String(request.headers['x-amz-target'] ?? '').split('.');
    if (prefix !== JSON_TARGETS[service] || operation === '') {
      this.problems.push(`${service} request without a valid X-Amz-Target: ${request.headers['x-amz-target']}`);
      return { operation, input: {}, params: {}, malformed: jsonError(400, 'UnknownOperationException', '') };
    }
    try {
      const input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      return { operation, input, params: Object.fromEntries(flatten(input, '')) };
    } catch {
      return { operation, input: {}, params: {}, malformed: jsonError(400, 'SerializationException', 'Start of structure or map found where not expected.') };
    }
  }

  private describeStackResource(context: FaultContext, allows: (action: string, resource: string) => { allowed: boolean; reason: string }): Answer {
    if (context.action !== 'DescribeStackResource') {
      this.problems.push(`CloudFormation action not modelled: ${context.action}`);
      return cloudFormationError(400, 'InvalidAction', `Could not find operation ${context.action}`);
    }
    const { StackName: stack, LogicalResourceId: logicalId } = context.params;
    const decision = allows('cloudformation:DescribeStackResource', stack);
    if (!decision.allowed) {
      return cloudFormationError(403, 'AccessDenied', `User: ${assumedRoleArn(context.role)} is not authorized to perform: `
        + `cloudformation:DescribeStackResource on resource: ${stack} ${decision.reason}`);
    }
    const found = this.stackResources(stack, logicalId);
    if (!found) {
      return cloudFormationError(400, 'ValidationError', `Resource ${logicalId} does not exist for stack ${stack}`);
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<DescribeStackResourceResponse xmlns="${CLOUDFORMATION_NAMESPACE}"><DescribeStackResourceResult><StackResourceDetail>`
        + `<StackId>${xmlEscape(stack)}</StackId><StackName>${xmlEscape(stack.split('/')[1] ?? stack)}</StackName>`
        + `<LogicalResourceId>${xmlEscape(logicalId)}</LogicalResourceId><PhysicalResourceId>${xmlEscape(found.physicalId)}</PhysicalResourceId>`
        + `<ResourceType>${xmlEscape(found.type)}</ResourceType><LastUpdatedTimestamp>2025-01-13T10:00:00.000Z</LastUpdatedTimestamp>`
        + `<ResourceStatus>${found.status}</ResourceStatus></StackResourceDetail></DescribeStackResourceResult>`
        + `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></DescribeStackResourceResponse>`,
    };
  }

  private receiveResponse(requestIdOfEvent: string, raw: Buffer): void {
    const rejected: string[] = [];
    let body: CloudFormationCustomResourceResponse | undefined;
    if (raw.length > MAX_RESPONSE_BYTES) {
      rejected.push(`the response is ${raw.length} bytes, over CloudFormation's ${MAX_RESPONSE_BYTES}`);
    }
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      rejected.push('the response is not JSON');
    }
    if (body) {
      for (const field of ['Status', 'StackId', 'RequestId', 'LogicalResourceId'] as const) {
        if (typeof body[field] !== 'string' || body[field] === '') {
          rejected.push(`the response has no ${field}`);
        }
      }
      if (body.Status !== 'SUCCESS' && body.Status !== 'FAILED') {
        rejected.push(`Status is ${JSON.stringify((body as { Status?: unknown }).Status)}`);
      }
      const physicalId = body.PhysicalResourceId;
      if (physicalId !== undefined && Buffer.byteLength(String(physicalId)) > MAX_PHYSICAL_ID_BYTES) {
        rejected.push(`the PhysicalResourceId is ${Buffer.byteLength(String(physicalId))} bytes, over ${MAX_PHYSICAL_ID_BYTES}`);
      }
      if (body.RequestId !== requestIdOfEvent) {
        rejected.push(`RequestId ${body.RequestId} does not match the URL's ${requestIdOfEvent}`);
      }
    }
    const recorded: RecordedResponse = { requestId: requestIdOfEvent, bytes: raw.length, body, rejected, at: Date.now() };
    const first = !this.responses.some((response) => response.requestId === requestIdOfEvent);
    this.responses.push(recorded);
    if (first) {
      this.waiting.get(requestIdOfEvent)?.(recorded);
      this.waiting.delete(requestIdOfEvent);
    }
  }

  private answer(reply: http.ServerResponse, method: string | undefined, answer: Answer): void {
    reply.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) {
      reply.setHeader(name, value);
    }
    reply.setHeader('x-amzn-requestid', requestId());
    reply.setHeader('x-amz-request-id', requestId().slice(0, 16));
    // A HEAD answer has no body, whatever the status (RFC 9110; S3 HeadObject).
    reply.end(method === 'HEAD' ? undefined : answer.body);
  }
}

