/**
 * A stateful S3 (REST, path-style) with S3's own answers, which depend on the caller's permissions:
 *
 * - HeadObject needs s3:GetObject. "If the object you request doesn't exist, the error that Amazon S3
 *   returns depends on whether you also have the s3:ListBucket permission. If you have the
 *   s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found
 *   error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code
 *   403 Forbidden error." A HEAD response never has a body, so "if the HEAD request generates an
 *   error, it returns a generic code … It's not possible to retrieve the exact exception of these
 *   error codes." (S3 API reference, HeadObject.)
 * - GetObject: the same rule, with NoSuchKey / AccessDenied error documents (S3 API reference, GetObject).
 * - DeleteObject of a key that does not exist answers 204 No Content (S3 API reference, DeleteObject).
 * - PutObject with SSE-KMS needs kms:GenerateDataKey on the key; GetObject of such an object kms:Decrypt
 *   (S3 user guide, "Using server-side encryption with AWS KMS keys": permissions).
 *
 * Every object remembers who wrote it (the caller's role, or `SOMEONE_ELSE` for objects a test put
 * there), so the invariants can tell the stack's files from files the stack must never touch.
 */
import type { IncomingHttpHeaders } from 'http';
import { ACCOUNT, Answer, decodeAwsChunked, md5, s3Error } from './wire';

/** The writer of objects a test seeds: not the stack. */
export const SOMEONE_ELSE = 'someone-else';

export interface StoredObject {
  readonly body: string;
  readonly contentType?: string;
  /** `x-amz-meta-*` headers, without the prefix, lower-case names as S3 returns them. */
  readonly metadata: { readonly [name: string]: string };
  readonly serverSideEncryption?: string;
  readonly kmsKeyArn?: string;
  readonly etag: string;
  /** The role that wrote it, or SOMEONE_ELSE. */
  readonly writer: string;
  /** Increases with every write anywhere in this S3, so a rewrite with the same content is still seen. */
  readonly version: number;
}

export interface FakeBucket {
  readonly name: string;
  readonly objects: Map<string, StoredObject>;
  /** The bucket's default encryption key (BucketEncryption with aws:kms). */
  readonly defaultKmsKeyArn?: string;
}

export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Asks IAM about the caller: true when allowed. `denial` words the AccessDenied message. */
export interface S3Authorizer {
  allows(action: string, resource: string): boolean;
  denial(action: string, resource: string): string;
}

export class FakeS3 {
  public readonly buckets = new Map<string, FakeBucket>();
  /** Every object a test put there as someone else, in order. */
  public readonly seeded: Array<{ readonly bucket: string; readonly key: string; readonly version: number }> = [];
  private writes = 0;

  constructor(private readonly region: string) {}

  public createBucket(name: string, defaultKmsKeyArn?: string): void {
    if (this.buckets.has(name)) {
      throw new Error(`BucketAlreadyOwnedByYou: ${name}`);
    }
    this.buckets.set(name, { name, objects: new Map(), defaultKmsKeyArn });
  }

  /** Fails on a bucket that still has objects, as S3 (and so CloudFormation) does. */
  public deleteBucket(name: string): void {
    const bucket = this.buckets.get(name);
    if (bucket && bucket.objects.size > 0) {
      throw new Error(`BucketNotEmpty: The bucket you tried to delete is not empty (${[...bucket.objects.keys()].join(', ')})`);
    }
    this.buckets.delete(name);
  }

