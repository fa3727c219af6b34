/**
 * A stateful ACM for imported certificates (awsJson1_1, `X-Amz-Target: CertificateManager.<Operation>`):
 * ImportCertificate (new and re-import), DescribeCertificate, DeleteCertificate, AddTagsToCertificate
 * and ListTagsForCertificate, with the checks the ACM API Reference lists for ImportCertificate as far
 * as node's crypto can make them:
 *
 * - "The certificate, private key, and certificate chain must be PEM-encoded"; one certificate in the
 *   Certificate field; "The private key must be unencrypted" and "no larger than 5 KB (5,120 bytes)";
 *   "You must enter the private key that matches the certificate"; "The current time must be between
 *   the Not Before and Not After certificate fields" (ACM API Reference, ImportCertificate).
 * - Key types: RSA 1024, 2048, 3072 and 4096 bits, EC P-256, P-384 and P-521 (ACM User Guide,
 *   "Prerequisites for importing certificates"; DescribeCertificate KeyAlgorithm).
 * - A chain's certificates must parse and the leaf must be issued and signed by the chain's first one.
 * - A re-import keeps the ARN (and so every association, InUseBy) and replaces certificate, key and
 *   chain; "You cannot apply resource tags when reimporting a certificate" and "The key type and size
 *   cannot be changed" (ACM User Guide, "Reimport a certificate").
 * - DeleteCertificate refuses a certificate in use: 400 ResourceInUseException (ACM API Reference,
 *   DeleteCertificate). In use means named by a Client VPN endpoint of the fake EC2, as server
 *   certificate or client root certificate chain.
 *
 * Errors are `{"__type", "message"}` with HTTP 400, ACM's codes; the message wording is ACM-like
 * (ACM documents the codes, not the texts) except where a real answer is quoted.
 */
import { createPrivateKey, KeyObject, randomUUID, X509Certificate } from 'crypto';
import { FakeEc2 } from './fake-ec2';
import { ACCOUNT, Answer, epochSeconds, jsonError, jsonSuccess } from './wire';

export interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

export interface StoredCertificate {
  readonly arn: string;
  certificatePem: string;
  privateKeyPem: string;
  chainPem?: string;
  readonly tags: Map<string, string | undefined>;
  /** How many ImportCertificate calls have put material under this ARN (1 after the first import). */
  imports: number;
  importedAt: Date;
  deleted: boolean;
}

export interface CertificateView {
  readonly arn: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly chainPem?: string;
  readonly tags: { readonly [key: string]: string | undefined };
  readonly imports: number;
  readonly deleted: boolean;
}

/** Asks IAM about the caller, with the request's condition keys. */
export interface AcmAuthorizer {
  allows(action: string, resource: string, context: { [key: string]: string | string[] }): boolean;
  denial(action: string, resource: string, context: { [key: string]: string | string[] }): string;
}

/** "The private key must be no larger than 5 KB (5,120 bytes)." (ImportCertificate) */
const MAX_PRIVATE_KEY_BYTES = 5120;
/** AddTagsToCertificate Tags: "Maximum number of 50 items"; a certificate holds at most 50 tags. */
const MAX_TAGS = 50;
const ARN_PATTERN = /^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_ALGORITHMS: { [type: string]: (key: KeyObject) => string | undefined } = {
  rsa: (key) => [1024, 2048, 3072, 4096].includes(key.asymmetricKeyDetails?.modulusLength ?? 0) ? `RSA_${key.asymmetricKeyDetails!.modulusLength}` : undefined,
  ec: (key) => ['prime256v1', 'secp384r1', 'secp521r1'].includes(key.asymmetricKeyDetails?.namedCurve ?? '') ? `EC_${key.asymmetricKeyDetails!.namedCurve}` : undefined,
};

type Input = { readonly [name: string]: unknown };

export class FakeAcm {
  private readonly stored = new Map<string, StoredCertificate>();

  constructor(private readonly region: string, private readonly ec2: FakeEc2) {}

  public certificate(arn: string): CertificateView | undefined {
    const certificate = this.stored.get(arn);
    return certificate && {
      arn: certificate.arn,
      certificatePem: certificate.certificatePem,
      privateKeyPem: certificate.privateKeyPem,
      chainPem: certificate.chainPem,
      tags: Object.fromEntries(certificate.tags),
      imports: certificate.imports,
      deleted: certificate.deleted,
    };
  }

