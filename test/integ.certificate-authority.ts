// Mutual TLS with no certificate made by hand: the library's certificate authority, an endpoint
// that trusts it and three clients, one revoked. It deploys as it is (nothing to import into ACM
// first); `npm run integ` checks the snapshot offline.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClientVpnCertificateAuthority, ClientVpnEndpoint } from '../src';

const app = new App();
const stack = new Stack(app, 'ClientVpnCertificateAuthorityIntegStack');

const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 0 });
const ca = new ClientVpnCertificateAuthority(stack, 'CertificateAuthority', { serverDomainName: 'vpn.integ.internal' });
new ClientVpnEndpoint(stack, 'Endpoint', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  serverCertificate: ca.serverCertificate,
  clientRootCertificate: ca.clientRootCertificate,
  clientCidrBlock: '10.100.0.0/22',
  splitTunnel: true,
});
const alice = ca.addClient('alice');
ca.addClient('bob', { revoked: true });
ca.addClient('carol', { commonName: 'Carol Jones' });
// The secret's ARN, not its value: the .ovpn is fetched with `aws secretsmanager get-secret-value`.
new CfnOutput(stack, 'AliceSecretArn', { value: alice.secret.secretArn });

new IntegTest(app, 'ClientVpnCertificateAuthorityInteg', { testCases: [stack] });
