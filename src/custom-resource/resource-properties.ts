/**
 * The contract between the endpoint construct and the settings handler. CloudFormation
 * delivers every property as a string, so both sides agree on the names here and the
 * handler parses them in one place.
 */

export const SETTINGS_RESOURCE_TYPE = 'Custom::ClientVpnEndpointSettings';

/** The properties as the construct writes them (keys as CloudFormation passes them on). */
export interface SettingsResourceProperties {
  readonly EndpointId: string;
  /** PEM text of the client certificate revocation list. */
  readonly CertificateRevocationList?: string;
  readonly ConfigurationBucket?: string;
  readonly ConfigurationKey?: string;
  /** The bucket's KMS key, when it has one: the object is encrypted with it. */
  readonly ConfigurationKmsKeyArn?: string;
  /**
   * Endpoint settings that change the client configuration; a change makes
   * CloudFormation send an Update, and the handler exports the file again.
   */
  readonly ConfigurationInputs?: string;
  /** JSON of the ModifyClientVpnEndpoint parameters, so numbers and booleans survive. */
  readonly ApiSettings?: string;
}

/** The properties, parsed. */
export interface SettingsRequest {
  readonly endpointId: string;
  readonly certificateRevocationList?: string;
  readonly configuration?: ConfigurationTarget;
  readonly configurationInputs?: string;
  readonly apiSettings: { [key: string]: unknown };
}

export interface ConfigurationTarget {
  readonly bucket: string;
  readonly key: string;
  readonly kmsKeyArn?: string;
}

/** The attributes the resource returns, readable with Fn::GetAtt. */
export const ATTRIBUTE_DNS_NAME = 'DnsName';
export const ATTRIBUTE_SELF_SERVICE_PORTAL_URL = 'SelfServicePortalUrl';

/** ModifyClientVpnEndpoint parameters the construct owns; never taken from `apiSettings`. */
export const RESERVED_API_SETTINGS = ['ClientVpnEndpointId', 'DryRun', 'ClientToken'];

/** Raised for properties the handler cannot use; its message reaches CloudFormation. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

function optionalString(raw: Record<string, unknown>, name: keyof SettingsResourceProperties): string | undefined {
  const value = raw[name];
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidPropertiesError(`${name} must be a string, got ${typeof value}`);
  }
  return value;
}

export function parseSettingsProperties(raw: unknown): SettingsRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidPropertiesError('ResourceProperties must be an object');
  }
  const props = raw as Record<string, unknown>;
  const endpointId = optionalString(props, 'EndpointId');
  if (!endpointId) {
    throw new InvalidPropertiesError('EndpointId is required');
  }
  const bucket = optionalString(props, 'ConfigurationBucket');
  const key = optionalString(props, 'ConfigurationKey');
  if ((bucket === undefined) !== (key === undefined)) {
    throw new InvalidPropertiesError('ConfigurationBucket and ConfigurationKey go together');
  }
  return {
    endpointId,
    certificateRevocationList: optionalString(props, 'CertificateRevocationList'),
    configuration: bucket && key ? { bucket, key, kmsKeyArn: optionalString(props, 'ConfigurationKmsKeyArn') } : undefined,
    configurationInputs: optionalString(props, 'ConfigurationInputs'),
    apiSettings: parseApiSettings(optionalString(props, 'ApiSettings')),
  };
}

function parseApiSettings(json: string | undefined): { [key: string]: unknown } {
  if (json === undefined) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidPropertiesError('ApiSettings must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidPropertiesError('ApiSettings must be a JSON object');
  }
  const reserved = Object.keys(parsed).filter((key) => RESERVED_API_SETTINGS.includes(key));
  if (reserved.length > 0) {
    throw new InvalidPropertiesError(`ApiSettings cannot set ${reserved.join(', ')}`);
  }
  return parsed as { [key: string]: unknown };
}