  /** Every certificate ever imported, deleted ones included. */
  public certificates(): CertificateView[] {
    return [...this.stored.keys()].map((arn) => this.certificate(arn)!);
  }

  /** The ARNs of the resources that use a certificate: ACM's InUseBy. */
  public inUseBy(arn: string): string[] {
    return this.ec2.endpointsUsingCertificate(arn);
  }

  public handle(operation: string, input: Input, iam: AcmAuthorizer): Answer {
    switch (operation) {
      case 'ImportCertificate': return this.importCertificate(input, iam);
      case 'DescribeCertificate': return this.onCertificate(operation, input, iam, {}, (certificate) => this.describe(certificate));
      case 'DeleteCertificate': return this.onCertificate(operation, input, iam, {}, (certificate) => {
        const users = this.inUseBy(certificate.arn);
        if (users.length > 0) {
          // The wording ACM answers (seen in terraform-provider-aws and refinebio deploy logs).
          return jsonError(400, 'ResourceInUseException', `Certificate ${certificate.arn} in account ${ACCOUNT} is in use.`);
        }
        certificate.deleted = true;
        return jsonSuccess({});
      });
      case 'AddTagsToCertificate': {
        const tags = (input.Tags ?? []) as Tag[];
        return this.onCertificate(operation, input, iam, requestTagContext(tags), (certificate) => {
          const invalid = invalidTags(tags);
          if (invalid) {
            return invalid;
          }
          const after = new Map([...certificate.tags, ...tags.map((tag): [string, string | undefined] => [tag.Key, tag.Value])]);
          if (after.size > MAX_TAGS) {
            return jsonError(400, 'TooManyTagsException', 'The request contains too many tags. Try the request again with fewer tags.');
          }
          tags.forEach((tag) => certificate.tags.set(tag.Key, tag.Value));
          return jsonSuccess({});
        });
      }
      case 'ListTagsForCertificate':
        return this.onCertificate(operation, input, iam, {}, (certificate) =>
          jsonSuccess({ Tags: [...certificate.tags].map(([Key, Value]) => Value === undefined ? { Key } : { Key, Value }) }));
      default:
        return jsonError(400, 'InvalidAction', `The action ${operation} is not modelled by this fake ACM.`);
    }
  }

  /**
   * IAM for ImportCertificate (Service Authorization Reference, AWS Certificate Manager: ImportCertificate
   * authorizes acm:ImportCertificate on the `certificate` resource type, and acm:AddTagsToCertificate too
   * when the request has Tags; condition keys aws:RequestTag/${TagKey} and aws:TagKeys). A new certificate
   * has no ARN yet, so the request is evaluated against every certificate of the account and region,
   * `arn:aws:acm:<region>:<account>:certificate/*`, which a policy naming one certificate's ARN does not
   * match; a re-import names its certificate, and its aws:ResourceTag keys apply.
   */
  private importCertificate(input: Input, iam: AcmAuthorizer): Answer {
    const arn = input.CertificateArn as string | undefined;
    const tags = (input.Tags ?? []) as Tag[];
    if (arn !== undefined && !ARN_PATTERN.test(arn)) {
      return invalidArn(arn);
    }
    const existing = arn === undefined ? undefined : this.live(arn);
    const resource = arn ?? `arn:aws:acm:${this.region}:${ACCOUNT}:certificate/*`;
    const context = { ...(existing ? resourceTagContext(existing) : {}), ...(tags.length > 0 ? requestTagContext(tags) : {}) };
    for (const action of ['acm:ImportCertificate', ...(tags.length > 0 ? ['acm:AddTagsToCertificate'] : [])]) {
      if (!iam.allows(action, resource, context)) {
        return accessDenied(iam.denial(action, resource, context));
      }
    }
    if (arn !== undefined && !existing) {
      return notFound(arn);
    }
    if (existing && tags.length > 0) {
      // The answer ACM gives (terraform-provider-aws issue 15055).
      return validation('Tagging is not permitted on re-import.');
    }
    const invalid = invalidTags(tags);
    if (invalid) {
      return invalid;
    }
    const material = validateMaterial(input);
    if (typeof material === 'string') {
      return validation(material);
    }
    if (existing) {
      const before = keyAlgorithm(new X509Certificate(existing.certificatePem).publicKey);
      if (before !== material.keyAlgorithm) {
        return validation(`The key type and size cannot be changed on re-import: the certificate has ${before}, the new one ${material.keyAlgorithm}.`);
      }
      Object.assign(existing, { ...material.pems, imports: existing.imports + 1, importedAt: new Date() });
      return jsonSuccess({ CertificateArn: existing.arn });
    }
    const created: StoredCertificate = {
      arn: `arn:aws:acm:${this.region}:${ACCOUNT}:certificate/${randomUUID()}`,
      ...material.pems,
      tags: new Map(tags.map((tag) => [tag.Key, tag.Value])),
      imports: 1,
      importedAt: new Date(),
      deleted: false,
    };
    this.stored.set(created.arn, created);
    return jsonSuccess({ CertificateArn: created.arn });
  }

