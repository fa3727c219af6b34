import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ClientVpnCertificateAuthority } from './client-vpn-certificate-authority';
import { ATTRIBUTE_SERIAL_NUMBER, AUTHORITY_TAG_KEY, CLIENT_RESOURCE_TYPE, ClientProperties } from './custom-resource/certificate-authority-properties';
import { validateClientOptions } from './private/certificate-authority-validation';
import { rejectConstruct } from './private/construct-rejection';
import { acknowledgeNagFinding } from './private/nag-acknowledgements';
import { Caution, isUnresolved, warnAbout } from './private/validation';

/** Above the default of `Tags.of(...).add()` (100), so an app's own tag of the same key cannot take the handler's access away. */
const AUTHORITY_TAG_PRIORITY = 1000;

export interface ClientVpnClientOptions {
  /**
   * The certificate's subject common name, at most 64 characters: Client VPN's connection logs
   * name the client by it.
   *
   * @default - the construct id
   */
  readonly commonName?: string;

  /**
   * Puts the certificate on the CA's revocation list, imported into every endpoint that trusts
   * the CA on the next deploy: the client can no longer connect. `false` again takes it off.
   *
   * @default false
   */
  readonly revoked?: boolean;

  /**
   * The certificate's validity, in whole days; a certificate never outlives its CA.
   *
   * @default - the CA's `clientCertificateValidity`
   */
  readonly validity?: Duration;

  /**
   * A PEM PKCS #10 certificate signing request with an RSA key of 1024 or 2048 bits: the CA signs
   * it, and no private key is made or stored; the user adds their own key to the `.ovpn`.
   *
   * @default - the handler makes the key and keeps it in the client's secret
   */
  readonly certificateSigningRequest?: string;
}

/**
 * One user's client certificate, issued by a `ClientVpnCertificateAuthority`. Its secret holds
 * JSON: `certificate`, `privateKey` (absent for a signing request), `caCertificate`, and
 * `configurations`, an object from each trusting endpoint's id to its `.ovpn` with the
 * certificate and key inline. Create it with `ca.addClient()`.
 */
export class ClientVpnClient extends Construct {
  /** The certificate's subject common name. */
  public readonly commonName: string;
  /** Whether the certificate is on the CA's revocation list. */
  public readonly revoked: boolean;
  /** The client's secret; only the certificate authority's handler writes it. */
  public readonly secret: secretsmanager.ISecret;
  /** @internal the certificate's serial number, known once deployed */
  public readonly _serialNumber: string;

  constructor(authority: ClientVpnCertificateAuthority, id: string, options: ClientVpnClientOptions = {}) {
    super(authority, id);
    const cautions: Caution[] = [];
    try {
      const validityDays = validateClientOptions(options);
      this.commonName = options.commonName ?? id;
      this.revoked = options.revoked ?? false;
      const sameName = authority._clients.find((client) => client.commonName === this.commonName);
      if (sameName && !isUnresolved(this.commonName)) {
        cautions.push({
          rule: 'duplicateClientCommonName',
          prop: 'commonName',
          advice: `is also ${sameName.node.path}'s: Client VPN's connection logs would not tell the two apart`,
          value: this.commonName,
        });
      }
      const issuer = authority._issue(this);
      const secret = new secretsmanager.Secret(this, 'Secret', {
        description: `cdk-client-vpn: the client certificate and key of ${this.node.path}`,
        encryptionKey: issuer.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      acknowledgeNagFinding(secret, 'AwsSolutions-SMG4',
        'The secret holds a client certificate issued by the certificate authority handler; a new certificate comes from changing the client, not from rotation.');
      this.secret = secret;
      // The handler may read and write the secrets that carry its CA's tag.
      Tags.of(secret).add(AUTHORITY_TAG_KEY, issuer.authorityTag, { priority: AUTHORITY_TAG_PRIORITY });
      const properties: ClientProperties = {
        CaSecretArn: issuer.caSecretArn,
        ClientSecretArn: secret.secretArn,
        CommonName: this.commonName,
        ValidityDays: String(validityDays ?? issuer.clientCertificateValidityDays),
        CertificateSigningRequest: options.certificateSigningRequest,
        Authority: issuer.certificateArn,
      };
      const resource = issuer.customResource(this, 'Resource', CLIENT_RESOURCE_TYPE, { ...properties } as { [name: string]: string });
      this._serialNumber = resource.getAttString(ATTRIBUTE_SERIAL_NUMBER);
    } catch (error) {
      throw rejectConstruct(this, error);
    }
    warnAbout(this.node.path, this.node.defaultChild as Construct, cautions);
  }

  /** Lets `grantee` read this client's secret, and nothing else: hand a user their own `.ovpn`. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}
