/**
 * A stateful Client VPN service: the endpoints, their target network associations, rules and
 * routes, settings, tags and CRL. CloudFormation's resource models call it directly (as
 * CloudFormation calls EC2); the handler reaches it over HTTP through fake-aws.ts.
 *
 * An endpoint's settings are kept as EC2 Query parameters named like the CloudFormation
 * properties (SessionTimeoutHours → '24', ClientLoginBannerOptions.Enabled → 'true', and
 * parameters EC2 does not model such as NewSetting → 'true'), so a template value, an
 * `ApiSettings` value and a ModifyClientVpnEndpoint parameter compare as the strings EC2 gets.
 */
import { randomBytes } from 'crypto';
import { setTimeout as sleep } from 'timers/promises';
import {
  ACCOUNT, Answer, ec2Error, ec2Success, flatten, queryList, QueryParams, queryStructures, topLevelNames, xmlEscape,
} from './wire';

/** The Client VPN quota of concurrent operations per endpoint (not adjustable). */
export const MAX_CONCURRENT_OPERATIONS = 10;
/** How long each CloudFormation-driven operation takes: long enough for concurrent ones to overlap. */
const OPERATION_MS = 15;

export interface LiveEndpoint {
  readonly id: string;
  status: 'pending-associate' | 'available' | 'deleted';
  readonly settings: Map<string, string>;
  readonly tags: Map<string, string>;
  /** Tags someone other than the stack put on the endpoint (tagByHand): the stack must leave them. */
  readonly tagsByHand: Map<string, string>;
  crl?: string;
}

export type AttachmentKind = 'association' | 'rule' | 'route';

export interface Attachment {
  readonly id: string;
  readonly kind: AttachmentKind;
  readonly endpointId: string;
  readonly properties: { readonly [name: string]: unknown };
}

/** EC2's answers when a parameter has no value: what DescribeClientVpnEndpoints reports. */
const DEFAULTS: { [name: string]: string } = {
  SessionTimeoutHours: '24',
  DisconnectOnSessionTimeout: 'false',
  SplitTunnel: 'false',
  VpnPort: '443',
  TransportProtocol: 'udp',
  SelfServicePortal: 'enabled',
  EndpointIpAddressType: 'ipv4',
  TrafficIpAddressType: 'ipv4',
};

/** ModifyClientVpnEndpoint parameter names that differ from the CloudFormation property names. */
const API_NAMES: Array<[RegExp, string]> = [
  [/^SecurityGroupId\.(\d+)$/, 'SecurityGroupIds.$1'],
  [/^DnsServers\.CustomDnsServers\.(\d+)$/, 'DnsServers.$1'],
];
const MODIFY_CONTROL = new Set(['Action', 'Version', 'ClientVpnEndpointId', 'DryRun', 'ClientToken']);
const VALID: { [name: string]: string[] } = {
  SessionTimeoutHours: ['8', '10', '12', '24'],
  VpnPort: ['443', '1194'],
  SelfServicePortal: ['enabled', 'disabled'],
  SplitTunnel: ['true', 'false'],
  DisconnectOnSessionTimeout: ['true', 'false'],
};
const MAX_TAGS = 50;

