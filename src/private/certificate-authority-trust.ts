import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ClientVpnClient } from '../client-vpn-client';
import { IssuingAuthority } from './issuing-authority';
import { TRUST_RESOURCE_TYPE, TrustProperties } from '../custom-resource/certificate-authority-properties';

/** What the trust needs of its endpoint. */
export interface TrustingEndpoint extends Construct {
  readonly endpointId: string;
  readonly endpointArn: string;
  /** @internal endpoint settings that the exported configuration depends on, as JSON */
  readonly _configurationInputs: string;
}

export interface CertificateAuthorityTrustProps {
  readonly issuer: IssuingAuthority;
  readonly revocationListNumber: string;
  /** Read at synthesis: clients added after the endpoint are included. */
  readonly clients: () => readonly ClientVpnClient[];
  readonly endpoint: TrustingEndpoint;
}

/**
 * An endpoint that trusts a certificate authority: the CA's CRL is imported into it and kept
 * current, and each client's secret gets the endpoint's `.ovpn`.
 */
export class CertificateAuthorityTrust extends Construct {
  public readonly endpointId: string;

  constructor(scope: Construct, id: string, props: CertificateAuthorityTrustProps) {
    super(scope, id);
    const { endpoint, issuer } = props;
    this.endpointId = endpoint.endpointId;
    const access = new iam.Policy(this, 'Access', {
      roles: [issuer.handlerRole],
      statements: [new iam.PolicyStatement({
        // The renewal exports the endpoint's list to import the one in force only where it differs.
        actions: [
          'ec2:ImportClientVpnClientCertificateRevocationList',
          'ec2:ExportClientVpnClientCertificateRevocationList',
          'ec2:ExportClientVpnClientConfiguration',
        ],
        resources: [endpoint.endpointArn],
      })],
    });
    const properties: TrustProperties = {
      CaSecretArn: issuer.caSecretArn,
      ClientVpnEndpointId: endpoint.endpointId,
      RevocationListNumber: props.revocationListNumber,
      ConfigurationInputs: endpoint._configurationInputs,
      Clients: Lazy.string({
        produce: () => Stack.of(this).toJsonString(props.clients().map((client) => ({
          secretArn: client.secret.secretArn,
          serialNumber: client._serialNumber,
        }))),
      }),
    };
    const resource = issuer.customResource(this, 'Resource', TRUST_RESOURCE_TYPE, { ...properties });
    resource.node.addDependency(access);
  }
}
