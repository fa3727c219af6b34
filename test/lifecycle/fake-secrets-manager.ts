/**
 * A stateful Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.<Operation>`) with the answers
 * the Secrets Manager API Reference documents for GetSecretValue and PutSecretValue. CloudFormation's
 * model of AWS::SecretsManager::Secret calls it directly; the handler reaches it over HTTP.
 *
 * - A secret is found by its ARN, by its name, or by its ARN without the random suffix ("You can
 *   specify either the ARN or the friendly name of the secret", GetSecretValue SecretId); an unknown
 *   one answers 400 ResourceNotFoundException "Secrets Manager can't find the specified secret.".
 * - A secret scheduled for deletion answers 400 InvalidRequestException ("When a secret is scheduled
 *   for deletion, you cannot retrieve the secret value", DeleteSecret; InvalidRequestException
 *   "Possible causes: The secret is scheduled for deletion").
 * - A secret created without a value has no AWSCURRENT version: GetSecretValue answers
 *   ResourceNotFoundException for the staging label.
 * - PutSecretValue makes the new version AWSCURRENT and the former one AWSPREVIOUS; its
 *   ClientRequestToken becomes the VersionId: the same token with the same value "is ignored. The
 *   operation is idempotent", with another value "the request fails because you can't modify a secret
 *   version" (PutSecretValue, ClientRequestToken): 400 ResourceExistsException.
 * - IAM: secretsmanager:GetSecretValue / secretsmanager:PutSecretValue on the secret's ARN (Service
 *   Authorization Reference, Secrets Manager: resource type `Secret*`); denial answers 400
 *   AccessDeniedException (Secrets Manager API Reference, Common Errors).
 *
 * Not modelled: KMS. A secret encrypted with a customer managed key (KmsKeyId) also needs
 * kms:Decrypt (GetSecretValue) and kms:GenerateDataKey (PutSecretValue) on that key, granted by the
 * key policy or IAM; this fake keeps the key id for the tests to read but authorizes no KMS action
 * and records nothing about it, so a missing KMS grant is not caught here.
 */
import { randomBytes, randomInt, randomUUID } from 'crypto';
import { ACCOUNT, Answer, epochSeconds, jsonError, jsonSuccess } from './wire';

export interface SecretVersion {
  readonly versionId: string;
  readonly value: string;
  readonly createdAt: Date;
  stages: string[];
}

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  description?: string;
  kmsKeyId?: string;
  tags: { readonly [key: string]: string };
  readonly versions: SecretVersion[];
  /** Set by a DeleteSecret with a recovery window: the secret exists but refuses its value. */
  deletionDate?: Date;
  /** Deleted for good (ForceDeleteWithoutRecovery, or the end of the recovery window). */
  deleted: boolean;
}

/** What a test reads of a secret. */
export interface SecretView {
  readonly arn: string;
  readonly name: string;
  /** The AWSCURRENT SecretString, if the secret has one. */
  readonly value?: string;
  readonly versions: number;
  readonly state: 'active' | 'scheduled-for-deletion' | 'deleted';
  readonly kmsKeyId?: string;
  readonly tags: { readonly [key: string]: string };
}

/** Asks IAM about the caller; `denial` words the AccessDenied message. */
export interface SecretsAuthorizer {
  allows(action: string, resource: string, keys?: { [key: string]: string }): boolean;
  denial(action: string, resource: string, keys?: { [key: string]: string }): string;
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
/** The 6 characters Secrets Manager appends to a secret's name in its ARN ("-a1b2c3"). */
const SUFFIX = /-[A-Za-z0-9]{6}$/;

export class FakeSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(private readonly region: string) {}

  // --- What CloudFormation (and tests) do ----------------------------------------------------

  public createSecret(options: {
    name: string; description?: string; kmsKeyId?: string; value?: string; tags?: { [key: string]: string };
  }): StoredSecret {
    if ([...this.secrets.values()].some((secret) => secret.name === options.name && !secret.deleted)) {
      // CreateSecret: ResourceExistsException; InvalidRequestException while the old one is scheduled for deletion.
      throw new Error(`ResourceExistsException: The operation failed because the secret ${options.name} already exists.`);
    }
    const arn = `arn:aws:secretsmanager:${this.region}:${ACCOUNT}:secret:${options.name}-${alphanumeric(6)}`;
    const secret: StoredSecret = {
      arn, name: options.name, description: options.description, kmsKeyId: options.kmsKeyId, tags: options.tags ?? {}, versions: [], deleted: false,
    };
    this.secrets.set(arn, secret);
    if (options.value !== undefined) {
      this.addVersion(secret, randomUUID(), options.value);
    }
    return secret;
  }

