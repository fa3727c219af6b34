import { ArnFormat, Aws, CustomResource, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ClientVpnClient, ClientVpnClientOptions } from './client-vpn-client';
import {
  ATTRIBUTE_CERTIFICATE_ARN,
  ATTRIBUTE_REVOCATION_LIST_NUMBER,
  AUTHORITY_RESOURCE_TYPE,
  AUTHORITY_TAG_KEY,
  AuthorityProperties,
  RenewalEvent,
  REVOCATION_LIST_RESOURCE_TYPE,
  RevocationListProperties,
} from './custom-resource/certificate-authority-properties';
import { certificateAuthorityHandler, CERTIFICATE_AUTHORITY_SERVICE_TIMEOUT } from './private/certificate-authority-handler';
import { CertificateAuthorityTrust, TrustingEndpoint } from './private/certificate-authority-trust';
import { CertificateAuthorityDefaults, validateCertificateAuthority } from './private/certificate-authority-validation';
import { rejectConstruct } from './private/construct-rejection';
import { IssuingAuthority } from './private/issuing-authority';
import { acknowledgeNagFinding, nagResourceName } from './private/nag-acknowledgements';
import { applyPropertyInjectors } from './private/property-injection';
import { Caution, warnAbout } from './private/validation';

export interface ClientVpnCertificateAuthorityProps {
  /**
   * The CA certificate's subject common name, at most 64 characters. It cannot change once the CA exists.
   *
   * @default - `Client VPN CA ` and a hash of the construct's path
   */
  readonly commonName?: string;

  /**
   * The server certificate's DNS name, in its subject CN and its subject alternative names: ACM
   * and Client VPN need a domain name. Clients do not resolve it; they connect to the endpoint's DNS name.
   *
   * @default 'server.client-vpn.internal'
   */
  readonly serverDomainName?: string;

  /**
   * The CA certificate's validity, in whole days. It cannot change once the CA exists; no
   * certificate it issues outlives it.
   *
   * @default Duration.days(3650)
   */
  readonly validity?: Duration;

  /**
   * The validity of each client certificate, in whole days, unless the client gives its own. A
   * change issues a new certificate to every such client (the old ones are revoked).
   *
   * @default Duration.days(730)
   */
  readonly clientCertificateValidity?: Duration;

  /**
   * The validity of each signed CRL, in whole days. The renewal schedule signs and imports a new
   * one once less than half of it remains: an expired CRL refuses every connection.
   *
   * @default Duration.days(180)
   */
  readonly revocationListValidity?: Duration;

  /**
   * When the CRL and the server certificate are renewed, if they need it. Each CRL import resets
   * every connection of the endpoint, so choose a quiet hour.
   *
   * @default - Sundays at 03:00 UTC
   */
  readonly renewalSchedule?: events.Schedule;

  /**
   * Encrypts every secret that holds a private key: the CA's and the clients'.
   *
   * @default - the AWS managed key `aws/secretsmanager`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the CA key's secret when the CA leaves the stack. The clients' secrets are
   * always deleted with their clients, whose certificates the CRL then revokes.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A certificate authority for mutual TLS, made inside AWS: its key lives only in a Secrets Manager
 * secret that only its handler writes. It issues the server certificate (imported into ACM), a
 * certificate per client, and the CRL that every endpoint trusting it imports.
 *
 * @example
 * const ca = new ClientVpnCertificateAuthority(stack, 'CertificateAuthority');
 * new ClientVpnEndpoint(stack, 'Endpoint', {
 *   vpc,
 *   clientCidrBlock: '10.100.0.0/22',
 *   serverCertificate: ca.serverCertificate,
 *   clientRootCertificate: ca.clientRootCertificate,
 * });
 * const alice = ca.addClient('alice');
 * ca.addClient('bob', { revoked: true });
 * alice.grantRead(new iam.User(stack, 'Alice'));
 */
export class ClientVpnCertificateAuthority extends Construct {
  /** Uniquely identifies this class for property injection. */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-client-vpn.ClientVpnCertificateAuthority';

  /** @internal the authority an endpoint's client root certificate belongs to, if any */
  public static _trustedThrough(certificate: acm.ICertificate | undefined): ClientVpnCertificateAuthority | undefined {
    return certificate ? AUTHORITIES.get(certificate) : undefined;
  }

  /** The server certificate, issued by the CA and imported into ACM with the CA as its chain. */
  public readonly serverCertificate: acm.ICertificate;
  /** What an endpoint trusts for client certificates: the same ACM certificate, whose chain is the CA. */
  public readonly clientRootCertificate: acm.ICertificate;

  private readonly secret: secretsmanager.Secret;
  private readonly handlerRole: iam.IRole;
  private readonly access: iam.Policy;
  private readonly settings: CertificateAuthorityDefaults;
  private readonly encryptionKey?: kms.IKey;
  private readonly clients: ClientVpnClient[] = [];
  private readonly trusts: CertificateAuthorityTrust[] = [];
  private readonly revocationList: CustomResource;
  private readonly authorityTag: string;

