/**
 * The contract between the certificate authority's constructs and its handler: resource types,
 * property names as CloudFormation passes them on (all strings), and their parsing. No property
 * ever holds key material: keys are made by the handler and kept in Secrets Manager and ACM.
 */

export const AUTHORITY_RESOURCE_TYPE = 'Custom::ClientVpnCertificateAuthority';
export const CLIENT_RESOURCE_TYPE = 'Custom::ClientVpnClientCertificate';
export const REVOCATION_LIST_RESOURCE_TYPE = 'Custom::ClientVpnRevocationList';
export const TRUST_RESOURCE_TYPE = 'Custom::ClientVpnCertificateAuthorityTrust';

/** The tag naming a CA on its ACM certificate and its clients' secrets; the handler's ACM and Secrets Manager grants require it. */
export const AUTHORITY_TAG_KEY = 'cdk-client-vpn:certificate-authority';

export const ATTRIBUTE_CERTIFICATE_ARN = 'CertificateArn';
export const ATTRIBUTE_SERIAL_NUMBER = 'SerialNumber';
export const ATTRIBUTE_REVOCATION_LIST_NUMBER = 'RevocationListNumber';

/** The CA: its key and certificate go to its secret, the server certificate to ACM. */
export interface AuthorityProperties {
  readonly CaSecretArn: string;
  readonly CommonName: string;
  readonly ServerDomainName: string;
  readonly ValidityDays: string;
  readonly ServerCertificateValidityDays: string;
  /** The value of the AUTHORITY_TAG_KEY tag. */
  readonly AuthorityTag: string;
}

/** One client certificate, written to the client's secret. */
export interface ClientProperties {
  readonly CaSecretArn: string;
  readonly ClientSecretArn: string;
  readonly CommonName: string;
  readonly ValidityDays: string;
  readonly CertificateSigningRequest?: string;
  /** The authority's certificate ARN: a new authority issues anew. */
  readonly Authority: string;
}

export interface ClientEntry {
  readonly serialNumber: string;
  readonly revoked: boolean;
  /**
   * The client's secret, whose certificate is revoked with it: after a rollback the secret can
   * hold a certificate issued since the serial number was recorded.
   */
  readonly secretArn?: string;
}

/** The CA's revocation list, kept in the CA's secret: every revoked client, and every client gone from the app. */
export interface RevocationListProperties {
  readonly CaSecretArn: string;
  readonly ValidityDays: string;
  /** JSON list of ClientEntry. */
  readonly Clients: string;
}

export interface TrustedClient {
  readonly secretArn: string;
  readonly serialNumber: string;
}

/** One endpoint that trusts the CA: the CRL imported into it, a configuration for it in every client's secret. */
export interface TrustProperties {
  readonly CaSecretArn: string;
  readonly ClientVpnEndpointId: string;
  /** Changes with each signed CRL, so the new one is imported. */
  readonly RevocationListNumber: string;
  /** Endpoint settings the exported configuration depends on: a change writes the configurations again. */
  readonly ConfigurationInputs: string;
  /** JSON list of TrustedClient. */
  readonly Clients: string;
}

/** What the renewal schedule sends the handler (an EventBridge target's input). */
export interface RenewalEvent {
  readonly Renewal: {
    readonly CaSecretArn: string;
    readonly CertificateArn: string;
    readonly ServerDomainName: string;
    readonly ServerCertificateValidityDays: string;
    readonly RevocationListValidityDays: string;
    readonly ClientVpnEndpointIds: readonly string[];
  };
}

/** The properties as strings, required ones checked; anything but an object has none. */
export function parseProperties<T>(raw: unknown, required: ReadonlyArray<keyof T & string>): T {
  const props: { [name: string]: string } = {};
  for (const [name, value] of Object.entries(Object(raw))) {
    if (name === 'ServiceToken' || name === 'ServiceTimeout') {
      continue;
    }
    if (typeof value !== 'string') {
      throw new Error(`${name} must be a string`);
    }
    props[name] = value;
  }
  const missing = required.filter((name) => !props[name]);
  if (missing.length > 0) {
    throw new Error(`Missing properties: ${missing.join(', ')}`);
  }
  return props as unknown as T;
}

export function parseDays(name: string, value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`${name} must be a whole number of days, got '${value}'`);
  }
  return days;
}

export function parseJsonList<T>(name: string, json: string, isItem: (item: any) => boolean): T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Reported below, as any other value that is not such a list.
  }
  if (!Array.isArray(parsed) || !parsed.every(isItem)) {
    throw new Error(`${name} must be a JSON list`);
  }
  return parsed;
}

export function parseClientEntries(json: string): ClientEntry[] {
  return parseJsonList<ClientEntry>('Clients', json, (item) => typeof item?.serialNumber === 'string' && typeof item.revoked === 'boolean'
    && (item.secretArn === undefined || typeof item.secretArn === 'string'));
}

export function parseTrustedClients(json: string): TrustedClient[] {
  return parseJsonList<TrustedClient>('Clients', json, (item) => typeof item?.secretArn === 'string' && typeof item.serialNumber === 'string');
}