  /** An action on one existing certificate, authorized on its ARN with its aws:ResourceTag keys. */
  private onCertificate(
    operation: string, input: Input, iam: AcmAuthorizer, requestContext: { [key: string]: string | string[] },
    apply: (certificate: StoredCertificate) => Answer,
  ): Answer {
    const arn = typeof input.CertificateArn === 'string' ? input.CertificateArn : '';
    if (!ARN_PATTERN.test(arn)) {
      return invalidArn(arn);
    }
    const certificate = this.live(arn);
    const action = `acm:${operation}`;
    const context = { ...(certificate ? resourceTagContext(certificate) : {}), ...requestContext };
    if (!iam.allows(action, arn, context)) {
      return accessDenied(iam.denial(action, arn, context));
    }
    return certificate ? apply(certificate) : notFound(arn);
  }

  private live(arn: string): StoredCertificate | undefined {
    const certificate = this.stored.get(arn);
    return certificate?.deleted ? undefined : certificate;
  }

  private describe(certificate: StoredCertificate): Answer {
    const x509 = new X509Certificate(certificate.certificatePem);
    const subject = fields(x509.subject);
    const names = (x509.subjectAltName ?? '').split(/,\s*/).filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4));
    const domainName = subject.CN ?? names[0] ?? '';
    const notAfter = new Date(x509.validTo);
    const issuer = fields(x509.issuer);
    return jsonSuccess({
      Certificate: {
        CertificateArn: certificate.arn,
        DomainName: domainName,
        // ACM lists the domain name among the alternative names.
        SubjectAlternativeNames: [...new Set([domainName, ...names])].filter((name) => name !== ''),
        // ACM writes the serial as colon-separated lower-case hex bytes.
        Serial: x509.serialNumber.toLowerCase().padStart(Math.ceil(x509.serialNumber.length / 2) * 2, '0').match(/../g)!.join(':'),
        Subject: x509.subject.split('\n').join(','),
        // The issuing CA's name: for an imported certificate this fake uses the issuer's O, else its CN.
        Issuer: issuer.O ?? issuer.CN ?? '',
        ImportedAt: epochSeconds(certificate.importedAt),
        NotBefore: epochSeconds(new Date(x509.validFrom)),
        NotAfter: epochSeconds(notAfter),
        Type: 'IMPORTED',
        Status: notAfter.getTime() < Date.now() ? 'EXPIRED' : 'ISSUED',
        KeyAlgorithm: keyAlgorithm(x509.publicKey),
        InUseBy: this.inUseBy(certificate.arn),
        // "ACM does not provide managed renewal for certificates that you import." (ImportCertificate)
        RenewalEligibility: 'INELIGIBLE',
      },
    });
  }
}

interface Material {
  readonly pems: Pick<StoredCertificate, 'certificatePem' | 'privateKeyPem' | 'chainPem'>;
  readonly keyAlgorithm: string;
}

