/**
 * A small in-process stand-in for the AWS APIs the endpoint settings handler calls, spoken
 * over real HTTP so the AWS SDK's own serialization, XML parsing and error handling run:
 *
 * - EC2 (Query protocol, XML answers): DescribeClientVpnEndpoints, ModifyClientVpnEndpoint,
 *   ImportClientVpnClientCertificateRevocationList, ExportClientVpnClientConfiguration,
 *   CreateTags, DeleteTags;
 * - S3 (REST, path-style): PutObject, HeadObject, DeleteObject, as a role without s3:ListBucket
 *   sees them: HeadObject on a missing key answers 403 with no body (404 once `bucketListable`);
 * - the pre-signed URL CloudFormation hands the handler for its response (PUT).
 *
 * By default it behaves like a tiny stateful EC2 and S3: ModifyClientVpnEndpoint and the tag
 * calls change what DescribeClientVpnEndpoints answers next, PutObject what HeadObject answers.
 * Tests script exceptions per action with a queue (`respondNext`, `stallNext`) or a standing
 * fault (`failAlways`), and read every request back.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
/** Where the handler is told to PUT its response: `${url}${RESPONSE_PATH}/<RequestId>`. */
export const RESPONSE_PATH = '/cloudformation-response';

/** A canned HTTP answer. */
export interface CannedResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: { readonly [name: string]: string };
}

export type Service = 'ec2' | 's3' | 'response';

/** One request the server received, and what it answered. */
export interface RecordedRequest {
  readonly service: Service;
  /** The Query `Action`, the S3 operation (PutObject, HeadObject, DeleteObject), or `Response`. */
  readonly action: string;
  readonly method: string;
  /** Path and query string, as sent. */
  readonly url: string;
  /** Query-protocol parameters, decoded; empty for S3 and responses. */
  readonly params: { readonly [name: string]: string };
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The HTTP status the server answered with; 0 while it is held unanswered (`stallNext`). */
  status: number;
}

/** A CloudFormation response the handler PUT to its ResponseURL. */
export interface RecordedResponse {
  readonly requestId: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: CloudFormationCustomResourceResponse;
}

/** The part of a Client VPN endpoint this fake models. */
export interface FakeEndpoint {
  clientVpnEndpointId: string;
  status: 'pending-associate' | 'available' | 'deleting' | 'deleted';
  dnsName: string;
  selfServicePortalUrl?: string;
  /** For an endpoint attached to a transit gateway: its transitGatewayConfiguration, as Describe answers it. */
  transitGateway?: { transitGatewayId: string; transitGatewayAttachmentId?: string; availabilityZones: string[] };
  sessionTimeoutHours: number;
  disconnectOnSessionTimeout: boolean;
  splitTunnel: boolean;
  vpnPort: number;
  description?: string;
  /** The last CRL imported, as received. */
  certificateRevocationList?: string;
  /** The endpoint's tags, in the order they were first set. */
  tags: FakeTag[];
}

export interface FakeTag {
  readonly key: string;
  readonly value: string;
}