  constructor(scope: Construct, id: string, props: ClientVpnCertificateAuthorityProps = {}) {
    super(scope, id);
    let cautions: Caution[];
    try {
      props = applyPropertyInjectors(ClientVpnCertificateAuthority.PROPERTY_INJECTION_ID, props, scope, id);
      ({ settings: this.settings, cautions } = validateCertificateAuthority(props, `Client VPN CA ${this.node.addr.slice(0, 8)}`));
      this.encryptionKey = props.encryptionKey;
      const stack = Stack.of(this);
      const handler = certificateAuthorityHandler(stack);
      this.handlerRole = handler.role!;
      this.secret = new secretsmanager.Secret(this, 'Secret', {
        description: `cdk-client-vpn: the key and certificate of the certificate authority ${this.node.path}`,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      });
      // Rotation would replace the key with a random string: the handler is the only writer.
      acknowledgeNagFinding(this.secret, 'AwsSolutions-SMG4',
        'The secret holds a CA key made by the certificate authority handler; the CRL revokes, and a new CA replaces, what rotation would.');
      // Only the handler reads or writes the CA key, whatever else the account's policies grant.
      this.secret.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.handlerRole.roleArn } },
      }));
      this.authorityTag = authorityTagOf(this);
      const authorityTag = this.authorityTag;
      const certificates = stack.formatArn({ service: 'acm', resource: 'certificate', resourceName: '*' });
      this.access = new iam.Policy(this, 'Access', {
        roles: [this.handlerRole],
        statements: [...secretStatements(this.secret, stack, authorityTag), ...certificateStatements(certificates, authorityTag)],
      });
      acknowledgeNagFinding(this.access, 'AwsSolutions-IAM5',
        'ACM makes the certificate ARN on import; the statements allow only certificates tagged as this CA\'s.',
        nagResourceName(stack, certificates), /^Resource::arn:.*:acm:.*:certificate\/\*$/);
      acknowledgeNagFinding(this.access, 'AwsSolutions-IAM5',
        'The statement allows only the secrets tagged as this CA\'s clients, so the policy stays one size however many clients there are.',
        nagResourceName(stack, clientSecrets(stack)), /^Resource::arn:.*:secretsmanager:.*:secret:\*$/);
      if (props.encryptionKey) {
        this.access.addStatements(new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
        }));
      }

      const authorityProperties: AuthorityProperties = {
        CaSecretArn: this.secret.secretArn,
        CommonName: this.settings.commonName,
        ServerDomainName: this.settings.serverDomainName,
        ValidityDays: String(this.settings.validityDays),
        ServerCertificateValidityDays: String(this.settings.serverCertificateValidityDays),
        AuthorityTag: authorityTag,
      };
      const authority = this.customResource(this, 'Resource', AUTHORITY_RESOURCE_TYPE, { ...authorityProperties });
      const certificateArn = authority.getAttString(ATTRIBUTE_CERTIFICATE_ARN);
      this.serverCertificate = acm.Certificate.fromCertificateArn(this, 'ServerCertificate', certificateArn);
      this.clientRootCertificate = acm.Certificate.fromCertificateArn(this, 'ClientRootCertificate', certificateArn);
      AUTHORITIES.set(this.serverCertificate, this);
      AUTHORITIES.set(this.clientRootCertificate, this);

      const revocationListProperties: RevocationListProperties = {
        CaSecretArn: this.secret.secretArn,
        ValidityDays: String(this.settings.revocationListValidityDays),
        Clients: Lazy.string({
          produce: () => stack.toJsonString(this.clients.map((client) => ({
            serialNumber: client._serialNumber,
            revoked: client.revoked,
            secretArn: client.secret.secretArn,
          }))),
        }),
      };
      this.revocationList = this.customResource(this, 'RevocationList', REVOCATION_LIST_RESOURCE_TYPE, { ...revocationListProperties });
      // Clients are issued by the CA: the authority must exist first.
      this.revocationList.node.addDependency(authority);

      this.scheduleRenewal(props.renewalSchedule, certificateArn);
    } catch (error) {
      throw rejectConstruct(this, error);
    }
    warnAbout(this.node.path, this.secret, cautions);
  }

  /**
   * Issues a client certificate: its key is made by the handler and kept only in the client's
   * secret, or, with `certificateSigningRequest`, the request is signed and no key is made.
   */
  public addClient(id: string, options: ClientVpnClientOptions = {}): ClientVpnClient {
    return new ClientVpnClient(this, id, options);
  }

  /** @internal registers a client; returns what it needs of this CA */
  public _issue(client: ClientVpnClient): IssuingAuthority {
    this.clients.push(client);
    return this._issuer();
  }

  /** @internal */
  public _issuer(): IssuingAuthority {
    return {
      caSecretArn: this.secret.secretArn,
      authority: this.node.defaultChild as CustomResource,
      certificateArn: this.clientRootCertificate.certificateArn,
      clientCertificateValidityDays: this.settings.clientCertificateValidityDays,
      encryptionKey: this.encryptionKey,
      handlerRole: this.handlerRole,
      customResource: (scope, id, resourceType, properties) => this.customResource(scope, id, resourceType, properties),
      authorityTag: this.authorityTag,
    };
  }

  /** @internal the clients issued so far */
  public get _clients(): readonly ClientVpnClient[] {
    return this.clients;
  }

  /** @internal called by an endpoint whose client root certificate is this CA's */
  public _trust(endpoint: TrustingEndpoint): void {
    const trust = new CertificateAuthorityTrust(endpoint, 'CertificateAuthorityTrust', {
      issuer: this._issuer(),
      revocationListNumber: this.revocationList.getAttString(ATTRIBUTE_REVOCATION_LIST_NUMBER),
      clients: () => this.clients,
      endpoint,
    });
    // Trusts write the same client secrets: one at a time.
    const previous = this.trusts[this.trusts.length - 1];
    if (previous) {
      trust.node.addDependency(previous);
    }
    this.trusts.push(trust);
  }

  private customResource(scope: Construct, id: string, resourceType: string, properties: { [name: string]: string }): CustomResource {
    const handler = certificateAuthorityHandler(Stack.of(this));
    const resource = new CustomResource(scope, id, {
      resourceType,
      serviceToken: handler.functionArn,
      properties,
      serviceTimeout: CERTIFICATE_AUTHORITY_SERVICE_TIMEOUT,
    });
    // The function and its permissions must be in place before it runs, and stay until its Delete has run.
    resource.node.addDependency(handler, this.handlerRole, this.access);
    return resource;
  }

  private scheduleRenewal(schedule: events.Schedule | undefined, certificateArn: string): void {
    const renewal: RenewalEvent = {
      Renewal: {
        CaSecretArn: this.secret.secretArn,
        CertificateArn: certificateArn,
        ServerDomainName: this.settings.serverDomainName,
        ServerCertificateValidityDays: String(this.settings.serverCertificateValidityDays),
        RevocationListValidityDays: String(this.settings.revocationListValidityDays),
        ClientVpnEndpointIds: Lazy.list({ produce: () => this.trusts.map((trust) => trust.endpointId) }),
      },
    };
    const rule = new events.Rule(this, 'Renewal', {
      description: `cdk-client-vpn: renews the CRL and server certificate of ${this.node.path} before they expire`,
      schedule: schedule ?? events.Schedule.cron({ weekDay: 'SUN', hour: '3', minute: '0' }),
    });
    rule.addTarget(new targets.LambdaFunction(certificateAuthorityHandler(Stack.of(this)), {
      event: events.RuleTargetInput.fromObject(renewal),
      // The next run tries again; a renewal is due long before anything expires.
      retryAttempts: 2,
    }));
  }
}

