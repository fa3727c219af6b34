// An endpoint with mutual TLS, a route, a rule and the settings custom resource.
// Deploying it needs the two certificates below in ACM; `npm run integ` checks the snapshot offline.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClientVpnEndpoint, ClientVpnRouteTarget, SessionTimeout } from '../src';

const app = new App();
const stack = new Stack(app, 'ClientVpnIntegStack');

const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 0 });
const endpoint = new ClientVpnEndpoint(stack, 'Endpoint', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  serverCertificate: acm.Certificate.fromCertificateArn(stack, 'Server',
    app.node.tryGetContext('serverCertificateArn') ?? 'arn:aws:acm:us-east-1:123456789012:certificate/server'),
  clientRootCertificate: acm.Certificate.fromCertificateArn(stack, 'ClientRoot',
    app.node.tryGetContext('clientRootCertificateArn') ?? 'arn:aws:acm:us-east-1:123456789012:certificate/client-root'),
  clientCidrBlock: '10.100.0.0/22',
  splitTunnel: true,
  sessionTimeout: SessionTimeout.EIGHT_HOURS,
});
endpoint.addRoute('Peer', { cidr: '10.1.0.0/16', target: ClientVpnRouteTarget.subnet(vpc.isolatedSubnets[0]) });
endpoint.addIngressAuthorization('PeerAccess', { cidr: '10.1.0.0/16', authorizeAllGroups: true });
new CfnOutput(stack, 'DnsName', { value: endpoint.dnsName });

new IntegTest(app, 'ClientVpnInteg', { testCases: [stack] });