export interface StoredObject {
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

export function defaultEndpoint(id: string): FakeEndpoint {
  return {
    clientVpnEndpointId: id,
    status: 'available',
    dnsName: `*.${id}.prod.clientvpn.us-east-1.amazonaws.com`,
    selfServicePortalUrl: `https://self-service.clientvpn.amazonaws.com/endpoints/${id}`,
    sessionTimeoutHours: 24,
    disconnectOnSessionTimeout: true,
    splitTunnel: false,
    vpnPort: 443,
    tags: [],
  };
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

let requestCounter = 0;
function nextRequestId(): string {
  requestCounter++;
  return `00000000-0000-4000-8000-${requestCounter.toString().padStart(12, '0')}`;
}

/** An EC2 error document, e.g. 503 RequestLimitExceeded or 400 InvalidClientVpnEndpointId.NotFound. */
export function ec2Error(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    body: '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors>`
      + `<RequestID>${nextRequestId()}</RequestID></Response>`,
  };
}

/** What EC2 answers when a caller is throttled. */
export function throttled(): CannedResponse {
  return ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
}

/** What EC2 answers on an internal failure. */
export function internalError(): CannedResponse {
  return ec2Error(500, 'InternalError', 'An internal error has occurred. Please try again later.');
}

export function endpointNotFound(id: string): CannedResponse {
  return ec2Error(400, 'InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${id}' does not exist`);
}

function ec2Success(action: string, inner: string): CannedResponse {
  return {
    status: 200,
    body: '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${nextRequestId()}</requestId>${inner}</${action}Response>`,
  };
}

/** An S3 REST error document. */
export function s3Error(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>`
      + `<RequestId>${nextRequestId()}</RequestId></Error>`,
    headers: { 'content-type': 'application/xml' },
  };
}

function endpointXml(endpoint: FakeEndpoint): string {
  const optional = (name: string, value: string | undefined) => value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
  return '<item>'
    + `<clientVpnEndpointId>${xmlEscape(endpoint.clientVpnEndpointId)}</clientVpnEndpointId>`
    + optional('description', endpoint.description)
    + `<status><code>${endpoint.status}</code></status>`
    + '<creationTime>2025-01-13T10:00:00</creationTime>'
    + `<dnsName>${xmlEscape(endpoint.dnsName)}</dnsName>`
    + '<clientCidrBlock>10.100.0.0/22</clientCidrBlock>'
    + `<splitTunnel>${endpoint.splitTunnel}</splitTunnel>`
    + '<vpnProtocol>openvpn</vpnProtocol>'
    + '<transportProtocol>udp</transportProtocol>'
    + `<vpnPort>${endpoint.vpnPort}</vpnPort>`
    + optional('selfServicePortalUrl', endpoint.selfServicePortalUrl)
    + `<sessionTimeoutHours>${endpoint.sessionTimeoutHours}</sessionTimeoutHours>`
    + `<disconnectOnSessionTimeout>${endpoint.disconnectOnSessionTimeout}</disconnectOnSessionTimeout>`
    + (endpoint.transitGateway === undefined ? '' : '<transitGatewayConfiguration>'
      + `<transitGatewayId>${xmlEscape(endpoint.transitGateway.transitGatewayId)}</transitGatewayId>`
      + optional('transitGatewayAttachmentId', endpoint.transitGateway.transitGatewayAttachmentId)
      + `<availabilityZoneSet>${endpoint.transitGateway.availabilityZones.map((zone) => `<item>${xmlEscape(zone)}</item>`).join('')}</availabilityZoneSet>`
      + '</transitGatewayConfiguration>')
    + `<tagSet>${endpoint.tags.map(({ key, value }) => `<item><key>${xmlEscape(key)}</key><value>${xmlEscape(value)}</value></item>`).join('')}</tagSet>`
    + '</item>';
}

/** A client configuration file with characters XML must escape. */
export function clientConfigurationFor(endpoint: FakeEndpoint): string {
  return [
    'client',
    'dev tun',
    'proto udp',
    `remote ${endpoint.dnsName.replace(/^\*\./, '')} ${endpoint.vpnPort}`,
    'remote-random-hostname',
    '<ca>',
    '-----BEGIN CERTIFICATE-----',
    'MIIBszCCAVmgAwIBAgIUaB+cD/eF==',
    '-----END CERTIFICATE-----',
    '</ca>',
    'reneg-sec 0',
    '',
  ].join('\n');
}

const VALID_SESSION_TIMEOUT_HOURS = [8, 10, 12, 24];

export class FakeAwsServer {
  /** Starts a server on 127.0.0.1 with an OS-chosen port. */
  public static async start(): Promise<FakeAwsServer> {
    const fake = new FakeAwsServer();
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** Every request received, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** Every CloudFormation response PUT, in order. */
  public readonly responses: RecordedResponse[] = [];
  /** The endpoints DescribeClientVpnEndpoints knows, by id. */
  public readonly endpoints = new Map<string, FakeEndpoint>();
  /** S3 objects, by `bucket/key`. */
  public readonly objects = new Map<string, StoredObject>();
  /**
   * Whether the handler's role may list the bucket. It never may (s3:ListBucket is bucket-wide),
   * so HeadObject on a missing key answers 403, with no body to tell it from a denial.
   */
  public bucketListable = false;

  private readonly server: http.Server;
  private readonly scripted = new Map<string, Array<CannedResponse | 'stall'>>();
  private readonly standing = new Map<string, CannedResponse>();
  /** Requests held unanswered, until their client gives up or the server is reset. */
  private readonly held = new Set<http.ServerResponse>();

  private constructor() {
    this.server = http.createServer((request, reply) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          this.handle(request, Buffer.concat(chunks).toString('utf8'), reply);
        } catch (error) {
          reply.statusCode = 599;
          reply.end(`fake server error: ${String(error)}`);
        }
      });
    });
  }

  /** `http://127.0.0.1:<port>` */
  public get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Answers the next calls of `action` with these responses, in order, before the default behaviour resumes. */
  public respondNext(action: string, ...responses: CannedResponse[]): void {
    this.scripted.set(action, [...(this.scripted.get(action) ?? []), ...responses]);
  }

  /** Holds the next `count` calls of `action` unanswered: the connection stays open until the client aborts. */
  public stallNext(action: string, count = 1): void {
    this.scripted.set(action, [...(this.scripted.get(action) ?? []), ...Array<'stall'>(count).fill('stall')]);
  }

  /** Answers every call of `action` with this response until `reset()`. */
  public failAlways(action: string, response: CannedResponse): void {
    this.standing.set(action, response);
  }

  /** Scripted responses not yet used, by action: a test that scripts more than it consumes should fail. */
  public pendingScripts(): { [action: string]: number } {
    const pending: { [action: string]: number } = {};
    for (const [action, queue] of this.scripted) {
      if (queue.length > 0) {
        pending[action] = queue.length;
      }
    }
    return pending;
  }

  /** The requests for one action (any service). */
  public calls(action: string): RecordedRequest[] {
    return this.requests.filter((request) => request.action === action);
  }

  /** The user metadata (`x-amz-meta-*`, without the prefix) of a stored object. */
  public metadataOf(bucketAndKey: string): { [name: string]: string } | undefined {
    const stored = this.objects.get(bucketAndKey);
    if (!stored) {
      return undefined;
    }
    return Object.fromEntries(Object.entries(stored.headers)
      .filter(([name, value]) => name.startsWith('x-amz-meta-') && typeof value === 'string')
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), value as string]));
  }

  /** The API requests (everything but CloudFormation responses), as `action` names in order. */
  public apiActions(): string[] {
    return this.requests.filter((request) => request.service !== 'response').map((request) => request.action);
  }

  /** The CloudFormation responses PUT for one RequestId. */
  public responsesFor(requestId: string): CloudFormationCustomResourceResponse[] {
    return this.responses.filter((response) => response.requestId === requestId).map((response) => response.body);
  }

  public clearRequests(): void {
    this.requests.length = 0;
    this.responses.length = 0;
  }

  /** Forgets requests, scripts and state, and knows one endpoint per id given. */
  public reset(...endpointIds: string[]): void {
    this.dropHeld();
    this.clearRequests();
    this.scripted.clear();
    this.standing.clear();
    this.endpoints.clear();
    this.objects.clear();
    this.bucketListable = false;
    for (const id of endpointIds) {
      this.endpoints.set(id, defaultEndpoint(id));
    }
  }

  public async close(): Promise<void> {
    this.dropHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => error ? reject(error) : resolve()));
  }

  private dropHeld(): void {
    for (const reply of this.held) {
      reply.destroy();
    }
    this.held.clear();
  }

  private handle(request: http.IncomingMessage, body: string, reply: http.ServerResponse): void {
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const record = (service: Service, action: string, params: { [name: string]: string }, answer: CannedResponse | 'stall') => {
      const recorded: RecordedRequest = { service, action, method, url, params, headers: request.headers, body, status: 0 };
      this.requests.push(recorded);
      if (answer === 'stall') {
        this.held.add(reply);
        reply.on('close', () => this.held.delete(reply));
        return;
      }
      recorded.status = answer.status;
      reply.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers ?? {})) {
        reply.setHeader(name, value);
      }
      if (!answer.headers?.['content-type'] && answer.body !== '') {
        reply.setHeader('content-type', 'text/xml;charset=UTF-8');
      }
      reply.setHeader('x-amzn-requestid', nextRequestId());
      reply.end(method === 'HEAD' ? undefined : answer.body);
    };

    if (url.startsWith(`${RESPONSE_PATH}/`)) {
      const requestId = decodeURIComponent(url.slice(RESPONSE_PATH.length + 1).split('?')[0]);
      const parsed = JSON.parse(body) as CloudFormationCustomResourceResponse;
      this.responses.push({ requestId, url, headers: request.headers, body: parsed });
      record('response', 'Response', {}, { status: 200, body: '' });
      return;
    }

    if (method === 'POST' && url.split('?')[0] === '/') {
      const params: { [name: string]: string } = {};
      for (const [name, value] of new URLSearchParams(body)) {
        params[name] = value;
      }
      const action = params.Action ?? '';
      record('ec2', action, params, this.scriptedAnswer(action) ?? this.ec2(action, params));
      return;
    }

    const [path, query = ''] = url.split('?');
    const objectKey = decodeURIComponent(path.slice(1));
    const operation = method === 'PUT' ? 'PutObject' : method === 'HEAD' ? 'HeadObject' : method === 'DELETE' ? 'DeleteObject' : `${method}?${query}`;
    record('s3', operation, {}, this.scriptedAnswer(operation) ?? this.s3(operation, objectKey, request.headers, body));
  }

  private scriptedAnswer(action: string): CannedResponse | 'stall' | undefined {
    const queue = this.scripted.get(action);
    if (queue && queue.length > 0) {
      return queue.shift();
    }
    return this.standing.get(action);
  }

  private ec2(action: string, params: { [name: string]: string }): CannedResponse {
    const id = params.ClientVpnEndpointId;
    switch (action) {
      case 'DescribeClientVpnEndpoints': {
        const ids = Object.keys(params).filter((name) => /^ClientVpnEndpointId\.\d+$/.test(name)).map((name) => params[name]);
        const found: FakeEndpoint[] = [];
        for (const wanted of ids.length > 0 ? ids : [...this.endpoints.keys()]) {
          const endpoint = this.endpoints.get(wanted);
          if (!endpoint) {
            return endpointNotFound(wanted);
          }
          found.push(endpoint);
        }
        return ec2Success(action, `<clientVpnEndpoint>${found.map(endpointXml).join('')}</clientVpnEndpoint>`);
      }
      case 'ModifyClientVpnEndpoint': {
        const endpoint = this.endpoints.get(id);
        if (!endpoint) {
          return endpointNotFound(id);
        }
        if (params.SessionTimeoutHours !== undefined && !VALID_SESSION_TIMEOUT_HOURS.includes(Number(params.SessionTimeoutHours))) {
          return ec2Error(400, 'InvalidParameterValue', `Invalid value '${params.SessionTimeoutHours}' for SessionTimeoutHours. Valid values are 8, 10, 12, 24`);
        }
        if (params.SessionTimeoutHours !== undefined) {
          endpoint.sessionTimeoutHours = Number(params.SessionTimeoutHours);
        }
        if (params.DisconnectOnSessionTimeout !== undefined) {
          endpoint.disconnectOnSessionTimeout = params.DisconnectOnSessionTimeout === 'true';
        }
        if (params.SplitTunnel !== undefined) {
          endpoint.splitTunnel = params.SplitTunnel === 'true';
        }
        if (params.VpnPort !== undefined) {
          endpoint.vpnPort = Number(params.VpnPort);
        }
        if (params.Description !== undefined) {
          endpoint.description = params.Description;
        }
        return ec2Success(action, '<return>true</return>');
      }
      case 'ImportClientVpnClientCertificateRevocationList': {
        const endpoint = this.endpoints.get(id);
        if (!endpoint) {
          return endpointNotFound(id);
        }
        endpoint.certificateRevocationList = params.CertificateRevocationList;
        return ec2Success(action, '<return>true</return>');
      }
      case 'ExportClientVpnClientConfiguration': {
        const endpoint = this.endpoints.get(id);
        if (!endpoint) {
          return endpointNotFound(id);
        }
        return ec2Success(action, `<clientConfiguration>${xmlEscape(clientConfigurationFor(endpoint))}</clientConfiguration>`);
      }
      case 'CreateTags':
      case 'DeleteTags': {
        const resources = numbered(params, 'ResourceId');
        const tags = tagsIn(params);
        const endpoints: FakeEndpoint[] = [];
        for (const resource of resources) {
          const endpoint = this.endpoints.get(resource);
          if (!endpoint) {
            return ec2Error(400, 'InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${resource}' does not exist`);
          }
          endpoints.push(endpoint);
        }
        if (resources.length === 0 || (action === 'CreateTags' && tags.length === 0)) {
          return ec2Error(400, 'MissingParameter', `The request must contain the parameter ${resources.length === 0 ? 'resourceIdSet' : 'tagSet'}`);
        }
        for (const endpoint of endpoints) {
          endpoint.tags = action === 'CreateTags' ? withTags(endpoint.tags, tags) : withoutTags(endpoint.tags, tags);
        }
        return ec2Success(action, '<return>true</return>');
      }
      default:
        return ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private s3(operation: string, objectKey: string, headers: http.IncomingHttpHeaders, body: string): CannedResponse {
    switch (operation) {
      case 'PutObject':
        this.objects.set(objectKey, { body, headers });
        return { status: 200, body: '', headers: { etag: '"0123456789abcdef"' } };
      case 'HeadObject': {
        const stored = this.objects.get(objectKey);
        if (!stored) {
          // A HEAD answer never has a body: the SDK sees only the status.
          return { status: this.bucketListable ? 404 : 403, body: '' };
        }
        const meta: { [name: string]: string } = {};
        for (const [name, value] of Object.entries(stored.headers)) {
          if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
            meta[name] = value;
          }
        }
        return {
          status: 200,
          body: '',
          headers: { ...meta, 'content-type': 'application/x-openvpn-profile', 'content-length': String(Buffer.byteLength(stored.body)) },
        };
      }
      case 'DeleteObject':
        this.objects.delete(objectKey);
        return { status: 204, body: '' };
      default:
        return s3Error(405, 'MethodNotAllowed', `${operation} is not supported by this fake`);
    }
  }
}

/** Query parameters `<prefix>.1`, `<prefix>.2`, ... in order. */
function numbered(params: { [name: string]: string }, prefix: string): string[] {
  const values: string[] = [];
  for (let n = 1; params[`${prefix}.${n}`] !== undefined; n++) {
    values.push(params[`${prefix}.${n}`]);
  }
  return values;
}

/** `Tag.N.Key` and `Tag.N.Value` (the value may be absent, as DeleteTags allows). */
function tagsIn(params: { [name: string]: string }): Array<{ key: string; value?: string }> {
  const tags: Array<{ key: string; value?: string }> = [];
  for (let n = 1; params[`Tag.${n}.Key`] !== undefined; n++) {
    tags.push({ key: params[`Tag.${n}.Key`], value: params[`Tag.${n}.Value`] });
  }
  return tags;
}

/** CreateTags: a key that exists gets the new value. */
function withTags(current: FakeTag[], tags: Array<{ key: string; value?: string }>): FakeTag[] {
  const result = [...current];
  for (const { key, value = '' } of tags) {
    const at = result.findIndex((tag) => tag.key === key);
    if (at >= 0) {
      result[at] = { key, value };
    } else {
      result.push({ key, value });
    }
  }
  return result;
}

/** DeleteTags: a tag given with a value goes only while it has that value; one without, whatever its value. */
function withoutTags(current: FakeTag[], tags: Array<{ key: string; value?: string }>): FakeTag[] {
  return current.filter((tag) => !tags.some(({ key, value }) => key === tag.key && (value === undefined || value === tag.value)));
}
