/**
 * The contract between the endpoint construct and the settings handler. The construct
 * writes every property as a string, so both sides agree on the names here and the
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
  /**
   * The endpoint's self-service portal setting, unused by the handler: a change makes
   * CloudFormation send an Update, which reads the portal URL again.
   */
  readonly SelfServicePortal?: string;
  /** JSON of the endpoint's tags, `[{ "Key": ..., "Value": ... }]`, applied without replacing it. */
  readonly Tags?: string;
}

/** The properties, parsed. */
export interface SettingsRequest {
  readonly endpointId: string;
  /** The client certificate revocation list (PEM). */
  readonly crl?: string;
  readonly configuration?: ConfigurationTarget;
  readonly configurationInputs?: string;
  readonly apiSettings: { [key: string]: unknown };
  readonly tags: Tag[];
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface ConfigurationTarget {
  readonly bucket: string;
  readonly key: string;
  readonly kmsKeyArn?: string;
}

/** Object metadata naming the resource that wrote an exported file, and for which endpoint. */
export const OWNER_METADATA = 'cdk-client-vpn-owner';
export const ENDPOINT_METADATA = 'cdk-client-vpn-endpoint';

/** The attributes the resource returns, readable with Fn::GetAtt. */
export const ATTRIBUTE_DNS_NAME = 'DnsName';
export const ATTRIBUTE_SELF_SERVICE_PORTAL_URL = 'SelfServicePortalUrl';
export const ATTRIBUTE_TRANSIT_GATEWAY_ATTACHMENT_ID = 'TransitGatewayAttachmentId';

/** ModifyClientVpnEndpoint parameters the construct owns; never taken from `apiSettings`. */
export const RESERVED_API_SETTINGS = ['ClientVpnEndpointId', 'DryRun', 'ClientToken'];

export function parseSettingsProperties(raw: unknown): SettingsRequest {
  const props: { [name: string]: string | undefined } = {};
  // Anything but an object has no EndpointId, and is rejected for that.
  for (const [name, value] of Object.entries(Object(raw))) {
    if (typeof value !== 'string') {
      throw new Error(`${name} must be a string`);
    }
    props[name] = value || undefined;
  }
  const {
    EndpointId: endpointId,
    ConfigurationBucket: bucket,
    ConfigurationKey: key,
    ConfigurationKmsKeyArn: kmsKeyArn,
    ApiSettings: apiSettings = '{}',
    Tags: tags = '[]',
  } = props as Partial<SettingsResourceProperties>;
  if (!endpointId) {
    throw new Error('EndpointId is required');
  }
  if (!bucket !== !key) {
    throw new Error('ConfigurationBucket and ConfigurationKey go together');
  }
  return {
    endpointId,
    crl: props.CertificateRevocationList,
    configuration: bucket && key ? { bucket, key, kmsKeyArn } : undefined,
    configurationInputs: props.ConfigurationInputs,
    apiSettings: parseApiSettings(apiSettings),
    tags: parseTags(tags),
  };
}

function parseTags(json: string): Tag[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Reported below, as any other value that is not a list of tags.
  }
  const isTag = (tag: Partial<Tag> | null) => typeof tag?.Key === 'string' && typeof tag.Value === 'string';
  if (!Array.isArray(parsed) || !parsed.every(isTag)) {
    throw new Error('Tags must be a JSON list of { Key, Value }');
  }
  return parsed;
}

function parseApiSettings(json: string): { [key: string]: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Reported below, as any other value that is not an object.
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('ApiSettings must be a JSON object');
  }
  const reserved = Object.keys(parsed).filter((key) => RESERVED_API_SETTINGS.includes(key));
  if (reserved.length > 0) {
    throw new Error(`ApiSettings cannot set ${reserved}`);
  }
  return parsed as { [key: string]: unknown };
}