/** The ImportCertificate checks, in the order ACM reports them; a string is the ValidationException message. */
function validateMaterial(input: Input): Material | string {
  const certificatePem = blob(input.Certificate);
  const privateKeyPem = blob(input.PrivateKey);
  const chainPem = input.CertificateChain === undefined ? undefined : blob(input.CertificateChain);
  if (certificatePem === undefined || privateKeyPem === undefined) {
    return `1 validation error detected: Value null at '${certificatePem === undefined ? 'certificate' : 'privateKey'}' failed to satisfy constraint: Member must not be null`;
  }
  const certificates = certificatePem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length > 1) {
    // The answer ACM gives (terraform-provider-aws issue 19400).
    return 'The certificate field contains more than one certificate. You can specify only one certificate in this field.';
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certificates[0] ?? certificatePem);
  } catch {
    return 'Unable to parse certificate. Please ensure the certificate is in PEM format.';
  }
  if (Buffer.byteLength(privateKeyPem) > MAX_PRIVATE_KEY_BYTES) {
    return `The private key must be no larger than ${MAX_PRIVATE_KEY_BYTES} bytes.`;
  }
  if (!privateKeyPem.includes('-----BEGIN') || /ENCRYPTED/.test(privateKeyPem)) {
    return 'The private key is not supported: it must be PEM-encoded and unencrypted.';
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    return 'Unable to parse the private key. Please ensure the private key is PEM-encoded and unencrypted.';
  }
  const algorithm = KEY_ALGORITHMS[key.asymmetricKeyType ?? '']?.(key);
  if (!algorithm) {
    return 'The private key is not supported. Only RSA 1024, 2048, 3072 and 4096-bit keys and EC prime256v1, secp384r1 and secp521r1 keys are allowed.';
  }
  if (!leaf.checkPrivateKey(key)) {
    return 'The private key does not match the public key in the certificate.';
  }
  const now = Date.now();
  if (new Date(leaf.validFrom).getTime() > now || new Date(leaf.validTo).getTime() < now) {
    return `The certificate is not valid now: it is valid from ${leaf.validFrom} to ${leaf.validTo}.`;
  }
  if (leaf.issuer.trim() === '') {
    return 'The certificate Issuer field must not be empty.';
  }
  if (chainPem !== undefined) {
    const chain = chainPem.match(PEM_CERTIFICATE) ?? [];
    let parsed: X509Certificate[];
    try {
      parsed = chain.map((pem) => new X509Certificate(pem));
    } catch {
      return 'Unable to parse the certificate chain. Please ensure the chain is in PEM format.';
    }
    if (parsed.length === 0 || !leaf.checkIssued(parsed[0]) || !leaf.verify(parsed[0].publicKey)) {
      return 'Could not validate the certificate with the certificate chain.';
    }
  }
  return { pems: { certificatePem, privateKeyPem, chainPem }, keyAlgorithm: algorithm };
}

/** awsJson blobs are base64 strings (the SDK encodes Uint8Array input). */
function blob(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

function keyAlgorithm(key: KeyObject): string {
  return KEY_ALGORITHMS[key.asymmetricKeyType ?? '']?.(key) ?? `${key.asymmetricKeyType}`.toUpperCase();
}

/** `CN=a\nO=b` → { CN: 'a', O: 'b' } */
function fields(name: string): { [field: string]: string | undefined } {
  return Object.fromEntries(name.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

function requestTagContext(tags: readonly Tag[]): { [key: string]: string | string[] } {
  return { ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.Key}`, tag.Value ?? ''])), 'aws:TagKeys': tags.map((tag) => tag.Key) };
}

function resourceTagContext(certificate: StoredCertificate): { [key: string]: string } {
  return Object.fromEntries([...certificate.tags].map(([key, value]) => [`aws:ResourceTag/${key}`, value ?? '']));
}

/** InvalidTagException: "you cannot specify a tag value that begins with aws:"; keys 1 to 128, values up to 256 characters. */
function invalidTags(tags: readonly Tag[]): Answer | undefined {
  const invalid = tags.find((tag) => !tag.Key || tag.Key.length > 128 || tag.Key.toLowerCase().startsWith('aws:') || (tag.Value ?? '').length > 256);
  return invalid && jsonError(400, 'InvalidTagException', `Tag key '${invalid.Key}' is not valid: keys are 1 to 128 characters and may not begin with 'aws:'.`);
}

function validation(message: string): Answer {
  return jsonError(400, 'ValidationException', message);
}

function notFound(arn: string): Answer {
  // "The specified certificate cannot be found in the caller's account or the caller's account cannot be found." (ResourceNotFoundException)
  return jsonError(400, 'ResourceNotFoundException', `Could not find certificate ${arn}.`);
}

function invalidArn(arn: string): Answer {
  // "The requested Amazon Resource Name (ARN) does not refer to an existing resource." (InvalidArnException)
  return jsonError(400, 'InvalidArnException', `String '${arn}' is not a valid ARN.`);
}

/** AccessDeniedException: HTTP 400 (ACM API Reference, Common Errors). */
function accessDenied(message: string): Answer {
  return jsonError(400, 'AccessDeniedException', message, 'Message');
}
