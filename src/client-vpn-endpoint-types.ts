import { IResource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IDependable } from 'constructs';
import type { ClientVpnRoute, ClientVpnRouteOptions } from './client-vpn-route';
import type { IngressAuthorization, IngressAuthorizationOptions } from './ingress-authorization';
import { invalid, requireNonEmptyString } from './private/validation';

/** The transport protocol of the VPN session. */
export enum TransportProtocol {
  /** Transmission Control Protocol. */
  TCP = 'tcp',
  /** User Datagram Protocol (the AWS default). */
  UDP = 'udp',
}

/** The port clients connect to. */
export enum VpnPort {
  /** Port 443 (the AWS default). */
  HTTPS = 443,
  /** Port 1194, OpenVPN's registered port. */
  OPENVPN = 1194,
}

/** The maximum length of a VPN session. */
export enum SessionTimeout {
  /** 8 hours. */
  EIGHT_HOURS = 8,
  /** 10 hours. */
  TEN_HOURS = 10,
  /** 12 hours. */
  TWELVE_HOURS = 12,
  /** 24 hours (the AWS default). */
  TWENTY_FOUR_HOURS = 24,
}

/** The IP address family of the endpoint or of the traffic in the tunnel. */
export enum IpAddressType {
  /** IPv4 only (the AWS default). */
  IPV4 = 'ipv4',
  /** IPv6 only. */
  IPV6 = 'ipv6',
  /** Both IPv4 and IPv6. */
  DUAL_STACK = 'dual-stack',
}

// Directory Service ids: 'd-' and ten hexadecimal digits.
const DIRECTORY_ID = /^d-[0-9a-f]{10}$/i;

/** User-based authentication for a Client VPN endpoint: Active Directory or SAML federation. */
export abstract class ClientVpnUserAuthentication {
  /**
   * Active Directory authentication through AWS Directory Service.
   *
   * @param directoryId the id of the directory, such as `d-1234567890`
   */
  public static activeDirectory(directoryId: string): ClientVpnUserAuthentication {
    requireNonEmptyString('directoryId', directoryId);
    if (!Token.isUnresolved(directoryId) && !DIRECTORY_ID.test(directoryId)) {
      throw invalid('directoryId', "must be a Directory Service id: 'd-' followed by 10 hexadecimal digits", directoryId);
    }
    return new ActiveDirectoryAuthentication(directoryId);
  }

  /**
   * Federated authentication through a SAML 2.0 identity provider.
   *
   * @param samlProvider the IAM SAML identity provider users sign in with
   * @param selfServiceSamlProvider the IAM SAML identity provider of the self-service portal
   */
  public static federated(samlProvider: iam.ISamlProvider, selfServiceSamlProvider?: iam.ISamlProvider): ClientVpnUserAuthentication {
    if (!samlProvider?.samlProviderArn) {
      throw invalid('samlProvider', 'must be an IAM SAML provider', samlProvider);
    }
    if (selfServiceSamlProvider !== undefined && !selfServiceSamlProvider?.samlProviderArn) {
      throw invalid('selfServiceSamlProvider', 'must be an IAM SAML provider', selfServiceSamlProvider);
    }
    return new FederatedAuthentication(samlProvider, selfServiceSamlProvider);
  }

  /** @internal */
  public abstract _render(): ec2.CfnClientVpnEndpoint.ClientAuthenticationRequestProperty;

  /** True when the self-service portal has its own SAML provider. @internal */
  public abstract _hasSelfServiceProvider(): boolean;
}

class ActiveDirectoryAuthentication extends ClientVpnUserAuthentication {
  constructor(private readonly directoryId: string) {
    super();
  }

  public _render(): ec2.CfnClientVpnEndpoint.ClientAuthenticationRequestProperty {
    return { type: 'directory-service-authentication', activeDirectory: { directoryId: this.directoryId } };
  }

  public _hasSelfServiceProvider(): boolean {
    return false;
  }
}

class FederatedAuthentication extends ClientVpnUserAuthentication {
  constructor(private readonly samlProvider: iam.ISamlProvider, private readonly selfServiceSamlProvider?: iam.ISamlProvider) {
    super();
  }

  public _render(): ec2.CfnClientVpnEndpoint.ClientAuthenticationRequestProperty {
    return {
      type: 'federated-authentication',
      federatedAuthentication: {
        samlProviderArn: this.samlProvider.samlProviderArn,
        selfServiceSamlProviderArn: this.selfServiceSamlProvider?.samlProviderArn,
      },
    };
  }

  public _hasSelfServiceProvider(): boolean {
    return this.selfServiceSamlProvider !== undefined;
  }
}

/**
 * A Client VPN endpoint, defined in this app or imported. It is also an aws-cdk-lib
 * `ec2.IClientVpnEndpointRef`, so aws-cdk-lib's own Client VPN constructs accept it.
 */
export interface IClientVpnEndpoint extends IResource, ec2.IConnectable, ec2.IClientVpnEndpointRef {
  /**
   * The endpoint's id.
   * @attribute
   */
  readonly endpointId: string;

  /**
   * The endpoint's ARN.
   * @attribute
   */
  readonly endpointArn: string;