  /** A new AWSCURRENT version, as PutSecretValue or UpdateSecret with a value makes. */
  public addVersion(secret: StoredSecret, versionId: string, value: string): SecretVersion {
    for (const version of secret.versions) {
      version.stages = version.stages.filter((stage) => stage !== 'AWSPREVIOUS');
      if (version.stages.includes('AWSCURRENT')) {
        version.stages = [...version.stages.filter((stage) => stage !== 'AWSCURRENT'), 'AWSPREVIOUS'];
      }
    }
    const version: SecretVersion = { versionId, value, createdAt: new Date(), stages: ['AWSCURRENT'] };
    secret.versions.push(version);
    return version;
  }

  /** DeleteSecret: with a recovery window the secret is only scheduled; `immediately` is ForceDeleteWithoutRecovery. */
  public deleteSecret(arn: string, options: { immediately: boolean }): void {
    const secret = this.secrets.get(arn);
    if (!secret || secret.deleted) {
      return;
    }
    if (options.immediately) {
      secret.deleted = true;
    } else {
      // "The default recovery window is 30 days." (DeleteSecret)
      secret.deletionDate = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    }
  }

  public stored(arn: string): StoredSecret | undefined {
    return this.secrets.get(arn);
  }

  public secret(arn: string): SecretView | undefined {
    const secret = this.secrets.get(arn);
    if (!secret) {
      return undefined;
    }
    return {
      arn: secret.arn,
      name: secret.name,
      value: current(secret)?.value,
      versions: secret.versions.length,
      state: secret.deleted ? 'deleted' : secret.deletionDate ? 'scheduled-for-deletion' : 'active',
      kmsKeyId: secret.kmsKeyId,
      tags: secret.tags,
    };
  }

  public all(): SecretView[] {
    return [...this.secrets.keys()].map((arn) => this.secret(arn)!);
  }

  // --- The JSON API the handler calls ---------------------------------------------------------

  public handle(operation: string, input: { [name: string]: unknown }, iam: SecretsAuthorizer): Answer {
    if (operation !== 'GetSecretValue' && operation !== 'PutSecretValue') {
      return jsonError(400, 'InvalidAction', `The action ${operation} is not modelled by this fake Secrets Manager.`, 'Message');
    }
    const secretId = typeof input.SecretId === 'string' ? input.SecretId : '';
    if (secretId === '') {
      return jsonError(400, 'InvalidParameterException', 'You must provide a SecretId.', 'Message');
    }
    const secret = this.find(secretId);
    const action = `secretsmanager:${operation}`;
    // IAM is asked before the secret is looked up: a caller without the permission learns nothing
    // about whether it exists. A name that matches nothing is authorized against the ARN it would have.
    const resource = secret?.arn ?? (secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:${this.region}:${ACCOUNT}:secret:${secretId}`);
    // GetSecretValue and PutSecretValue take the secret's tags as aws:ResourceTag/<key> (Service
    // Authorization Reference, AWS Secrets Manager: resource type secret).
    const keys = Object.fromEntries(Object.entries(secret?.tags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
    if (!iam.allows(action, resource, keys)) {
      return jsonError(400, 'AccessDeniedException', iam.denial(action, resource, keys), 'Message');
    }
    if (!secret) {
      return jsonError(400, 'ResourceNotFoundException', NOT_FOUND, 'Message');
    }
    if (secret.deletionDate) {
      return jsonError(400, 'InvalidRequestException',
        'You can\'t perform this operation on the secret because it was marked for deletion.', 'Message');
    }
    return operation === 'GetSecretValue' ? this.getSecretValue(secret, input) : this.putSecretValue(secret, input);
  }

  private getSecretValue(secret: StoredSecret, input: { [name: string]: unknown }): Answer {
    const versionId = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (versionId === undefined ? 'AWSCURRENT' : undefined);
    const version = secret.versions.find((candidate) => (versionId === undefined || candidate.versionId === versionId)
      && (stage === undefined || candidate.stages.includes(stage)));
    if (!version) {
      return jsonError(400, 'ResourceNotFoundException', versionId !== undefined
        ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
        : `Secrets Manager can't find the specified secret value for staging label: ${stage}`, 'Message');
    }
    return jsonSuccess({
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: version.stages,
      CreatedDate: epochSeconds(version.createdAt),
    });
  }