export class FakeEc2 {
  public readonly endpoints = new Map<string, LiveEndpoint>();
  public readonly attachments = new Map<string, Attachment>();
  /** The most operations ever in flight at once, per endpoint, since the last `resetConcurrency`. */
  public readonly maxInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly region: string) {}

  public arnOf(resourceId: string): string {
    const type = resourceId.startsWith('cvpn-endpoint-') ? 'client-vpn-endpoint' : 'resource';
    return `arn:aws:ec2:${this.region}:${ACCOUNT}:${type}/${resourceId}`;
  }

  /**
   * The ARNs of the live endpoints that use a certificate: as ServerCertificateArn, or as the
   * ClientRootCertificateChainArn of a mutual authentication option (what ACM reports as InUseBy).
   */
  public endpointsUsingCertificate(certificateArn: string): string[] {
    return [...this.endpoints.values()]
      .filter((endpoint) => endpoint.status !== 'deleted' && [...endpoint.settings].some(([key, value]) => value === certificateArn
        && (key === 'ServerCertificateArn' || key.endsWith('.ClientRootCertificateChainArn'))))
      .map((endpoint) => this.arnOf(endpoint.id));
  }

  public dnsNameOf(id: string): string {
    return `*.${id}.prod.clientvpn.${this.region}.amazonaws.com`;
  }

  public portalUrlOf(endpoint: LiveEndpoint): string | undefined {
    return setting(endpoint, 'SelfServicePortal') === 'enabled'
      ? `https://self-service.clientvpn.amazonaws.com/endpoints/${endpoint.id}` : undefined;
  }

  /** The client configuration ExportClientVpnClientConfiguration answers now: it follows the endpoint's state. */
  public clientConfiguration(endpoint: LiveEndpoint): string {
    return [
      'client',
      'dev tun',
      `proto ${setting(endpoint, 'TransportProtocol')}`,
      `remote ${this.dnsNameOf(endpoint.id).replace(/^\*\./, '')} ${setting(endpoint, 'VpnPort')}`,
      'remote-random-hostname',
      'resolv-retry infinite',
      'nobind',
      'remote-cert-tls server',
      `# ${endpoint.id} served with ${endpoint.settings.get('ServerCertificateArn') ?? 'no certificate'}`,
      '<ca>',
      '-----BEGIN CERTIFICATE-----',
      Buffer.from(`${endpoint.settings.get('ServerCertificateArn')}`).toString('base64'),
      '-----END CERTIFICATE-----',
      '</ca>',
      'reneg-sec 0',
      '',
    ].join('\n');
  }

  // --- What CloudFormation does -----------------------------------------------------------

  public createEndpoint(properties: { [name: string]: unknown }, tags: ReadonlyArray<{ Key: string; Value: string }>): LiveEndpoint {
    const endpoint: LiveEndpoint = {
      id: `cvpn-endpoint-${hex(17)}`, status: 'pending-associate', settings: new Map(), tags: new Map(), tagsByHand: new Map(),
    };
    this.setProperties(endpoint, properties);
    for (const { Key, Value } of tags) {
      endpoint.tags.set(Key, Value);
    }
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  /** Sets each property given; `undefined` removes it (EC2's default applies). */
  public setProperties(endpoint: LiveEndpoint, properties: { [name: string]: unknown }): void {
    for (const [name, value] of Object.entries(properties)) {
      this.replaceParameters(endpoint, name, flatten(value, name));
    }
  }

  public deleteEndpoint(id: string): void {
    const endpoint = this.liveEndpoint(id);
    if (!endpoint) {
      return;
    }
    if ([...this.attachments.values()].some((attachment) => attachment.endpointId === id && attachment.kind === 'association')) {
      throw new Error(`InvalidClientVpnEndpoint.InUse: ${id} still has target network associations; disassociate them first`);
    }
    for (const [attachmentId, attachment] of this.attachments) {
      if (attachment.endpointId === id) {
        this.attachments.delete(attachmentId);
      }
    }
    endpoint.status = 'deleted';
  }

  /** An association, rule or route: one of the endpoint's concurrent operations while it runs. */
  public async attach(kind: AttachmentKind, endpointId: string, properties: { [name: string]: unknown }): Promise<Attachment> {
    return this.operation(endpointId, () => {
      const endpoint = this.liveEndpoint(endpointId);
      if (!endpoint) {
        throw new Error(`InvalidClientVpnEndpointId.NotFound: The Client VPN endpoint ID '${endpointId}' does not exist`);
      }
      const attachment: Attachment = { id: `cvpn-${kind}-${hex(17)}`, kind, endpointId, properties };
      this.attachments.set(attachment.id, attachment);
      if (kind === 'association') {
        endpoint.status = 'available';
      }
      return attachment;
    });
  }

  public async detach(id: string): Promise<void> {
    const attachment = this.attachments.get(id);
    if (!attachment) {
      return;
    }
    await this.operation(attachment.endpointId, () => {
      this.attachments.delete(id);
      const endpoint = this.liveEndpoint(attachment.endpointId);
      if (endpoint && ![...this.attachments.values()].some((other) => other.endpointId === endpoint.id && other.kind === 'association')) {
        endpoint.status = 'pending-associate';
      }
    });
  }

  /** A tag put on the endpoint outside the stack, as a user in the console would. */
  public tagByHand(endpoint: LiveEndpoint, key: string, value: string): void {
    endpoint.tags.set(key, value);
    endpoint.tagsByHand.set(key, value);
  }

  public resetConcurrency(): void {
    this.maxInFlight.clear();
  }

  // --- The Query API the handler calls -----------------------------------------------------

  /** The resources an EC2 request acts on, for IAM: the endpoint's ARN, or `*` (no resource-level permissions). */
  public resourcesOf(action: string, params: QueryParams): string[] {
    if (params.ClientVpnEndpointId !== undefined && action !== 'DescribeClientVpnEndpoints') {
      return [this.arnOf(params.ClientVpnEndpointId)];
    }
    const ids = queryList(params, 'ResourceId');
    return ids.length > 0 ? ids.map((id) => this.arnOf(id)) : ['*'];
  }

  public handle(action: string, params: QueryParams): Answer {
    switch (action) {
      case 'DescribeClientVpnEndpoints': return this.describe(params);
      case 'ModifyClientVpnEndpoint': return this.withEndpoint(params, (endpoint) => this.modify(endpoint, params));
      case 'ImportClientVpnClientCertificateRevocationList':
        return this.withEndpoint(params, (endpoint) => {
          if (!params.CertificateRevocationList?.includes('-----BEGIN X509 CRL-----')) {
            return ec2Error(400, 'InvalidParameterValue', 'The certificate revocation list is not valid.');
          }
          endpoint.crl = params.CertificateRevocationList;
          return ec2Success(action, '<return>true</return>');
        });
      // The list last imported; an endpoint with none answers without one (EC2 API Reference,
      // ExportClientVpnClientCertificateRevocationList: certificateRevocationList, status code pending | active).
      case 'ExportClientVpnClientCertificateRevocationList':
        return this.withEndpoint(params, (endpoint) => ec2Success(action, endpoint.crl === undefined ? '' :
          `<certificateRevocationList>${xmlEscape(endpoint.crl)}</certificateRevocationList><status><code>active</code></status>`));
      case 'ExportClientVpnClientConfiguration':
        return this.withEndpoint(params, (endpoint) =>
          ec2Success(action, `<clientConfiguration>${xmlEscape(this.clientConfiguration(endpoint))}</clientConfiguration>`));
      case 'CreateTags':
        return this.tag(action, params, (endpoint, tags) => tags.forEach((tag) => endpoint.tags.set(tag.Key, tag.Value ?? '')));
      case 'DeleteTags': return this.tag(action, params, untag);
      default: return ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private async operation<T>(endpointId: string, apply: () => T): Promise<T> {
    const now = (this.inFlight.get(endpointId) ?? 0) + 1;
    this.inFlight.set(endpointId, now);
    this.maxInFlight.set(endpointId, Math.max(now, this.maxInFlight.get(endpointId) ?? 0));
    try {
      await sleep(OPERATION_MS);
      if (now > MAX_CONCURRENT_OPERATIONS) {
        throw new Error(`ConcurrentMutationLimitExceeded: ${endpointId} has ${now} operations in progress (at most ${MAX_CONCURRENT_OPERATIONS})`);
      }
      return apply();
    } finally {
      this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 1) - 1);
    }
  }

  private liveEndpoint(id: string | undefined): LiveEndpoint | undefined {
    const endpoint = id === undefined ? undefined : this.endpoints.get(id);
    return endpoint?.status === 'deleted' ? undefined : endpoint;
  }

  private withEndpoint(params: QueryParams, apply: (endpoint: LiveEndpoint) => Answer): Answer {
    const endpoint = this.liveEndpoint(params.ClientVpnEndpointId);
    return endpoint ? apply(endpoint) : notFound(params.ClientVpnEndpointId ?? '');
  }

  private describe(params: QueryParams): Answer {
    const ids = queryList(params, 'ClientVpnEndpointId');
    const missing = ids.find((id) => !this.endpoints.has(id));
    if (missing) {
      return notFound(missing);
    }
    const endpoints = ids.length > 0 ? ids.map((id) => this.endpoints.get(id)!) : [...this.endpoints.values()];
    return ec2Success('DescribeClientVpnEndpoints', `<clientVpnEndpoint>${endpoints.map((endpoint) => this.endpointXml(endpoint)).join('')}</clientVpnEndpoint>`);
  }

  private modify(endpoint: LiveEndpoint, params: QueryParams): Answer {
    const given = Object.entries(params).filter(([name]) => !MODIFY_CONTROL.has(name))
      .map(([name, value]): [string, string] => [API_NAMES.reduce((renamed, [pattern, to]) => renamed.replace(pattern, to), name), value]);
    for (const [name, value] of given) {
      if (VALID[name] && !VALID[name].includes(value)) {
        return ec2Error(400, 'InvalidParameterValue', `Invalid value '${value}' for ${name}. Valid values are ${VALID[name].join(', ')}`);
      }
    }
    for (const name of topLevelNames(given.map(([key]) => key))) {
      const parameters = given.filter(([key]) => key === name || key.startsWith(`${name}.`));
      // DnsServers.Enabled=false removes the servers (ModifyClientVpnEndpoint API reference).
      const removed = name === 'DnsServers' && params['DnsServers.Enabled'] === 'false';
      this.replaceParameters(endpoint, name, removed ? [] : parameters.filter(([key]) => key !== 'DnsServers.Enabled'));
    }
    return ec2Success('ModifyClientVpnEndpoint', '<return>true</return>');
  }

  private replaceParameters(endpoint: LiveEndpoint, name: string, parameters: Array<[string, string]>): void {
    for (const key of [...endpoint.settings.keys()]) {
      if (key === name || key.startsWith(`${name}.`)) {
        endpoint.settings.delete(key);
      }
    }
    for (const [key, value] of parameters) {
      endpoint.settings.set(key, value);
    }
  }

  private tag(action: string, params: QueryParams, apply: (endpoint: LiveEndpoint, tags: Tag[]) => void): Answer {
    const tags = queryStructures(params, 'Tag') as unknown as Tag[];
    const invalid = tags.find((tag) => !tag.Key || tag.Key.toLowerCase().startsWith('aws:') || tag.Key.length > 127 || (tag.Value ?? '').length > 256);
    if (invalid) {
      return ec2Error(400, 'InvalidParameterValue', `Tag key '${invalid.Key}' is not valid: keys are 1 to 127 characters and may not begin with 'aws:'`);
    }
    const ids = queryList(params, 'ResourceId');
    const endpoints = ids.map((id) => this.liveEndpoint(id));
    const missing = ids.find((_id, index) => !endpoints[index]);
    if (missing !== undefined || ids.length === 0) {
      return notFound(missing ?? '');
    }
    for (const endpoint of endpoints as LiveEndpoint[]) {
      apply(endpoint, tags);
      if ([...endpoint.tags.keys()].filter((key) => !key.startsWith('aws:')).length > MAX_TAGS) {
        return ec2Error(400, 'TagLimitExceeded', `The maximum number of tags (${MAX_TAGS}) for ${endpoint.id} has been exceeded`);
      }
    }
    return ec2Success(action, '<return>true</return>');
  }

  private endpointXml(endpoint: LiveEndpoint): string {
    const element = (name: string, value: string | undefined) => value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
    const structure = (name: string, prefix: string, members: string[]) => {
      const inner = members.map((member) => element(member[0].toLowerCase() + member.slice(1), endpoint.settings.get(`${prefix}.${member}`))).join('');
      return inner ? `<${name}>${inner}</${name}>` : '';
    };
    const list = (name: string, prefix: string) => {
      const items = [...endpoint.settings].filter(([key]) => new RegExp(`^${prefix}\\.\\d+$`).test(key)).map(([, value]) => `<item>${xmlEscape(value)}</item>`);
      return items.length > 0 ? `<${name}>${items.join('')}</${name}>` : '';
    };
    const tags = [...endpoint.tags].map(([key, value]) => `<item><key>${xmlEscape(key)}</key><value>${xmlEscape(value)}</value></item>`).join('');
    return '<item>'
      + element('clientVpnEndpointId', endpoint.id)
      + element('description', endpoint.settings.get('Description'))
      + `<status><code>${endpoint.status}</code></status>`
      + '<creationTime>2025-01-13T10:00:00</creationTime>'
      + element('dnsName', this.dnsNameOf(endpoint.id))
      + element('clientCidrBlock', endpoint.settings.get('ClientCidrBlock'))
      + list('dnsServer', 'DnsServers')
      + element('splitTunnel', setting(endpoint, 'SplitTunnel'))
      + '<vpnProtocol>openvpn</vpnProtocol>'
      + element('transportProtocol', setting(endpoint, 'TransportProtocol'))
      + element('vpnPort', setting(endpoint, 'VpnPort'))
      + element('serverCertificateArn', endpoint.settings.get('ServerCertificateArn'))
      + structure('connectionLogOptions', 'ConnectionLogOptions', ['Enabled', 'CloudwatchLogGroup', 'CloudwatchLogStream'])
      + (tags ? `<tagSet>${tags}</tagSet>` : '')
      + list('securityGroupIdSet', 'SecurityGroupIds')
      + element('vpcId', endpoint.settings.get('VpcId'))
      + element('selfServicePortalUrl', this.portalUrlOf(endpoint))
      + element('sessionTimeoutHours', setting(endpoint, 'SessionTimeoutHours'))
      + structure('clientLoginBannerOptions', 'ClientLoginBannerOptions', ['Enabled', 'BannerText'])
      + structure('clientRouteEnforcementOptions', 'ClientRouteEnforcementOptions', ['Enforced'])
      + element('disconnectOnSessionTimeout', setting(endpoint, 'DisconnectOnSessionTimeout'))
      + element('endpointIpAddressType', setting(endpoint, 'EndpointIpAddressType'))
      + element('trafficIpAddressType', setting(endpoint, 'TrafficIpAddressType'))
      + '</item>';
  }
}

/** A setting's value, or EC2's default when it has none. */
export function setting(endpoint: LiveEndpoint, name: string): string | undefined {
  return endpoint.settings.get(name) ?? DEFAULTS[name];
}

interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

/**
 * DeleteTags (EC2 API reference, Tag.N): a key without a value deletes the tag whatever its value;
 * a key with a value (even '') only when the value matches; no tags at all deletes every user tag.
 */
function untag(endpoint: LiveEndpoint, tags: Tag[]): void {
  if (tags.length === 0) {
    for (const key of [...endpoint.tags.keys()].filter((name) => !name.startsWith('aws:'))) {
      endpoint.tags.delete(key);
    }
  }
  for (const tag of tags) {
    if (tag.Value === undefined || endpoint.tags.get(tag.Key) === tag.Value) {
      endpoint.tags.delete(tag.Key);
    }
  }
}

function notFound(id: string): Answer {
  return ec2Error(400, 'InvalidClientVpnEndpointId.NotFound', `The Client VPN endpoint ID '${id}' does not exist`);
}

function hex(length: number): string {
  return randomBytes(length).toString('hex').slice(0, length);
}