/**
 * The value of the CA's tag on its ACM certificate and its clients' secrets, which the handler's
 * grants require: unique in the account, also across deployments of one app under other stack
 * names (the stack's id), and within the stack (a hash of the CA's path). At most 230 characters.
 */
function authorityTagOf(authority: Construct): string {
  return `${Aws.STACK_ID}/${authority.node.addr.slice(0, 8)}`;
}

/**
 * The CA's secret by its ARN; its clients' secrets by their tag, which CloudFormation puts on each
 * when it creates it: a policy naming every client would outgrow IAM's 10,240 characters for a
 * role's inline policies after about a hundred clients.
 */
function secretStatements(caSecret: secretsmanager.ISecret, stack: Stack, authorityTag: string): iam.PolicyStatement[] {
  const actions = ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'];
  return [
    new iam.PolicyStatement({ actions, resources: [caSecret.secretArn] }),
    new iam.PolicyStatement({
      actions,
      resources: [clientSecrets(stack)],
      conditions: { StringEquals: { [`aws:ResourceTag/${AUTHORITY_TAG_KEY}`]: authorityTag } },
    }),
  ];
}

function clientSecrets(stack: Stack): string {
  return stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * ACM's resource-level permissions for a CA's own certificate: a new import must carry its tag,
 * and a re-import or delete must find it ("Tag-based access control", ACM User Guide).
 */
function certificateStatements(certificates: string, authorityTag: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['acm:ImportCertificate', 'acm:AddTagsToCertificate'],
      resources: [certificates],
      conditions: { StringEquals: { [`aws:RequestTag/${AUTHORITY_TAG_KEY}`]: authorityTag } },
    }),
    new iam.PolicyStatement({
      actions: ['acm:ImportCertificate', 'acm:DescribeCertificate', 'acm:DeleteCertificate'],
      resources: [certificates],
      conditions: { StringEquals: { [`aws:ResourceTag/${AUTHORITY_TAG_KEY}`]: authorityTag } },
    }),
  ];
}

/** Which authority a certificate object was made by; a weak map, so apps that drop a CA keep no reference to it. */
const AUTHORITIES = new WeakMap<acm.ICertificate, ClientVpnCertificateAuthority>();