  private putSecretValue(secret: StoredSecret, input: { [name: string]: unknown }): Answer {
    if (typeof input.SecretString !== 'string') {
      // This fake models SecretString only; SecretBinary is a problem for the caller to see.
      return jsonError(400, 'InvalidParameterException', 'You must provide either SecretString or SecretBinary.', 'Message');
    }
    // "If you use the AWS CLI or one of the AWS SDKs … the SDK generates a random UUID" (ClientRequestToken): 32 to 64 characters.
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : '';
    if (token.length < 32 || token.length > 64) {
      return jsonError(400, 'InvalidParameterException', 'ClientRequestToken must be 32 to 64 characters long.', 'Message');
    }
    const existing = secret.versions.find((version) => version.versionId === token);
    if (existing && existing.value !== input.SecretString) {
      return jsonError(400, 'ResourceExistsException', 'A resource with the ID you requested already exists.', 'Message');
    }
    const version = existing ?? this.addVersion(secret, token, input.SecretString);
    return jsonSuccess({ ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: version.stages });
  }

  /** By full ARN, by ARN without the suffix, or by name; deleted secrets are gone. */
  private find(secretId: string): StoredSecret | undefined {
    const live = [...this.secrets.values()].filter((secret) => !secret.deleted);
    if (secretId.startsWith('arn:')) {
      return live.find((secret) => secret.arn === secretId)
        ?? (SUFFIX.test(secretId) ? undefined : live.find((secret) => secret.arn.replace(SUFFIX, '') === secretId));
    }
    return live.find((secret) => secret.name === secretId);
  }
}

function current(secret: StoredSecret): SecretVersion | undefined {
  return secret.versions.find((version) => version.stages.includes('AWSCURRENT'));
}

function alphanumeric(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** The characters GetRandomPassword draws punctuation from (Secrets Manager API Reference, GetRandomPassword ExcludePunctuation). */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** GenerateSecretString options (AWS::SecretsManager::Secret GenerateSecretString; GetRandomPassword). */
export interface GenerateOptions {
  readonly PasswordLength?: number | string;
  readonly ExcludeCharacters?: string;
  readonly ExcludeLowercase?: boolean | string;
  readonly ExcludeUppercase?: boolean | string;
  readonly ExcludeNumbers?: boolean | string;
  readonly ExcludePunctuation?: boolean | string;
  readonly IncludeSpace?: boolean | string;
  readonly RequireEachIncludedType?: boolean | string;
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
}

/**
 * The secret value GenerateSecretString makes: a random password, 32 characters by default, from
 * lower and upper case letters, digits and punctuation, at least one of each included type unless
 * RequireEachIncludedType is false; with SecretStringTemplate and GenerateStringKey, the template's
 * JSON with the password under that key (AWS::SecretsManager::Secret GenerateSecretString).
 */
export function generateSecretString(options: GenerateOptions = {}): string {
  const flag = (value: boolean | string | undefined, otherwise: boolean) => value === undefined ? otherwise : String(value) === 'true';
  const excluded = new Set(options.ExcludeCharacters ?? '');
  const types = [
    flag(options.ExcludeLowercase, false) ? '' : 'abcdefghijklmnopqrstuvwxyz',
    flag(options.ExcludeUppercase, false) ? '' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    flag(options.ExcludeNumbers, false) ? '' : '0123456789',
    flag(options.ExcludePunctuation, false) ? '' : PUNCTUATION,
    flag(options.IncludeSpace, false) ? ' ' : '',
  ].map((characters) => [...characters].filter((character) => !excluded.has(character)).join('')).filter((characters) => characters !== '');
  const length = Number(options.PasswordLength ?? 32);
  if (types.length === 0 || !Number.isInteger(length) || length < 1 || length > 4096) {
    throw new Error('InvalidParameterException: GenerateSecretString leaves no characters to choose from, or PasswordLength is not 1 to 4096');
  }
  const all = types.join('');
  const pick = (characters: string) => characters[randomInt(characters.length)];
  const password = Array.from({ length }, () => pick(all));
  if (flag(options.RequireEachIncludedType, true) && length >= types.length) {
    // One of each type at distinct random places.
    const places = [...Array(length).keys()];
    for (let index = places.length - 1; index > 0; index--) {
      const other = randomInt(index + 1);
      [places[index], places[other]] = [places[other], places[index]];
    }
    types.forEach((characters, index) => password[places[index]] = pick(characters));
  }
  const generated = password.join('');
  if (options.SecretStringTemplate !== undefined && options.GenerateStringKey !== undefined) {
    return JSON.stringify({ ...JSON.parse(options.SecretStringTemplate), [options.GenerateStringKey]: generated });
  }
  return generated;
}
