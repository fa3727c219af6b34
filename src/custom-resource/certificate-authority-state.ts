/**
 * What the certificate authority keeps in Secrets Manager, and the only code that reads or
 * writes it. The CA's secret holds its key, its certificate and the CRL last signed; each
 * client's secret holds what the construct API documents.
 */
import {
  GetSecretValueCommand,
  GetSecretValueCommandOutput,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { send } from './handler-support';

// The handler retries by itself, within the time the Lambda has left.
const secretsManager = new SecretsManagerClient({ maxAttempts: 1 });

export interface SignedRevocationList {
  readonly number: number;
  readonly pem: string;
  /**
   * The numbers of the lists a renewal signed this one again for, with the same entries: a trust
   * whose properties still name one of them (its rollback, after a renewal) imports this one.
   */
  readonly renews?: readonly number[];
}

export interface AuthoritySecret {
  readonly certificate: string;
  readonly privateKey: string;
  /** The CA's validity as it was created, so an update can tell whether it was asked to change. */
  readonly validityDays: number;
  /**
   * The CRL last signed, and the one before it: the rollback of a failed update imports the earlier
   * one again, whatever order CloudFormation rolls the resources back in. Its entries are read from the CRL itself.
   */
  readonly revocationLists?: { readonly current: SignedRevocationList; readonly previous?: SignedRevocationList };
}

/** The client secret's JSON, as the construct API documents it. */
export interface ClientSecret {
  readonly certificate: string;
  /** Absent for a client whose certificate was issued for its own request. */
  readonly privateKey?: string;
  readonly caCertificate: string;
  /** Endpoint id to `.ovpn` text with the client's certificate and key inline. */
  readonly configurations: { readonly [endpointId: string]: string };
}

export async function readAuthority(secretArn: string, deadline: number): Promise<AuthoritySecret> {
  const value = await readJson(secretArn, deadline);
  if (typeof value?.certificate !== 'string' || typeof value.privateKey !== 'string') {
    throw new Error(`The secret ${secretArn} holds no certificate authority: was it written by hand, or is the authority not created yet?`);
  }
  return value as unknown as AuthoritySecret;
}

export async function readClient(secretArn: string, deadline: number): Promise<ClientSecret | undefined> {
  const value = await readJson(secretArn, deadline);
  return typeof value?.certificate === 'string' ? { configurations: {}, ...value } as ClientSecret : undefined;
}

export async function writeSecret(secretArn: string, value: AuthoritySecret | ClientSecret, deadline: number): Promise<void> {
  await send(deadline, secretsManager, new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(value) }));
}

/** Secrets Manager's answer for a secret that is gone, or scheduled for deletion. */
export function isGone(error: unknown): boolean {
  const { name } = error as { name?: string };
  return name === 'ResourceNotFoundException' || name === 'InvalidRequestException';
}

/** The secret's JSON, or undefined for the random value Secrets Manager generated when the secret was created. */
async function readJson(secretArn: string, deadline: number): Promise<{ [key: string]: unknown } | undefined> {
  const { SecretString: text } = await send<GetSecretValueCommandOutput>(deadline, secretsManager,
    new GetSecretValueCommand({ SecretId: secretArn }));
  try {
    const parsed = JSON.parse(text ?? '');
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