  public object(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** Puts an object as someone other than the stack would. */
  public seed(bucket: string, key: string, body: string, metadata: { [name: string]: string } = {}): StoredObject {
    const target = this.buckets.get(bucket);
    if (!target) {
      throw new Error(`no bucket ${bucket}`);
    }
    const stored: StoredObject = { body, metadata, etag: `"${md5(body)}"`, writer: SOMEONE_ELSE, version: ++this.writes };
    target.objects.set(key, stored);
    this.seeded.push({ bucket, key, version: stored.version });
    return stored;
  }

  public operationOf(request: Pick<S3Request, 'method' | 'key'>): string {
    if (request.key === '') {
      return `${request.method} bucket`;
    }
    return { PUT: 'PutObject', HEAD: 'HeadObject', GET: 'GetObject', DELETE: 'DeleteObject' }[request.method] ?? `${request.method} object`;
  }

  public handle(request: S3Request, writer: string, iam: S3Authorizer): Answer {
    const operation = this.operationOf(request);
    const bucket = this.buckets.get(request.bucket);
    const objectArn = `arn:aws:s3:::${request.bucket}/${request.key}`;
    const head = request.method === 'HEAD';
    const error = (status: number, code: string, message: string) => head ? { status } : s3Error(status, code, message);
    if (!bucket) {
      return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    const deny = (action: string, resource: string) => error(403, 'AccessDenied', iam.denial(action, resource));
    switch (operation) {
      case 'PutObject': {
        if (!iam.allows('s3:PutObject', objectArn)) {
          return deny('s3:PutObject', objectArn);
        }
        const encryption = this.encryptionOf(request, bucket);
        if (encryption.kmsKeyArn && !encryption.awsManaged && !iam.allows('kms:GenerateDataKey', encryption.kmsKeyArn)) {
          return deny('kms:GenerateDataKey', encryption.kmsKeyArn);
        }
        const encoded = String(request.headers['content-encoding'] ?? '').includes('aws-chunked');
        const body = (encoded ? decodeAwsChunked(request.body) : request.body).toString('utf8');
        const metadata = Object.fromEntries(Object.entries(request.headers)
          .filter(([name]) => name.startsWith('x-amz-meta-'))
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]));
        const stored: StoredObject = {
          body,
          contentType: request.headers['content-type'],
          metadata,
          serverSideEncryption: encryption.algorithm,
          kmsKeyArn: encryption.kmsKeyArn,
          etag: `"${md5(body)}"`,
          writer,
          version: ++this.writes,
        };
        bucket.objects.set(request.key, stored);
        return { status: 200, headers: { etag: stored.etag, ...encryptionHeaders(stored) } };
      }
      case 'HeadObject':
      case 'GetObject': {
        if (!iam.allows('s3:GetObject', objectArn)) {
          return deny('s3:GetObject', objectArn);
        }
        const stored = bucket.objects.get(request.key);
        if (!stored) {
          return iam.allows('s3:ListBucket', `arn:aws:s3:::${request.bucket}`)
            ? error(404, 'NoSuchKey', 'The specified key does not exist.')
            : deny('s3:ListBucket', `arn:aws:s3:::${request.bucket}`);
        }
        if (!head && stored.kmsKeyArn && !stored.kmsKeyArn.endsWith(':alias/aws/s3') && !iam.allows('kms:Decrypt', stored.kmsKeyArn)) {
          return deny('kms:Decrypt', stored.kmsKeyArn);
        }
        const headers: { [name: string]: string } = {
          'etag': stored.etag,
          'content-type': stored.contentType ?? 'binary/octet-stream',
          'content-length': String(Buffer.byteLength(stored.body)),
          'last-modified': new Date().toUTCString(),
          ...encryptionHeaders(stored),
        };
        for (const [name, value] of Object.entries(stored.metadata)) {
          headers[`x-amz-meta-${name}`] = value;
        }
        return { status: 200, headers, body: head ? undefined : stored.body };
      }
      case 'DeleteObject':
        if (!iam.allows('s3:DeleteObject', objectArn)) {
          return deny('s3:DeleteObject', objectArn);
        }
        bucket.objects.delete(request.key);
        return { status: 204 };
      default:
        return error(501, 'NotImplemented', `${operation} is not modelled by this fake S3`);
    }
  }

  /** The key an object is encrypted with; the AWS managed key (aws/s3) needs no IAM grant: its key policy allows S3's callers. */
  private encryptionOf(request: S3Request, bucket: FakeBucket): { algorithm?: string; kmsKeyArn?: string; awsManaged?: boolean } {
    const algorithm = request.headers['x-amz-server-side-encryption'] as string | undefined;
    const keyId = (request.headers['x-amz-server-side-encryption-aws-kms-key-id'] as string | undefined) ?? bucket.defaultKmsKeyArn;
    if (algorithm === 'aws:kms' || (!algorithm && bucket.defaultKmsKeyArn)) {
      const key = keyId ?? `arn:aws:kms:${this.region}:${ACCOUNT}:alias/aws/s3`;
      return {
        algorithm: 'aws:kms',
        kmsKeyArn: key.startsWith('arn:') ? key : `arn:aws:kms:${this.region}:${ACCOUNT}:key/${key}`,
        awsManaged: keyId === undefined,
      };
    }
    return { algorithm: algorithm ?? 'AES256' };
  }
}

function encryptionHeaders(stored: StoredObject): { [name: string]: string } {
  return {
    ...(stored.serverSideEncryption ? { 'x-amz-server-side-encryption': stored.serverSideEncryption } : {}),
    ...(stored.kmsKeyArn ? { 'x-amz-server-side-encryption-aws-kms-key-id': stored.kmsKeyArn } : {}),
  };
}
