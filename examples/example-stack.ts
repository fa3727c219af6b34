import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ClientVpnCertificateAuthority, ClientVpnEndpoint, ClientVpnRouteTarget, SessionTimeout, TransportProtocol, VpnPort } from '../src';

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

    // Mutual TLS with a certificate authority made inside AWS: no certificate to make or import by hand.
    const ca = new ClientVpnCertificateAuthority(this, 'CertificateAuthority', { serverDomainName: 'vpn.example.internal' });

    const endpoint = new ClientVpnEndpoint(this, 'Endpoint', {
      vpc,
      serverCertificate: ca.serverCertificate,
      clientRootCertificate: ca.clientRootCertificate,
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

    // One certificate per user, each with a ready .ovpn in its secret; offboarding is `revoked: true` and a deploy.
    const alice = ca.addClient('alice');
    ca.addClient('bob');
    ca.addClient('carol', { revoked: true });
    // Alice's own role may read her configuration, and nothing else.
    alice.grantRead(new iam.Role(this, 'AliceRole', { assumedBy: new iam.AccountRootPrincipal(), description: 'Alice, to fetch her .ovpn' }));

    // CloudFormation does not return the DNS name: reading it adds the custom resource.
    new CfnOutput(this, 'EndpointDnsName', { value: endpoint.dnsName });

  }
}
