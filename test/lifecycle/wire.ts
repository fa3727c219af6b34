/**
 * What the fakes write and read on the wire: AWS error documents, EC2 Query parameters, and the
 * caller a SigV4 Authorization header names. Shared by the EC2, S3, CloudFormation, Secrets Manager
 * and ACM fakes.
 */
import { createHash, randomUUID } from 'crypto';
import type { IncomingHttpHeaders } from 'http';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
export const ACCOUNT = '123456789012';

/** An HTTP answer. `stall` answers nothing, ever: the connection stays open. */
export interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: { readonly [name: string]: string };
  readonly stall?: boolean;
}

/** Who signed a request (SigV4 credential scope). The access key id is the role's name (see lambda-runtime.ts). */
export interface Caller {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

export type QueryParams = { readonly [name: string]: string };

export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function xmlUnescape(value: string): string {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function requestId(): string {
  return randomUUID();
}

export function md5(body: Buffer | string): string {
  return createHash('md5').update(body).digest('hex');
}

/**
 * The EC2 error document: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 */
export function ec2Error(status: number, code: string, message: string): Answer {
  return {
    status,
    body: '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors>`
      + `<RequestID>${requestId()}</RequestID></Response>`,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
  };
}

export function ec2Success(action: string, inner: string): Answer {
  return {
    status: 200,
    body: '<?xml version="1.0" encoding="UTF-8"?>\n'
      + `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId()}</requestId>${inner}</${action}Response>`,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
  };
}

/** EC2 throttling: 503 RequestLimitExceeded (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html). */
export function ec2Throttled(): Answer {
  return ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
}

/** An S3 REST error document. A HEAD answer never has a body (S3 HeadObject API reference). */
export function s3Error(status: number, code: string, message: string): Answer {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>`
      + `<RequestId>${requestId().slice(0, 16)}</RequestId><HostId>fake-s3</HostId></Error>`,
    headers: { 'content-type': 'application/xml' },
  };
}

/** S3 throttling: 503 SlowDown (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
export function s3Throttled(): Answer {
  return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
}

export function cloudFormationError(status: number, code: string, message: string): Answer {
  return {
    status,
    body: `<ErrorResponse xmlns="${CLOUDFORMATION_NAMESPACE}"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code>`
      + `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
    headers: { 'content-type': 'text/xml' },
  };
}

export const AWS_JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * An awsJson1_1 error (Secrets Manager, ACM): `{"__type": code, "message": …}` with the HTTP status
 * the service documents. The SDK reads the code from `__type` and the message from `message` or
 * `Message`; Secrets Manager writes `Message`, ACM `message` (as their responses show).
 */
export function jsonError(status: number, code: string, message: string, messageKey: 'message' | 'Message' = 'message'): Answer {
  return { status, body: JSON.stringify({ __type: code, [messageKey]: message }), headers: { 'content-type': AWS_JSON_1_1 } };
}

export function jsonSuccess(output: object): Answer {
  return { status: 200, body: JSON.stringify(output), headers: { 'content-type': AWS_JSON_1_1 } };
}

/** awsJson timestamps are epoch seconds (Smithy `epoch-seconds`, fractional allowed). */
export function epochSeconds(at: Date | number): number {
  return (typeof at === 'number' ? at : at.getTime()) / 1000;
}

/** The caller of a SigV4-signed request: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function callerOf(headers: IncomingHttpHeaders): Caller | undefined {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(headers.authorization ?? ''));
  return match ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
}

export function parseQuery(body: string): { [name: string]: string } {
  const params: { [name: string]: string } = {};
  for (const [name, value] of new URLSearchParams(body)) {
    params[name] = value;
  }
  return params;
}

/**
 * A JSON value the EC2 Query way: structures as `Name.Member`, lists as `Name.N` from 1, scalars
 * as strings. Live endpoints are stored like this, so template values, API settings and
 * ModifyClientVpnEndpoint parameters compare as the strings EC2 receives.
 */
export function flatten(value: unknown, prefix: string): Array<[string, string]> {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => flatten(item, `${prefix}.${index + 1}`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => flatten(item, prefix ? `${prefix}.${key}` : key));
  }
  return value === undefined || value === null ? [] : [[prefix, String(value)]];
}

/** Top-level names of Query parameters (`A.B.1` → `A`). */
export function topLevelNames(params: Iterable<string>): Set<string> {
  return new Set([...params].map((name) => name.split('.')[0]));
}

/** `Name.1`, `Name.2`, … of a Query list, in order. */
export function queryList(params: QueryParams, name: string): string[] {
  const values: string[] = [];
  for (let index = 1; params[`${name}.${index}`] !== undefined; index++) {
    values.push(params[`${name}.${index}`]);
  }
  return values;
}

/** Members of a list of structures: `Tag.1.Key`, `Tag.1.Value`, … */
export function queryStructures(params: QueryParams, name: string): Array<{ [member: string]: string }> {
  const items: Array<{ [member: string]: string }> = [];
  for (let index = 1; ; index++) {
    const prefix = `${name}.${index}.`;
    const members = Object.entries(params).filter(([key]) => key.startsWith(prefix));
    if (members.length === 0) {
      return items;
    }
    items.push(Object.fromEntries(members.map(([key, value]) => [key.slice(prefix.length), value])));
  }
}

/**
 * The payload of an `aws-chunked` body (S3 streaming uploads with trailing checksums):
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) {
      throw new Error('truncated aws-chunked body');
    }
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) {
      throw new Error('malformed aws-chunked body');
    }
    if (size === 0) {
      return Buffer.concat(parts);
    }
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
