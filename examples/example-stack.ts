import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ClientVpnEndpoint, ClientVpnRouteTarget, SessionTimeout, TransportProtocol, VpnPort } from '../src';

/** A VPC with a Client VPN endpoint that clients reach with mutual TLS. */
export class ClientVpnExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      flowLogs: { All: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    // Certificates imported into ACM beforehand (for example with easy-rsa).
    const serverCertificate = acm.Certificate.fromCertificateArn(this, 'ServerCertificate',
      'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555');
    const clientRootCertificate = acm.Certificate.fromCertificateArn(this, 'ClientRootCertificate',
      'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000');

    const endpoint = new ClientVpnEndpoint(this, 'Endpoint', {
      vpc,
      serverCertificate,
      clientRootCertificate,
      clientCidrBlock: '10.100.0.0/22',
      description: 'Engineering remote access',
      splitTunnel: true,
      transportProtocol: TransportProtocol.UDP,
      port: VpnPort.HTTPS,
      sessionTimeout: SessionTimeout.TWELVE_HOURS,
      clientLoginBanner: 'Authorized use only. Sessions are logged.',
    });

    // Clients also reach the on-premises network, through the first target subnet.
    endpoint.addRoute('OnPremises', {
      cidr: '192.168.0.0/16',
      target: ClientVpnRouteTarget.subnet(vpc.privateSubnets[0]),
      description: 'On-premises network over the VPN gateway',
    });
    endpoint.addIngressAuthorization('OnPremisesAccess', {
      cidr: '192.168.0.0/16',
      authorizeAllGroups: true,
      description: 'All users to the on-premises network',
    });

    Tags.of(endpoint).add('team', 'platform');

    // CloudFormation does not return the DNS name: reading it adds the custom resource.
    new CfnOutput(this, 'EndpointDnsName', { value: endpoint.dnsName });

  }
}