  /** Completes when every target network is associated; rules and routes depend on it. */
  readonly targetNetworksAssociated: IDependable;

  /** Authorizes clients to reach a network. */
  addIngressAuthorization(id: string, options: IngressAuthorizationOptions): IngressAuthorization;

  /** Adds a route to the endpoint's route table. */
  addRoute(id: string, options: ClientVpnRouteOptions): ClientVpnRoute;

  /** A metric of this endpoint in the `AWS/ClientVPN` namespace, dimension `Endpoint`. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * The number of active client connections.
   * @default - average over 5 minutes
   */
  metricActiveConnectionsCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * The number of failed authentications.
   * @default - sum over 5 minutes
   */
  metricAuthenticationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Days until the imported client certificate revocation list expires.
   * @default - minimum over 1 hour
   */
  metricCrlDaysToExpiry(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Bytes received from clients.
   * @default - sum over 5 minutes
   */
  metricIngressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Bytes sent to clients.
   * @default - sum over 5 minutes
   */
  metricEgressBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Packets received from clients.
   * @default - sum over 5 minutes
   */
  metricIngressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Packets sent to clients.
   * @default - sum over 5 minutes
   */
  metricEgressPackets(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Client configuration downloads from the self-service portal.
   * @default - sum over 5 minutes
   */
  metricSelfServicePortalClientConfigurationDownloads(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * An alarm that fires when the client certificate revocation list is about to expire:
   * an expired list makes the endpoint refuse every connection.
   */
  addCrlExpiryAlarm(id: string, options?: CrlExpiryAlarmOptions): cloudwatch.Alarm;
}

/** Options of `addCrlExpiryAlarm`. */
export interface CrlExpiryAlarmOptions {
  /**
   * The alarm fires when fewer days than this are left.
   * @default 7
   */
  readonly thresholdDays?: number;

  /**
   * The alarm's name.
   * @default - generated
   */
  readonly alarmName?: string;

  /**
   * The alarm's description.
   * @default - says which endpoint's list expires and what that does
   */
  readonly alarmDescription?: string;
}

/** What is needed to use an endpoint defined elsewhere. */
export interface ClientVpnEndpointAttributes {
  /** The endpoint's id, such as `cvpn-endpoint-0123456789abcdef0`. */
  readonly endpointId: string;

  /**
   * The security groups applied to the endpoint's target networks.
   * @default - none: `connections` allows nothing
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** A Cedar authorization policy evaluated for every connection. */
export interface ClientVpnAuthorizationPolicy {
  /** The policy, in the Cedar policy language. */
  readonly policyDocument: string;

  /**
   * A description of the policy.
   * @default - none
   */
  readonly description?: string;

  /**
   * Evaluates and logs the policy without enforcing it, to try it out.
   * @default false
   */
  readonly shadowMode?: boolean;
}

/** A device-posture trust provider kind. */
export class DevicePostureTrustProviderType {
  /** CrowdStrike; needs a public signing key URL. */
  public static readonly CROWDSTRIKE = new DevicePostureTrustProviderType('crowdstrike', true);
  /** JumpCloud; needs a public signing key URL. */
  public static readonly JUMPCLOUD = new DevicePostureTrustProviderType('jumpcloud', true);
  /** Jamf; takes no public signing key URL. */
  public static readonly JAMF = new DevicePostureTrustProviderType('jamf', false);

  /**
   * A provider kind this library does not know yet.
   * @param value the API's name for it
   * @param requiresPublicSigningKeyUrl whether the provider needs `publicSigningKeyUrl`
   */
  public static custom(value: string, requiresPublicSigningKeyUrl?: boolean): DevicePostureTrustProviderType {
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) {
      throw invalid('value', 'must be the API\'s name for the trust provider kind', value);
    }
    return new DevicePostureTrustProviderType(value, requiresPublicSigningKeyUrl);
  }

  private constructor(
    /** The API's name for the provider kind. */
    public readonly value: string,
    /** Whether the provider needs a public signing key URL; undefined when unknown. */
    public readonly requiresPublicSigningKeyUrl?: boolean,
  ) {}
}

/** A trust provider that vouches for the posture of client devices. */
export interface DevicePostureTrustProvider {
  /** The kind of provider. */
  readonly type: DevicePostureTrustProviderType;

  /** Your tenant's id at the provider. */
  readonly tenantId: string;

  /**
   * The URL of the provider's public signing key: required by CrowdStrike and JumpCloud, rejected by Jamf.
   * @default - none
   */
  readonly publicSigningKeyUrl?: string;
}

/** Device-posture checks for connecting clients. */
export interface DevicePostureOptions {
  /** The providers device posture is checked with: at least one. */
  readonly trustProviders: DevicePostureTrustProvider[];

  /**
   * Whether the checks are enforced.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Attaches the endpoint to a transit gateway. */
export interface ClientVpnTransitGatewayConfiguration {
  /** The transit gateway's id, such as `tgw-0123456789abcdef0`. */
  readonly transitGatewayId: string;

  /**
   * The Availability Zones, by name.
   * @default - none
   */
  readonly availabilityZones?: string[];

  /**
   * The Availability Zones, by id (such as `use1-az1`).
   * @default - none
   */
  readonly availabilityZoneIds?: string[];
}
