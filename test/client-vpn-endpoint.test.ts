import { Annotations as CoreAnnotations, App, Fn, Lazy, PropertyInjectors, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnRoute,
  ClientVpnRouteTarget,
  ClientVpnUserAuthentication,
  IngressAuthorization,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from '../src';
import { associationIds, CLIENT_ROOT_CERTIFICATE_ARN, createEndpoint, dualStackVpc, endpointRef, expectInvalid, expectRejected, Fixture, importedVpc, libraryWarnings, logicalId, minimalProps, PropsFor, SERVER_CERTIFICATE_ARN, testStack } from './util';

// ---------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------


const ENDPOINT = 'AWS::EC2::ClientVpnEndpoint';
const ASSOCIATION = 'AWS::EC2::ClientVpnTargetNetworkAssociation';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';
const ROUTE = 'AWS::EC2::ClientVpnRoute';
const SAML_ARN = 'arn:aws:iam::123456789012:saml-provider/vpn';
const SELF_SERVICE_SAML_ARN = 'arn:aws:iam::123456789012:saml-provider/vpn-portal';
const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';

/** A fresh fixture with one endpoint, and its synthesized template. */
function build(props: PropsFor = () => ({})) {
  const f = testStack();
  const endpoint = createEndpoint(f, props(f));
  return { ...f, endpoint, template: Template.fromStack(f.stack) };
}


/** Checks that creating an endpoint with `props` and synthesizing it works; returns the template. */
function expectAccepted(props: PropsFor): Template {
  const f = testStack();
  expect(() => createEndpoint(f, props(f))).not.toThrow();
  let template: Template | undefined;
  expect(() => {
    template = Template.fromStack(f.stack);
  }).not.toThrow();
  return template!;
}

/** A VPC with a public and two private subnet groups in two zones. */
function twoPrivateGroupsVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'TwoGroups', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'AppA', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'AppB', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
}

function samlProvider(stack: Stack, id = 'Saml', arn = SAML_ARN): iam.ISamlProvider {
  return iam.SamlProvider.fromSamlProviderArn(stack, id, arn);
}

function handler(stack: Stack, functionName?: string, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ allow: true });'),
    functionName,
  });
}

/** A stack with an explicit environment whose VPC comes from `Vpc.fromLookup` (its placeholder, in tests). */
function lookupFixture() {
  const app = new App();
  const stack = new Stack(app, 'Lookup', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });
  const serverCertificate = acm.Certificate.fromCertificateArn(stack, 'ServerCertificate', SERVER_CERTIFICATE_ARN);
  const clientRootCertificate = acm.Certificate.fromCertificateArn(stack, 'ClientRootCertificate', CLIENT_ROOT_CERTIFICATE_ARN);
  return { app, stack, vpc, serverCertificate, clientRootCertificate };
}

const booleanToken = (value: boolean) => Lazy.any({ produce: () => value }) as unknown as boolean;

// ---------------------------------------------------------------------------
// 1. Props reach the template
// ---------------------------------------------------------------------------

describe('props reach the template', () => {
  describe('required props', () => {
    test('vpc becomes VpcId', () => {
      const f = build();
      f.template.hasResourceProperties(ENDPOINT, { VpcId: { Ref: logicalId(f.stack, f.vpc) } });
    });

    test('serverCertificate becomes ServerCertificateArn', () => {
      build().template.hasResourceProperties(ENDPOINT, { ServerCertificateArn: SERVER_CERTIFICATE_ARN });
    });

    test('clientCidrBlock becomes ClientCidrBlock', () => {
      build(() => ({ clientCidrBlock: '172.16.0.0/20' })).template.hasResourceProperties(ENDPOINT, {
        ClientCidrBlock: '172.16.0.0/20',
      });
    });

    test('exactly one endpoint is created', () => {
      build().template.resourceCountIs(ENDPOINT, 1);
    });
  });

  describe('authentication', () => {
    test('clientRootCertificate becomes certificate-authentication', () => {
      build().template.hasResourceProperties(ENDPOINT, {
        AuthenticationOptions: [{
          Type: 'certificate-authentication',
          MutualAuthentication: { ClientRootCertificateChainArn: CLIENT_ROOT_CERTIFICATE_ARN },
        }],
      });
    });

    test('activeDirectory becomes directory-service-authentication', () => {
      build(() => ({
        clientRootCertificate: undefined,
        userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890'),
      })).template.hasResourceProperties(ENDPOINT, {
        AuthenticationOptions: [{
          Type: 'directory-service-authentication',
          ActiveDirectory: { DirectoryId: 'd-1234567890' },
        }],
      });
    });

    test('federated becomes federated-authentication without a self-service provider', () => {
      build((f) => ({
        clientRootCertificate: undefined,
        userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f.stack)),
      })).template.hasResourceProperties(ENDPOINT, {
        AuthenticationOptions: [{
          Type: 'federated-authentication',
          FederatedAuthentication: { SAMLProviderArn: SAML_ARN, SelfServiceSAMLProviderArn: Match.absent() },
        }],
      });
    });

    test('federated with a self-service provider renders both ARNs', () => {
      build((f) => ({
        clientRootCertificate: undefined,
        selfServicePortal: true,
        userAuthentication: ClientVpnUserAuthentication.federated(
          samlProvider(f.stack),
          samlProvider(f.stack, 'PortalSaml', SELF_SERVICE_SAML_ARN),
        ),
      })).template.hasResourceProperties(ENDPOINT, {
        AuthenticationOptions: [{
          Type: 'federated-authentication',
          FederatedAuthentication: { SAMLProviderArn: SAML_ARN, SelfServiceSAMLProviderArn: SELF_SERVICE_SAML_ARN },
        }],
        SelfServicePortal: 'enabled',
      });
    });

    test('mutual TLS combined with federated authentication lists mutual first', () => {
      build((f) => ({ userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f.stack)) }))
        .template.hasResourceProperties(ENDPOINT, {
          AuthenticationOptions: [
            {
              Type: 'certificate-authentication',
              MutualAuthentication: { ClientRootCertificateChainArn: CLIENT_ROOT_CERTIFICATE_ARN },
            },
            {
              Type: 'federated-authentication',
              FederatedAuthentication: { SAMLProviderArn: SAML_ARN },
            },
          ],
        });
    });

    test('mutual TLS combined with Active Directory lists mutual first', () => {
      build(() => ({ userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890') }))
        .template.hasResourceProperties(ENDPOINT, {
          AuthenticationOptions: [
            Match.objectLike({ Type: 'certificate-authentication' }),
            { Type: 'directory-service-authentication', ActiveDirectory: { DirectoryId: 'd-1234567890' } },
          ],
        });
    });
  });

  describe('vpcSubnets', () => {
    test('the public subnets become one association each', () => {
      const f = build(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }));
      f.template.resourceCountIs(ASSOCIATION, 2);
      for (const subnet of f.vpc.publicSubnets) {
        f.template.hasResourceProperties(ASSOCIATION, {
          ClientVpnEndpointId: endpointRef(f),
          SubnetId: f.stack.resolve(subnet.subnetId),
        });
      }
    });

    test('a selection by Availability Zone associates only that zone\'s subnet', () => {
      const f = build((fx) => ({ vpcSubnets: { availabilityZones: [fx.vpc.availabilityZones[0]] } }));
      f.template.resourceCountIs(ASSOCIATION, 1);
      f.template.hasResourceProperties(ASSOCIATION, { SubnetId: f.stack.resolve(f.vpc.privateSubnets[0].subnetId) });
    });

    test('explicit subnets in different zones are all associated', () => {
      const f = build((fx) => ({ vpcSubnets: { subnets: [fx.vpc.privateSubnets[0], fx.vpc.publicSubnets[1]] } }));
      f.template.resourceCountIs(ASSOCIATION, 2);
      f.template.hasResourceProperties(ASSOCIATION, { SubnetId: f.stack.resolve(f.vpc.privateSubnets[0].subnetId) });
      f.template.hasResourceProperties(ASSOCIATION, { SubnetId: f.stack.resolve(f.vpc.publicSubnets[1].subnetId) });
    });
  });

  describe('securityGroups', () => {
    test('by default one new security group in the VPC is used', () => {
      const f = build();
      f.template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
      const [sgId] = Object.keys(f.template.findResources('AWS::EC2::SecurityGroup'));
      f.template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: { Ref: logicalId(f.stack, f.vpc) } });
      f.template.hasResourceProperties(ENDPOINT, { SecurityGroupIds: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }] });
    });

    test('given groups become SecurityGroupIds and no group is created', () => {
      const f = build((fx) => ({
        securityGroups: [
          ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'Sg1', 'sg-11111111'),
          ec2.SecurityGroup.fromSecurityGroupId(fx.stack, 'Sg2', 'sg-22222222'),
        ],
      }));
      f.template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
      f.template.hasResourceProperties(ENDPOINT, { SecurityGroupIds: ['sg-11111111', 'sg-22222222'] });
    });
  });

  describe('logging', () => {
    test('by default a new log group kept one year is logged to', () => {
      const f = build();
      f.template.resourceCountIs('AWS::Logs::LogGroup', 1);
      f.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
      const [groupId] = Object.keys(f.template.findResources('AWS::Logs::LogGroup'));
      f.template.hasResourceProperties(ENDPOINT, {
        ConnectionLogOptions: { Enabled: true, CloudwatchLogGroup: { Ref: groupId }, CloudwatchLogStream: Match.absent() },
      });
      expect(f.endpoint.logGroup).toBeDefined();
    });

    test('the endpoint depends on the log group it creates', () => {
      const f = build();
      const [groupId] = Object.keys(f.template.findResources('AWS::Logs::LogGroup'));
      f.template.hasResource(ENDPOINT, { DependsOn: Match.arrayWith([groupId]) });
    });

    test('logGroup is logged to and no group is created', () => {
      const f = build((fx) => ({ logGroup: logs.LogGroup.fromLogGroupName(fx.stack, 'Group', 'vpn-connections') }));
      f.template.resourceCountIs('AWS::Logs::LogGroup', 0);
      f.template.hasResourceProperties(ENDPOINT, {
        ConnectionLogOptions: { Enabled: true, CloudwatchLogGroup: 'vpn-connections' },
      });
    });

    test('logStream becomes CloudwatchLogStream', () => {
      build((fx) => ({
        logGroup: logs.LogGroup.fromLogGroupName(fx.stack, 'Group', 'vpn-connections'),
        logStream: logs.LogStream.fromLogStreamName(fx.stack, 'Stream', 'endpoint-stream'),
      })).template.hasResourceProperties(ENDPOINT, {
        ConnectionLogOptions: { Enabled: true, CloudwatchLogGroup: 'vpn-connections', CloudwatchLogStream: 'endpoint-stream' },
      });
    });

    test('logRetention sets the new group\'s retention', () => {
      build(() => ({ logRetention: logs.RetentionDays.ONE_MONTH })).template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 30,
      });
    });

    test('logging: false disables logging and creates no log group', () => {
      const f = build(() => ({ logging: false }));
      f.template.resourceCountIs('AWS::Logs::LogGroup', 0);
      f.template.hasResourceProperties(ENDPOINT, {
        ConnectionLogOptions: { Enabled: false, CloudwatchLogGroup: Match.absent(), CloudwatchLogStream: Match.absent() },
      });
      expect(f.endpoint.logGroup).toBeUndefined();
    });

    test('logging: true is the same as the default', () => {
      const f = build(() => ({ logging: true }));
      f.template.resourceCountIs('AWS::Logs::LogGroup', 1);
      f.template.hasResourceProperties(ENDPOINT, { ConnectionLogOptions: { Enabled: true } });
    });
  });

  describe('clientConnectHandler', () => {
    test('becomes ClientConnectOptions', () => {
      const f = testStack();
      const fn = handler(f.stack, 'AWSClientVPN-ok');
      createEndpoint(f, { clientConnectHandler: fn });
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, {
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(f.stack, fn), 'Arn'] } },
      });
    });

    test('is absent by default', () => {
      build().template.hasResourceProperties(ENDPOINT, { ClientConnectOptions: Match.absent() });
    });
  });

  describe('scalar props', () => {
    test.each<[string, Partial<ClientVpnEndpointProps>, Record<string, unknown>]>([
      ['description', { description: 'Engineering access' }, { Description: 'Engineering access' }],
      ['dnsServers', { dnsServers: ['10.0.0.2', '1.1.1.1'] }, { DnsServers: ['10.0.0.2', '1.1.1.1'] }],
      ['splitTunnel true', { splitTunnel: true }, { SplitTunnel: true }],
      ['splitTunnel false', { splitTunnel: false }, { SplitTunnel: false }],
      ['transportProtocol TCP', { transportProtocol: TransportProtocol.TCP }, { TransportProtocol: 'tcp' }],
      ['transportProtocol UDP', { transportProtocol: TransportProtocol.UDP }, { TransportProtocol: 'udp' }],
      ['port OPENVPN', { port: VpnPort.OPENVPN }, { VpnPort: 1194 }],
      ['port HTTPS', { port: VpnPort.HTTPS }, { VpnPort: 443 }],
      ['sessionTimeout EIGHT_HOURS', { sessionTimeout: SessionTimeout.EIGHT_HOURS }, { SessionTimeoutHours: 8 }],
      ['sessionTimeout TEN_HOURS', { sessionTimeout: SessionTimeout.TEN_HOURS }, { SessionTimeoutHours: 10 }],
      ['sessionTimeout TWELVE_HOURS', { sessionTimeout: SessionTimeout.TWELVE_HOURS }, { SessionTimeoutHours: 12 }],
      ['sessionTimeout TWENTY_FOUR_HOURS', { sessionTimeout: SessionTimeout.TWENTY_FOUR_HOURS }, { SessionTimeoutHours: 24 }],
      ['disconnectOnSessionTimeout false', { disconnectOnSessionTimeout: false }, { DisconnectOnSessionTimeout: false }],
      ['disconnectOnSessionTimeout true', { disconnectOnSessionTimeout: true }, { DisconnectOnSessionTimeout: true }],
      ['clientLoginBanner', { clientLoginBanner: 'Authorized use only' }, {
        ClientLoginBannerOptions: { Enabled: true, BannerText: 'Authorized use only' },
      }],
      ['clientRouteEnforcement true', { clientRouteEnforcement: true }, { ClientRouteEnforcementOptions: { Enforced: true } }],
      ['clientRouteEnforcement false', { clientRouteEnforcement: false }, { ClientRouteEnforcementOptions: { Enforced: false } }],
      ['endpointIpAddressType DUAL_STACK', { endpointIpAddressType: IpAddressType.DUAL_STACK }, { EndpointIpAddressType: 'dual-stack' }],
      ['endpointIpAddressType IPV6', { endpointIpAddressType: IpAddressType.IPV6 }, { EndpointIpAddressType: 'ipv6' }],
      ['endpointIpAddressType IPV4', { endpointIpAddressType: IpAddressType.IPV4 }, { EndpointIpAddressType: 'ipv4' }],
      ['trafficIpAddressType IPV4', { trafficIpAddressType: IpAddressType.IPV4 }, { TrafficIpAddressType: 'ipv4' }],
    ])('%s', (_name, props, expected) => {
      build(() => props).template.hasResourceProperties(ENDPOINT, expected);
    });

    test('trafficIpAddressType DUAL_STACK, in a VPC with an IPv6 block', () => {
      build((f) => ({ vpc: dualStackVpc(f.stack), trafficIpAddressType: IpAddressType.DUAL_STACK })).template.hasResourceProperties(ENDPOINT, {
        TrafficIpAddressType: 'dual-stack',
        ClientCidrBlock: '10.100.0.0/22',
      });
    });

    test('trafficIpAddressType IPV6 without clientCidrBlock and without the default rule', () => {
      const f = build((fx) => ({
        vpc: dualStackVpc(fx.stack),
        clientCidrBlock: undefined,
        trafficIpAddressType: IpAddressType.IPV6,
        authorizeAllUsersToVpcCidr: false,
      }));
      f.template.hasResourceProperties(ENDPOINT, { TrafficIpAddressType: 'ipv6', ClientCidrBlock: Match.absent() });
      f.template.resourceCountIs(RULE, 0);
    });

    test('trafficIpAddressType IPV6 with endpointIpAddressType DUAL_STACK', () => {
      build((f) => ({
        vpc: dualStackVpc(f.stack),
        clientCidrBlock: undefined,
        endpointIpAddressType: IpAddressType.DUAL_STACK,
        trafficIpAddressType: IpAddressType.IPV6,
        authorizeAllUsersToVpcCidr: false,
      })).template.hasResourceProperties(ENDPOINT, { EndpointIpAddressType: 'dual-stack', TrafficIpAddressType: 'ipv6' });
    });

    test('props left out are left out of the template', () => {
      build().template.hasResourceProperties(ENDPOINT, {
        Description: Match.absent(),
        DnsServers: Match.absent(),
        SplitTunnel: Match.absent(),
        TransportProtocol: Match.absent(),
        VpnPort: Match.absent(),
        SessionTimeoutHours: Match.absent(),
        DisconnectOnSessionTimeout: Match.absent(),
        ClientLoginBannerOptions: Match.absent(),
        ClientRouteEnforcementOptions: Match.absent(),
        EndpointIpAddressType: Match.absent(),
        TrafficIpAddressType: Match.absent(),
        TagSpecifications: Match.absent(),
      });
    });
  });

  describe('selfServicePortal', () => {
    test('true renders enabled', () => {
      build(() => ({ userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890'), selfServicePortal: true }))
        .template.hasResourceProperties(ENDPOINT, { SelfServicePortal: 'enabled' });
    });

    test('false renders disabled', () => {
      build(() => ({ selfServicePortal: false })).template.hasResourceProperties(ENDPOINT, { SelfServicePortal: 'disabled' });
    });

    test('the default is rendered explicitly as disabled', () => {
      build().template.hasResourceProperties(ENDPOINT, { SelfServicePortal: 'disabled' });
    });
  });

  describe('authorizeAllUsersToVpcCidr', () => {
    test('by default one rule authorizes all groups to the VPC CIDR', () => {
      const f = build();
      f.template.resourceCountIs(RULE, 1);
      f.template.hasResourceProperties(RULE, {
        ClientVpnEndpointId: endpointRef(f),
        TargetNetworkCidr: { 'Fn::GetAtt': [logicalId(f.stack, f.vpc), 'CidrBlock'] },
        AuthorizeAllGroups: true,
        AccessGroupId: Match.absent(),
      });
    });

    test('the default rule depends on every association', () => {
      const f = build();
      const associations = associationIds(f.template);
      expect(associations).toHaveLength(2);
      f.template.hasResource(RULE, { DependsOn: associations });
    });

    test('true is the same as the default', () => {
      build(() => ({ authorizeAllUsersToVpcCidr: true })).template.resourceCountIs(RULE, 1);
    });

    test('false creates no rule', () => {
      build(() => ({ authorizeAllUsersToVpcCidr: false })).template.resourceCountIs(RULE, 0);
    });
  });
});

// ---------------------------------------------------------------------------
// 2. Defaults and tags
// ---------------------------------------------------------------------------

describe('unresolved boolean tokens reach the template', () => {
  test.each<[string, keyof ClientVpnEndpointProps, Record<string, unknown>]>([
    ['splitTunnel', 'splitTunnel', { SplitTunnel: false }],
    ['disconnectOnSessionTimeout', 'disconnectOnSessionTimeout', { DisconnectOnSessionTimeout: false }],
    ['clientRouteEnforcement', 'clientRouteEnforcement', { ClientRouteEnforcementOptions: { Enforced: false } }],
  ])('a %s token resolving to false renders false', (_name, prop, expected) => {
    build(() => ({ [prop]: booleanToken(false) })).template.hasResourceProperties(ENDPOINT, expected);
  });

  test('a selfServicePortal token becomes a condition on the token\'s value', () => {
    const { template } = build(() => ({ selfServicePortal: booleanToken(false) }));
    const conditions = Object.keys(template.findConditions('*', { 'Fn::Equals': [false, true] }));
    expect(conditions).toHaveLength(1);
    template.hasResourceProperties(ENDPOINT, {
      SelfServicePortal: { 'Fn::If': [conditions[0], 'enabled', 'disabled'] },
    });
  });
});

describe('defaults', () => {
  test('one association per Availability Zone, on the private subnets', () => {
    const f = build();
    f.template.resourceCountIs(ASSOCIATION, 2);
    for (const subnet of f.vpc.privateSubnets) {
      f.template.hasResourceProperties(ASSOCIATION, {
        ClientVpnEndpointId: endpointRef(f),
        SubnetId: f.stack.resolve(subnet.subnetId),
      });
    }
  });

  test('one association per Availability Zone even with two private subnet groups', () => {
    const f = testStack();
    const vpc = twoPrivateGroupsVpc(f.stack);
    const endpoint = createEndpoint(f, { vpc });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ASSOCIATION, 2);
    const zones = new Set<string>();
    const subnetIds = Object.values(template.findResources(ASSOCIATION)).map((r) => r.Properties.SubnetId);
    for (const subnet of vpc.privateSubnets) {
      if (subnetIds.some((id) => JSON.stringify(id) === JSON.stringify(f.stack.resolve(subnet.subnetId)))) {
        zones.add(subnet.availabilityZone);
      }
    }
    expect(zones.size).toBe(2);
    template.hasResourceProperties(ASSOCIATION, { ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) } });
  });

  test('the default rule and the associations together', () => {
    const f = build();
    f.template.resourceCountIs(ASSOCIATION, 2);
    f.template.resourceCountIs(RULE, 1);
    f.template.resourceCountIs(ROUTE, 0);
    f.template.hasResource(RULE, { DependsOn: associationIds(f.template) });
  });
});

describe('tags', () => {
  const SETTINGS = 'Custom::ClientVpnEndpointSettings';
  const FUNCTION = 'AWS::Lambda::Function';
  const STABILIZATION = '@aws-cdk/core:aspectStabilization';
  const PRIORITIES_MUTATING = '@aws-cdk/core:aspectPrioritiesMutating';
  const FLAG_COMBINATIONS: Array<[string, Record<string, boolean>]> = [
    ['no feature flag set', {}],
    ['both feature flags off', { [STABILIZATION]: false, [PRIORITIES_MUTATING]: false }],
    [`${STABILIZATION} only`, { [STABILIZATION]: true, [PRIORITIES_MUTATING]: false }],
    [`${PRIORITIES_MUTATING} only`, { [STABILIZATION]: false, [PRIORITIES_MUTATING]: true }],
    ['both feature flags on', { [STABILIZATION]: true, [PRIORITIES_MUTATING]: true }],
  ];
  type Scope = 'endpoint' | 'stack' | 'app';
  const scopeOf = (f: Fixture, endpoint: ClientVpnEndpoint, scope: Scope) => (scope === 'endpoint' ? endpoint : scope === 'stack' ? f.stack : f.app);

  /** A fixture whose app has `context`, and one endpoint. */
  function tagged(context: Record<string, boolean> = {}, props: Partial<ClientVpnEndpointProps> = {}) {
    const f = testStack(new App({ context }));
    const endpoint = createEndpoint(f, props);
    return { ...f, endpoint };
  }

  /** The only settings custom resource of a template. */
  function onlySettings(template: Template): { id: string; properties: Record<string, any> } {
    const found = Object.entries(template.findResources(SETTINGS));
    expect(found).toHaveLength(1);
    return { id: found[0][0], properties: found[0][1].Properties };
  }

  /** The tags the custom resource applies, parsed from its Tags property (a JSON string). */
  function settingsTags(template: Template): Array<{ Key: string; Value: string }> {
    const json = onlySettings(template).properties.Tags;
    expect(typeof json).toBe('string');
    return JSON.parse(json);
  }

  describe.each(FLAG_COMBINATIONS)('with %s', (_name, context) => {
    test.each<Scope>(['endpoint', 'stack', 'app'])('Tags.of(%s) reaches the custom resource\'s Tags, and not TagSpecifications', (scope) => {
      const f = tagged(context);
      Tags.of(scopeOf(f, f.endpoint, scope)).add('CostCenter', '1234');
      const template = Template.fromStack(f.stack);
      template.hasResourceProperties(ENDPOINT, { TagSpecifications: Match.absent() });
      expect(settingsTags(template)).toEqual([{ Key: 'CostCenter', Value: '1234' }]);
      template.hasResourceProperties(SETTINGS, { EndpointId: endpointRef(f) });
      template.resourceCountIs(FUNCTION, 1);
      expect(Annotations.fromStack(f.stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('tags of the app, the stack and the endpoint all arrive, the endpoint\'s own winning a shared key', () => {
      const f = tagged(context);
      Tags.of(f.app).add('team', 'app');
      Tags.of(f.app).add('Zone', 'z');
      Tags.of(f.stack).add('Stage', 'prod');
      Tags.of(f.endpoint).add('team', 'vpn');
      const template = Template.fromStack(f.stack);
      const byKey = (a: { Key: string }, b: { Key: string }) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);
      expect(settingsTags(template).sort(byKey)).toEqual([
        { Key: 'Stage', Value: 'prod' },
        { Key: 'Zone', Value: 'z' },
        { Key: 'team', Value: 'vpn' },
      ]);
      template.hasResourceProperties(ENDPOINT, { TagSpecifications: Match.absent() });
    });

    test('an endpoint with no tags and no other feature has no custom resource and no Lambda function', () => {
      const f = tagged(context);
      const template = Template.fromStack(f.stack);
      template.resourceCountIs(SETTINGS, 0);
      template.resourceCountIs(FUNCTION, 0);
      template.resourceCountIs('AWS::IAM::Role', 0);
      template.hasResourceProperties(ENDPOINT, { TagSpecifications: Match.absent() });
    });

    test('tags from Tags.of(app) that exclude the endpoint\'s type reach the VPC but not the endpoint: no custom resource', () => {
      const f = tagged(context);
      Tags.of(f.app).add('CostCenter', '1234', { excludeResourceTypes: [ENDPOINT] });
      const template = Template.fromStack(f.stack);
      template.hasResourceProperties('AWS::EC2::VPC', { Tags: Match.arrayWith([{ Key: 'CostCenter', Value: '1234' }]) });
      template.resourceCountIs(SETTINGS, 0);
      template.resourceCountIs(FUNCTION, 0);
    });

    test('a tag removed again with Tags.of(endpoint).remove leaves no custom resource', () => {
      const f = tagged(context);
      Tags.of(f.app).add('CostCenter', '1234');
      Tags.of(f.endpoint).remove('CostCenter');
      const template = Template.fromStack(f.stack);
      template.resourceCountIs(SETTINGS, 0);
    });

    test('tags and another feature share the one custom resource', () => {
      const f = tagged(context, { apiSettings: { NewSetting: true } });
      void f.endpoint.dnsName;
      Tags.of(f.app).add('CostCenter', '1234');
      const template = Template.fromStack(f.stack);
      const settings = onlySettings(template);
      expect(settings.properties.ApiSettings).toBe('{"NewSetting":true}');
      expect(JSON.parse(settings.properties.Tags)).toEqual([{ Key: 'CostCenter', Value: '1234' }]);
      expect(f.stack.resolve(f.endpoint.dnsName)).toEqual({ 'Fn::GetAtt': [settings.id, 'DnsName'] });
    });

    test('tagsAtCreation: true renders TagSpecifications, and no custom resource for the tags', () => {
      const f = tagged(context, { tagsAtCreation: true });
      Tags.of(f.app).add('CostCenter', '1234');
      const template = Template.fromStack(f.stack);
      template.hasResourceProperties(ENDPOINT, {
        TagSpecifications: [{ ResourceType: 'client-vpn-endpoint', Tags: [{ Key: 'CostCenter', Value: '1234' }] }],
      });
      template.resourceCountIs(SETTINGS, 0);
      template.resourceCountIs(FUNCTION, 0);
    });
  });

  test('Tags.of(endpoint) with several tags renders a JSON list of Key and Value', () => {
    const f = tagged();
    Tags.of(f.endpoint).add('b', '2');
    Tags.of(f.endpoint).add('a', '"quoted" \\ and ünïcode');
    const template = Template.fromStack(f.stack);
    expect(onlySettings(template).properties.Tags).toBe(JSON.stringify([{ Key: 'a', Value: '"quoted" \\ and ünïcode' }, { Key: 'b', Value: '2' }]));
  });

  test('a tag with an empty value is applied', () => {
    const f = tagged();
    Tags.of(f.endpoint).add('flag', '');
    expect(settingsTags(Template.fromStack(f.stack))).toEqual([{ Key: 'flag', Value: '' }]);
  });

  test('tagsAtCreation: true with a feature: TagSpecifications on the endpoint, no Tags property on the custom resource', () => {
    const f = tagged({}, { tagsAtCreation: true, apiSettings: { NewSetting: true } });
    Tags.of(f.endpoint).add('k', 'v');
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties(ENDPOINT, {
      TagSpecifications: [{ ResourceType: 'client-vpn-endpoint', Tags: [{ Key: 'k', Value: 'v' }] }],
    });
    expect(onlySettings(template).properties).not.toHaveProperty('Tags');
  });

  test('tagsAtCreation: true without tags renders no TagSpecifications', () => {
    const template = Template.fromStack(tagged({}, { tagsAtCreation: true }).stack);
    template.hasResourceProperties(ENDPOINT, { TagSpecifications: Match.absent() });
    template.resourceCountIs(SETTINGS, 0);
  });

  test('tagsAtCreation: false is the default', () => {
    const f = tagged({}, { tagsAtCreation: false });
    Tags.of(f.endpoint).add('k', 'v');
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties(ENDPOINT, { TagSpecifications: Match.absent() });
    expect(settingsTags(template)).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  test.each<[string, unknown]>([
    ['a token', booleanToken(true)],
    ['a string', 'true'],
    ['a number', 1],
  ])('tagsAtCreation as %s is rejected: it decides which resources are created', (_name, value) => {
    const error = expectRejected(() => ({ tagsAtCreation: value as boolean }), 'tagsAtCreation', 'must be a literal true or false');
    expect(error.message).toContain('got');
  });

  test('Tags.of(endpoint) also tags the log group', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    Tags.of(endpoint).add('k', 'v');
    Template.fromStack(f.stack).hasResourceProperties('AWS::Logs::LogGroup', {
      Tags: Match.arrayWith([{ Key: 'k', Value: 'v' }]),
    });
  });

  describe.each<[string, Partial<ClientVpnEndpointProps>]>([
    ['tags applied by the custom resource', {}],
    ['tagsAtCreation: true', { tagsAtCreation: true }],
  ])('validation, with %s', (_name, props) => {
    test.each<[string, string, string, RegExp]>([
      ['a key starting with aws:', 'aws:owner', 'v', /aws:owner/],
      ['a key starting with AWS: in capitals', 'AWS:owner', 'v', /AWS:owner/],
      ['a key of 128 characters', 'k'.repeat(128), 'v', /at most 127 characters/],
      ['a value of 257 characters', 'k', 'v'.repeat(257), /at most 256 characters, got 257/],
    ])('%s makes Template.fromStack throw', (_case, key, value, message) => {
      const f = testStack();
      const endpoint = createEndpoint(f, props);
      Tags.of(endpoint).add(key, value);
      expect(() => Template.fromStack(f.stack)).toThrow(message);
    });

    test('an invalid tag from Tags.of(app) makes app.synth() throw', () => {
      const f = testStack();
      createEndpoint(f, props);
      Tags.of(f.app).add('aws:owner', 'v');
      expect(() => f.app.synth()).toThrow(/tag key/);
    });

    test('a key of 127 characters and a value of 256 characters are valid', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, props);
      Tags.of(endpoint).add('k'.repeat(127), 'v'.repeat(256));
      const template = Template.fromStack(f.stack);
      const expected = [{ Key: 'k'.repeat(127), Value: 'v'.repeat(256) }];
      if (props.tagsAtCreation) {
        template.hasResourceProperties(ENDPOINT, { TagSpecifications: [{ ResourceType: 'client-vpn-endpoint', Tags: expected }] });
      } else {
        expect(settingsTags(template)).toEqual(expected);
      }
    });

    test('token tag keys and values pass', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, props);
      Tags.of(endpoint).add(Lazy.string({ produce: () => 'aws:x' }), Token.asString(Fn.importValue('TagValue')));
      expect(() => Template.fromStack(f.stack)).not.toThrow();
    });
  });

  test('a token tag value reaches the Tags property through Fn::Join, as valid JSON once resolved', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    Tags.of(endpoint).add('owner', Token.asString(Fn.importValue('Owner')));
    const json = onlySettings(Template.fromStack(f.stack)).properties.Tags;
    expect(json['Fn::Join']).toBeDefined();
    const [separator, parts] = json['Fn::Join'];
    const text = (parts as unknown[]).map((part) => (typeof part === 'string' ? part : JSON.stringify(part) === '{"Fn::ImportValue":"Owner"}' ? 'alice' : '?')).join(separator);
    expect(JSON.parse(text)).toEqual([{ Key: 'owner', Value: 'alice' }]);
  });
});

// ---------------------------------------------------------------------------
// 3. Members and imports
// ---------------------------------------------------------------------------

describe('members', () => {
  test('endpointId is a Ref to the endpoint', () => {
    const f = build();
    expect(f.stack.resolve(f.endpoint.endpointId)).toEqual(endpointRef(f));
  });

  test('endpointArn is the ARN of a client-vpn-endpoint', () => {
    const f = build();
    const arn = JSON.stringify(f.stack.resolve(f.endpoint.endpointArn));
    expect(arn).toContain('arn:');
    expect(arn).toContain(':ec2:us-east-1:123456789012:client-vpn-endpoint/');
    expect(arn).toContain(JSON.stringify(endpointRef(f)));
  });

  test('connections and securityGroups are the default group', () => {
    const f = build();
    expect(f.endpoint.securityGroups).toHaveLength(1);
    expect(f.endpoint.connections.securityGroups).toEqual(f.endpoint.securityGroups);
  });

  test('connections and securityGroups are the given groups', () => {
    const f = testStack();
    const groups = [ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'Sg', 'sg-11111111')];
    const endpoint = createEndpoint(f, { securityGroups: groups });
    expect(endpoint.securityGroups).toEqual(groups);
    expect(endpoint.connections.securityGroups).toEqual(groups);
  });

  test('connections opens the endpoint\'s security group', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    endpoint.connections.allowFrom(ec2.Peer.ipv4('192.168.0.0/16'), ec2.Port.tcp(22));
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '192.168.0.0/16', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' })],
    });
  });

  test('targetNetworksAssociated covers every association', () => {
    const f = testStack();
    const endpoint = createEndpoint(f, { authorizeAllUsersToVpcCidr: false });
    const dependent = new ec2.CfnVPCCidrBlock(f.stack, 'Dependent', { vpcId: f.vpc.vpcId, cidrBlock: '10.50.0.0/16' });
    dependent.node.addDependency(endpoint.targetNetworksAssociated);
    const template = Template.fromStack(f.stack);
    template.hasResource('AWS::EC2::VPCCidrBlock', { DependsOn: associationIds(template) });
  });

  test('addIngressAuthorization returns a rule that reaches the template', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    const rule = endpoint.addIngressAuthorization('OnPremises', {
      cidr: '192.168.0.0/16',
      authorizeAllGroups: true,
      description: 'On-premises',
    });
    expect(rule).toBeInstanceOf(IngressAuthorization);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(RULE, 2);
    template.hasResource(RULE, {
      Properties: {
        ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
        TargetNetworkCidr: '192.168.0.0/16',
        AuthorizeAllGroups: true,
        Description: 'On-premises',
      },
      DependsOn: associationIds(template),
    });
  });

  test('addRoute returns a route that reaches the template', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    const route = endpoint.addRoute('Internet', {
      cidr: '0.0.0.0/0',
      target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]),
      description: 'Everything',
    });
    expect(route).toBeInstanceOf(ClientVpnRoute);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ROUTE, 1);
    template.hasResource(ROUTE, {
      Properties: {
        ClientVpnEndpointId: { Ref: logicalId(f.stack, endpoint) },
        DestinationCidrBlock: '0.0.0.0/0',
        TargetVpcSubnetId: f.stack.resolve(f.vpc.privateSubnets[0].subnetId),
        Description: 'Everything',
      },
      DependsOn: associationIds(template),
    });
  });
});

describe('fromClientVpnEndpointAttributes', () => {
  function imported() {
    const f = testStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'ImportedSg', 'sg-0123456789abcdef0');
    const endpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', {
      endpointId: IMPORTED_ENDPOINT_ID,
      securityGroups: [sg],
    });
    return { ...f, sg, endpoint };
  }

  test('endpointId is the given id', () => {
    expect(imported().endpoint.endpointId).toBe(IMPORTED_ENDPOINT_ID);
  });

  test('endpointArn is built from the id', () => {
    const f = imported();
    const arn = JSON.stringify(f.stack.resolve(f.endpoint.endpointArn));
    expect(arn).toContain(`:ec2:us-east-1:123456789012:client-vpn-endpoint/${IMPORTED_ENDPOINT_ID}`);
  });

  test('connections has the given security groups', () => {
    const f = imported();
    expect(f.endpoint.connections.securityGroups).toEqual([f.sg]);
  });

  test('connections is empty without security groups', () => {
    const f = testStack();
    const endpoint = ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
    expect(endpoint.connections.securityGroups).toEqual([]);
  });

  test('an import creates no resources', () => {
    const f = imported();
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ENDPOINT, 0);
    template.resourceCountIs(ASSOCIATION, 0);
    template.resourceCountIs(RULE, 0);
  });

  test('a rule on an import has no DependsOn', () => {
    const f = imported();
    const rule = f.endpoint.addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', authorizeAllGroups: true });
    expect(rule).toBeInstanceOf(IngressAuthorization);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(RULE, 1);
    template.hasResource(RULE, {
      Properties: { ClientVpnEndpointId: IMPORTED_ENDPOINT_ID, TargetNetworkCidr: '10.0.0.0/16', AuthorizeAllGroups: true },
      DependsOn: Match.absent(),
    });
  });

  test('a route on an import has no DependsOn', () => {
    const f = imported();
    const route = f.endpoint.addRoute('Route', { cidr: '0.0.0.0/0', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]) });
    expect(route).toBeInstanceOf(ClientVpnRoute);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(ROUTE, 1);
    template.hasResource(ROUTE, {
      Properties: { ClientVpnEndpointId: IMPORTED_ENDPOINT_ID, DestinationCidrBlock: '0.0.0.0/0' },
      DependsOn: Match.absent(),
    });
  });

  test('an empty endpointId is rejected', () => {
    const f = testStack();
    expectInvalid(() => ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', { endpointId: '' }), 'endpointId', "got ''");
  });
});

// ---------------------------------------------------------------------------
// 4. Validation
// ---------------------------------------------------------------------------

describe('validation', () => {
  describe('clientCidrBlock', () => {
    test.each<[string, string, string]>([
      ['not a CIDR', 'not-a-cidr', 'IPv4 network in CIDR notation'],
      ['an address without a prefix', '10.100.0.0', 'IPv4 network in CIDR notation'],
      ['an IPv6 block', '2001:db8::/56', 'IPv4 network in CIDR notation'],
      ['octets out of range', '10.300.0.0/22', 'IPv4 network in CIDR notation'],
      ['host bits set', '10.100.0.1/22', 'did you mean 10.100.0.0/22?'],
      ['a /11', '10.96.0.0/11', 'between /12 and /22'],
      ['a /23', '10.100.0.0/23', 'between /12 and /22'],
      ['a /8', '11.0.0.0/8', 'between /12 and /22'],
    ])('%s is rejected', (_name, cidr, rule) => {
      const error = expectRejected(() => ({ clientCidrBlock: cidr }), 'clientCidrBlock', `got '${cidr}'`);
      expect(error.message).toContain(rule);
    });

    test.each(['10.96.0.0/12', '10.100.0.0/22', '172.16.0.0/16', '192.168.0.0/22'])('%s is accepted', (cidr) => {
      expectAccepted(() => ({ clientCidrBlock: cidr })).hasResourceProperties(ENDPOINT, { ClientCidrBlock: cidr });
    });

    test('a block inside the VPC CIDR is rejected', () => {
      const error = expectRejected(() => ({ clientCidrBlock: '10.0.4.0/22' }), 'clientCidrBlock', "got '10.0.4.0/22'");
      expect(error.message).toContain('10.0.0.0/16');
    });

    test('a block containing the VPC CIDR is rejected', () => {
      const error = expectRejected(() => ({ clientCidrBlock: '10.0.0.0/12' }), 'clientCidrBlock', "got '10.0.0.0/12'");
      expect(error.message).toContain('10.0.0.0/16');
    });

    test('a block overlapping a secondary VPC CIDR is rejected', () => {
      const f = testStack();
      new ec2.CfnVPCCidrBlock(f.vpc, 'Secondary', { vpcId: f.vpc.vpcId, cidrBlock: '10.200.0.0/16' });
      const error = expectInvalid(() => createEndpoint(f, { clientCidrBlock: '10.200.8.0/22' }), 'clientCidrBlock', "got '10.200.8.0/22'");
      expect(error.message).toContain('10.200.0.0/16');
    });

    test('a block next to a secondary VPC CIDR is accepted', () => {
      const f = testStack();
      new ec2.CfnVPCCidrBlock(f.vpc, 'Secondary', { vpcId: f.vpc.vpcId, cidrBlock: '10.200.0.0/16' });
      expect(() => createEndpoint(f, { clientCidrBlock: '10.201.0.0/22' })).not.toThrow();
    });

    test('a VPC imported with a token CIDR passes', () => {
      const f = testStack();
      const vpc = importedVpc(f.stack, Fn.importValue('VpcCidr'));
      expect(() => createEndpoint(f, { vpc, clientCidrBlock: '10.0.0.0/22' })).not.toThrow();
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { ClientCidrBlock: '10.0.0.0/22', VpcId: 'vpc-0123456789abcdef0' });
    });

    test('a VPC imported with a literal CIDR is checked for overlap', () => {
      const f = testStack();
      const vpc = importedVpc(f.stack, '10.0.0.0/16');
      expectInvalid(() => createEndpoint(f, { vpc, clientCidrBlock: '10.0.0.0/22' }), 'clientCidrBlock', "got '10.0.0.0/22'");
    });

    test('the Vpc.fromLookup placeholder causes no false overlap error', () => {
      const f = lookupFixture();
      // 4.0.0.0/22 lies inside the placeholder CIDR 1.2.3.4/5 (0.0.0.0 - 7.255.255.255).
      expect(() => new ClientVpnEndpoint(f.stack, 'Endpoint', {
        ...minimalProps(f),
        clientCidrBlock: '4.0.0.0/22',
        authorizeAllUsersToVpcCidr: false,
      })).not.toThrow();
      // Before the lookup, aws-cdk-lib's stand-in ids are not real VPC and subnet ids.
      Validations.of(f.stack).acknowledge(
        { id: 'CloudFormation-Validate::E1151', reason: 'Vpc.fromLookup placeholder VPC id' },
        { id: 'CloudFormation-Validate::E1154', reason: 'Vpc.fromLookup placeholder subnet ids' },
      );
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { ClientCidrBlock: '4.0.0.0/22' });
    });

    test('the Vpc.fromLookup placeholder passes with the default authorization rule', () => {
      const f = lookupFixture();
      expect(() => new ClientVpnEndpoint(f.stack, 'Endpoint', { ...minimalProps(f), clientCidrBlock: '4.0.0.0/22' })).not.toThrow();
    });

    test.each<[string, IpAddressType | undefined]>([
      ['IPV4', IpAddressType.IPV4],
      ['DUAL_STACK', IpAddressType.DUAL_STACK],
      ['undefined', undefined],
    ])('missing with trafficIpAddressType %s is rejected', (_name, trafficIpAddressType) => {
      const error = expectRejected((f) => ({ vpc: dualStackVpc(f.stack), clientCidrBlock: undefined, trafficIpAddressType }), 'clientCidrBlock', 'got undefined');
      expect(error.message).toContain('required');
    });

    test('given with trafficIpAddressType IPV6 is rejected', () => {
      expectRejected((f) => ({
        vpc: dualStackVpc(f.stack),
        trafficIpAddressType: IpAddressType.IPV6,
        authorizeAllUsersToVpcCidr: false,
      }), 'clientCidrBlock', "got '10.100.0.0/22'");
    });

    test.each<[string, () => string]>([
      ['Token.asString', () => Token.asString(Fn.importValue('ClientCidr'))],
      ['Lazy.string', () => Lazy.string({ produce: () => '10.0.0.0/24' })],
      ['Fn.importValue', () => Fn.importValue('ClientCidr')],
    ])('an unresolved token (%s) passes', (_name, cidr) => {
      expectAccepted(() => ({ clientCidrBlock: cidr() }));
    });
  });

  describe('dnsServers', () => {
    test('three servers are rejected', () => {
      const error = expectRejected(() => ({ dnsServers: ['10.0.0.2', '10.0.0.3', '10.0.0.4'] }), 'dnsServers', '10.0.0.4');
      expect(error.message).toContain('at most 2');
    });

    test('a server that is not an IP address is rejected', () => {
      expectRejected(() => ({ dnsServers: ['dns.example.com'] }), 'dnsServers', "got 'dns.example.com'");
    });

    test('a CIDR is not an IP address', () => {
      expectRejected(() => ({ dnsServers: ['10.0.0.2/32'] }), 'dnsServers', "got '10.0.0.2/32'");
    });

    test('IPv6 servers are accepted', () => {
      expectAccepted(() => ({ dnsServers: ['2001:db8::53', '10.0.0.2'] })).hasResourceProperties(ENDPOINT, {
        DnsServers: ['2001:db8::53', '10.0.0.2'],
      });
    });

    test('a non-list is rejected', () => {
      expectRejected(() => ({ dnsServers: '10.0.0.2' as any }), 'dnsServers', "got '10.0.0.2'");
    });

    test.each<[string, () => string[]]>([
      ['Token.asList', () => Token.asList(Fn.importValue('DnsServers'))],
      ['Fn.split', () => Fn.split(',', Fn.importValue('DnsServers'))],
      ['a token element', () => [Token.asString(Fn.importValue('DnsServer')), '10.0.0.2']],
      ['Lazy.list', () => Lazy.list({ produce: () => ['10.0.0.2', '10.0.0.3', '10.0.0.4'] })],
    ])('an unresolved token (%s) passes', (_name, servers) => {
      expectAccepted(() => ({ dnsServers: servers() }));
    });
  });

  describe('enum props', () => {
    test.each<[string, unknown, string]>([
      ['port', 8443, 'got 8443'],
      ['port', '443', "got '443'"],
      ['transportProtocol', 'sctp', "got 'sctp'"],
      ['transportProtocol', 'TCP', "got 'TCP'"],
      ['sessionTimeout', 9, 'got 9'],
      ['endpointIpAddressType', 'ipv5', "got 'ipv5'"],
      ['trafficIpAddressType', 'ipv5', "got 'ipv5'"],
    ])('%s %p is rejected', (prop, value, received) => {
      const error = expectRejected(() => ({ [prop]: value as any }), prop, received);
      expect(error.message).toContain('must be one of');
    });

    test.each<[string, () => unknown]>([
      ['port', () => Token.asNumber(Fn.importValue('Port'))],
      ['transportProtocol', () => Token.asString(Fn.importValue('Protocol'))],
      ['sessionTimeout', () => Token.asNumber(Fn.importValue('Hours'))],
      ['endpointIpAddressType', () => Lazy.string({ produce: () => 'ipv4' })],
      ['trafficIpAddressType', () => Token.asString(Fn.importValue('TrafficType'))],
    ])('an unresolved token for %s passes', (prop, value) => {
      expectAccepted(() => ({ [prop]: value() as any }));
    });
  });

  describe('boolean props', () => {
    const booleanProps = [
      'splitTunnel',
      'selfServicePortal',
      'disconnectOnSessionTimeout',
      'clientRouteEnforcement',
    ];

    test.each(booleanProps)('%s given a string is rejected', (prop) => {
      const error = expectRejected(() => ({ [prop]: 'yes' as any }), prop, "got 'yes'");
      expect(error.message).toContain('true or false');
    });

    test.each(booleanProps)('%s given a number is rejected', (prop) => {
      expectRejected(() => ({ [prop]: 1 as any }), prop, 'got 1');
    });

    test.each(booleanProps)('an unresolved token for %s passes', (prop) => {
      expectAccepted(() => ({ [prop]: booleanToken(true) }));
    });
  });

  describe('string props given non-strings', () => {
    test.each<[string, unknown, string]>([
      ['description', 42, 'got 42'],
      ['clientLoginBanner', { text: 'hi' }, 'got {"text":"hi"}'],
    ])('%s is rejected', (prop, value, received) => {
      expectRejected(() => ({ [prop]: value as any }), prop, received);
    });

    test('an unresolved token description passes', () => {
      expectAccepted(() => ({ description: Token.asString(Fn.importValue('Description')) }));
    });
  });

  describe('clientLoginBanner', () => {
    test('1400 characters are accepted', () => {
      expectAccepted(() => ({ clientLoginBanner: 'a'.repeat(1400) })).hasResourceProperties(ENDPOINT, {
        ClientLoginBannerOptions: { Enabled: true, BannerText: 'a'.repeat(1400) },
      });
    });

    test('1401 characters are rejected', () => {
      const error = expectRejected(() => ({ clientLoginBanner: 'a'.repeat(1401) }), 'clientLoginBanner', '1401 characters');
      expect(error.message).toContain('at most 1400 characters');
    });

    test('1400 emoji are accepted: code points are counted, not UTF-16 units', () => {
      expectAccepted(() => ({ clientLoginBanner: '\u{1F512}'.repeat(1400) }));
    });

    test('1401 emoji are rejected', () => {
      expectRejected(() => ({ clientLoginBanner: '\u{1F512}'.repeat(1401) }), 'clientLoginBanner', '1401 characters');
    });

    test('an empty banner is a warning on the endpoint resource, written as given, and acknowledgeable', () => {
      const f = testStack();
      const endpoint = createEndpoint(f, { clientLoginBanner: '' });
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { ClientLoginBannerOptions: { Enabled: true, BannerText: '' } });
      expect(libraryWarnings(f.stack, 'emptyLoginBanner')).toEqual([
        "Test/Endpoint: `clientLoginBanner` is empty: the banner is switched on but shows no text, got '' [ack: cdk-client-vpn:emptyLoginBanner]",
      ]);
      CoreAnnotations.of(endpoint).acknowledgeWarning('cdk-client-vpn:emptyLoginBanner', 'a banner is set by a later deploy');
      expect(libraryWarnings(f.stack, 'emptyLoginBanner')).toEqual([]);
    });

    test('an empty banner\'s warning is silenced by an acknowledgement on the stack made before the endpoint', () => {
      const f = testStack();
      CoreAnnotations.of(f.stack).acknowledgeWarning('cdk-client-vpn:emptyLoginBanner', 'the banner text comes with the next release');
      createEndpoint(f, { clientLoginBanner: '' });
      expect(libraryWarnings(f.stack, 'emptyLoginBanner')).toEqual([]);
    });

    test('a banner with text gives no warning', () => {
      const f = testStack();
      createEndpoint(f, { clientLoginBanner: 'Authorized use only' });
      expect(libraryWarnings(f.stack, 'emptyLoginBanner')).toEqual([]);
    });

    test('an unresolved token passes', () => {
      expectAccepted(() => ({ clientLoginBanner: Lazy.string({ produce: () => 'x'.repeat(5000) }) }));
    });
  });

  describe('clientConnectHandler', () => {
    test('a function named AWSClientVPN-... is accepted', () => {
      const f = testStack();
      const fn = handler(f.stack, 'AWSClientVPN-ok');
      expect(() => createEndpoint(f, { clientConnectHandler: fn })).not.toThrow();
      Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('clientConnectHandler'));
    });

    test('a function with another name is rejected', () => {
      const f = testStack();
      const fn = handler(f.stack, 'bad');
      const error = expectInvalid(() => createEndpoint(f, { clientConnectHandler: fn }), 'clientConnectHandler', "got 'bad'");
      expect(error.message).toContain('AWSClientVPN-');
    });

    test('a function imported by name is checked', () => {
      const f = testStack();
      const fn = lambda.Function.fromFunctionName(f.stack, 'F', 'bad');
      expectInvalid(() => createEndpoint(f, { clientConnectHandler: fn }), 'clientConnectHandler', "got 'bad'");
    });

    test('a function imported by ARN is checked by the name in the ARN', () => {
      const f = testStack();
      const fn = lambda.Function.fromFunctionArn(f.stack, 'F', 'arn:aws:lambda:us-east-1:123456789012:function:bad');
      expectInvalid(() => createEndpoint(f, { clientConnectHandler: fn }), 'clientConnectHandler', "got 'bad'");
    });

    test('a function imported by ARN with a good name is accepted', () => {
      const f = testStack();
      const arn = 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-auth';
      const fn = lambda.Function.fromFunctionArn(f.stack, 'F', arn);
      expect(() => createEndpoint(f, { clientConnectHandler: fn })).not.toThrow();
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, {
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: arn },
      });
    });

    test('a function with no name is rejected: CloudFormation would name it after the stack', () => {
      const f = testStack();
      const fn = handler(f.stack);
      expectInvalid(() => createEndpoint(f, { clientConnectHandler: fn }), 'clientConnectHandler', "must have a functionName starting with 'AWSClientVPN-'");
    });

    test('a function with no name passes in a stack whose name has the prefix', () => {
      const f = testStack(new App(), 'AWSClientVPN-Handlers');
      const fn = handler(f.stack);
      expect(() => createEndpoint(f, { clientConnectHandler: fn })).not.toThrow();
    });

    test('a token name passes', () => {
      const f = testStack();
      const fn = lambda.Function.fromFunctionName(f.stack, 'F', Fn.importValue('HandlerName'));
      expect(() => createEndpoint(f, { clientConnectHandler: fn })).not.toThrow();
    });

    test('a function given a token functionName passes', () => {
      const f = testStack();
      const fn = handler(f.stack, Token.asString(Fn.importValue('HandlerName')));
      expect(() => createEndpoint(f, { clientConnectHandler: fn })).not.toThrow();
      expect(() => Template.fromStack(f.stack)).not.toThrow();
    });

    test('a function given a token functionName gets no "has no functionName" warning', () => {
      const f = testStack();
      const fn = handler(f.stack, Token.asString(Fn.importValue('HandlerName')));
      createEndpoint(f, { clientConnectHandler: fn });
      Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('has no functionName'));
    });
  });

  describe('authentication', () => {
    test('no authentication is rejected', () => {
      const error = expectRejected(() => ({ clientRootCertificate: undefined }), 'clientRootCertificate', 'got undefined');
      expect(error.message).toContain('`userAuthentication`');
    });

    test('selfServicePortal true without userAuthentication is rejected', () => {
      expectRejected(() => ({ selfServicePortal: true }), 'selfServicePortal', 'got true');
    });

    test.each<[string, boolean | undefined, string]>([
      ['undefined', undefined, 'got undefined'],
      ['false', false, 'got false'],
    ])('a self-service SAML provider with selfServicePortal %s is a warning, and the provider is written (AWS accepts it)', (_name, selfServicePortal, received) => {
      const f = testStack();
      createEndpoint(f, {
        selfServicePortal,
        userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f.stack), samlProvider(f.stack, 'PortalSaml', SELF_SERVICE_SAML_ARN)),
      });
      Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, {
        SelfServicePortal: 'disabled',
        AuthenticationOptions: Match.arrayWith([Match.objectLike({
          FederatedAuthentication: Match.objectLike({ SelfServiceSAMLProviderArn: SELF_SERVICE_SAML_ARN }),
        })]),
      });
      expect(libraryWarnings(f.stack, 'selfServiceProviderWithoutPortal')).toEqual([
        `Test/Endpoint: \`selfServicePortal\` is off while \`userAuthentication\` names a self-service SAML provider: nobody signs in through that provider until the portal is on, ${received} [ack: cdk-client-vpn:selfServiceProviderWithoutPortal]`,
      ]);
    });

    test.each<[string, boolean]>([
      ['true', true],
      ['a token (the portal switched at deploy time)', booleanToken(false)],
    ])('a self-service SAML provider with selfServicePortal %s gives no warning', (_name, selfServicePortal) => {
      const f = testStack();
      createEndpoint(f, {
        selfServicePortal,
        userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f.stack), samlProvider(f.stack, 'PortalSaml', SELF_SERVICE_SAML_ARN)),
      });
      expect(() => Template.fromStack(f.stack)).not.toThrow();
      expect(libraryWarnings(f.stack, 'selfServiceProviderWithoutPortal')).toEqual([]);
    });

    test('federated without a self-service provider and without the portal is accepted', () => {
      expectAccepted((f) => ({ userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f.stack)) }));
    });

    test('a token selfServicePortal without userAuthentication passes', () => {
      expectAccepted(() => ({ selfServicePortal: booleanToken(true) }));
    });

    test('a userAuthentication not made by the factories is rejected', () => {
      expectRejected(() => ({ userAuthentication: { directoryId: 'd-1234567890' } as any }), 'userAuthentication', 'd-1234567890');
    });

    test('ClientVpnUserAuthentication.activeDirectory(\'bad\') is rejected', () => {
      expectInvalid(() => ClientVpnUserAuthentication.activeDirectory('bad'), 'directoryId', "got 'bad'");
    });

    test('ClientVpnUserAuthentication.activeDirectory(\'\') is rejected', () => {
      expectInvalid(() => ClientVpnUserAuthentication.activeDirectory(''), 'directoryId', "got ''");
    });

    test('ClientVpnUserAuthentication.activeDirectory with a token passes and reaches the template', () => {
      const directoryId = Fn.importValue('DirectoryId');
      expect(() => ClientVpnUserAuthentication.activeDirectory(directoryId)).not.toThrow();
      expectAccepted(() => ({ userAuthentication: ClientVpnUserAuthentication.activeDirectory(directoryId) }))
        .hasResourceProperties(ENDPOINT, {
          AuthenticationOptions: Match.arrayWith([{
            Type: 'directory-service-authentication',
            ActiveDirectory: { DirectoryId: { 'Fn::ImportValue': 'DirectoryId' } },
          }]),
        });
    });

    test('ClientVpnUserAuthentication.federated without a provider is rejected', () => {
      expectInvalid(() => ClientVpnUserAuthentication.federated(undefined as any), 'samlProvider', 'got undefined');
    });
  });

  describe('clientRouteEnforcement', () => {
    test('true with splitTunnel true is rejected', () => {
      const error = expectRejected(() => ({ clientRouteEnforcement: true, splitTunnel: true }), 'clientRouteEnforcement', 'got true');
      expect(error.message).toContain('`splitTunnel`');
    });

    test('true with splitTunnel false is accepted', () => {
      expectAccepted(() => ({ clientRouteEnforcement: true, splitTunnel: false }));
    });

    test('a token with splitTunnel true passes', () => {
      expectAccepted(() => ({ clientRouteEnforcement: booleanToken(true), splitTunnel: true }));
    });
  });

  describe('logging', () => {
    test('logging false with logGroup is rejected', () => {
      expectRejected((f) => ({
        logging: false,
        logGroup: logs.LogGroup.fromLogGroupName(f.stack, 'Group', 'vpn-connections'),
      }), 'logGroup', 'Test/Group');
    });

    test('logging false with logStream is rejected', () => {
      expectRejected((f) => ({
        logging: false,
        logStream: logs.LogStream.fromLogStreamName(f.stack, 'Stream', 'endpoint-stream'),
      }), 'logStream', 'Test/Stream');
    });

    test('logging false with logRetention is rejected', () => {
      expectRejected(() => ({ logging: false, logRetention: logs.RetentionDays.ONE_MONTH }), 'logRetention', 'got 30');
    });

    test('logStream without logGroup is rejected', () => {
      const error = expectRejected((f) => ({
        logStream: logs.LogStream.fromLogStreamName(f.stack, 'Stream', 'endpoint-stream'),
      }), 'logStream', 'Test/Stream');
      expect(error.message).toContain('`logGroup`');
    });

    test('logRetention with logGroup is rejected', () => {
      expectRejected((f) => ({
        logGroup: logs.LogGroup.fromLogGroupName(f.stack, 'Group', 'vpn-connections'),
        logRetention: logs.RetentionDays.ONE_WEEK,
      }), 'logRetention', 'got 7');
    });

    // Whether a log group is created cannot wait for deploy time.
    test.each(['logging', 'authorizeAllUsersToVpcCidr'])('a token for %s is rejected: it decides which resources exist', (prop) => {
      expectRejected(() => ({ [prop]: booleanToken(false) }), prop, 'must be a literal true or false');
    });

    test('a token log group name passes', () => {
      expectAccepted((f) => ({
        logGroup: logs.LogGroup.fromLogGroupName(f.stack, 'Group', Fn.importValue('LogGroupName')),
        logStream: logs.LogStream.fromLogStreamName(f.stack, 'Stream', Fn.importValue('LogStreamName')),
      })).hasResourceProperties(ENDPOINT, {
        ConnectionLogOptions: {
          Enabled: true,
          CloudwatchLogGroup: { 'Fn::ImportValue': 'LogGroupName' },
          CloudwatchLogStream: { 'Fn::ImportValue': 'LogStreamName' },
        },
      });
    });
  });

  describe('securityGroups', () => {
    const groups = (stack: Stack, count: number, id: (i: number) => string = (i) => `sg-${i}${i}${i}${i}${i}${i}${i}${i}`) =>
      Array.from({ length: count }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(stack, `Sg${i + 1}`, id(i + 1)));

    test('an empty list is rejected', () => {
      const error = expectRejected(() => ({ securityGroups: [] }), 'securityGroups', 'got []');
      expect(error.message).toContain('1 to 5');
    });

    test('six groups are rejected', () => {
      expectRejected((f) => ({ securityGroups: groups(f.stack, 6) }), 'securityGroups', 'sg-66666666');
    });

    test('five groups are accepted', () => {
      expectAccepted((f) => ({ securityGroups: groups(f.stack, 5) })).hasResourceProperties(ENDPOINT, {
        SecurityGroupIds: Match.arrayWith(['sg-11111111', 'sg-55555555']),
      });
    });

    test('groups with unresolved token ids pass', () => {
      expectAccepted((f) => ({ securityGroups: groups(f.stack, 2, (i) => Fn.importValue(`Sg${i}`)) }));
    });

    test('a non-list is rejected', () => {
      expectRejected(() => ({ securityGroups: 'sg-11111111' as any }), 'securityGroups', "got 'sg-11111111'");
    });
  });

  describe('vpcSubnets', () => {
    test('a subnet type with two subnets per zone is rejected', () => {
      const f = testStack();
      const vpc = twoPrivateGroupsVpc(f.stack);
      const error = expectInvalid(
        () => createEndpoint(f, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
        'vpcSubnets',
        'the subnet at Test/',
      );
      expect(error.message).toContain('at most one subnet per Availability Zone');
    });

    test('the same subnet type with onePerAz is accepted', () => {
      const f = testStack();
      const vpc = twoPrivateGroupsVpc(f.stack);
      expect(() => createEndpoint(f, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true } })).not.toThrow();
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });

    test('explicit subnets in one zone are rejected', () => {
      const f = testStack();
      const subnets = [f.vpc.privateSubnets[0], f.vpc.publicSubnets[0]];
      expect(subnets[0].availabilityZone).toBe(subnets[1].availabilityZone);
      const error = expectInvalid(() => createEndpoint(f, { vpcSubnets: { subnets } }), 'vpcSubnets', 'the subnet at Test/');
      expect(error.message).toContain(subnets[0].availabilityZone);
    });

    test('imported subnets in one zone are rejected, naming them', () => {
      const f = testStack();
      const subnets = ['subnet-11111111', 'subnet-22222222'].map((subnetId) =>
        ec2.Subnet.fromSubnetAttributes(f.stack, subnetId, { subnetId, availabilityZone: 'us-east-1a' }));
      const error = expectInvalid(() => createEndpoint(f, { vpcSubnets: { subnets } }), 'vpcSubnets', 'subnet-22222222');
      expect(error.message).toContain('subnet-11111111');
      expect(error.message).toContain('us-east-1a');
    });

    test('imported subnets with token zones pass', () => {
      const f = testStack();
      const subnets = ['subnet-11111111', 'subnet-22222222'].map((subnetId) =>
        ec2.Subnet.fromSubnetAttributes(f.stack, subnetId, { subnetId, availabilityZone: Fn.importValue(`${subnetId}-az`) }));
      expect(() => createEndpoint(f, { vpcSubnets: { subnets } })).not.toThrow();
      Template.fromStack(f.stack).resourceCountIs(ASSOCIATION, 2);
    });

    test('imported subnets without a zone pass', () => {
      const f = testStack();
      const subnets = ['subnet-11111111', 'subnet-22222222'].map((subnetId) => ec2.Subnet.fromSubnetId(f.stack, subnetId, subnetId));
      expect(() => createEndpoint(f, { vpcSubnets: { subnets } })).not.toThrow();
      Template.fromStack(f.stack).hasResourceProperties(ASSOCIATION, { SubnetId: 'subnet-22222222' });
    });

    // Legal (the endpoint waits in pending-associate), so a warning: see target-subnets.test.ts.
    test('a selection with no subnets is a warning, not an error', () => {
      const f = build(() => ({ vpcSubnets: { subnets: [] } }));
      f.template.resourceCountIs(ASSOCIATION, 0);
      Annotations.fromStack(f.stack).hasWarning('/Test/Endpoint/Resource', Match.stringLikeRegexp('has no target networks.*\\[ack: cdk-client-vpn:noTargetNetworks\\]'));
    });

    test('a filter that matches nothing is a warning, not an error', () => {
      const f = build(() => ({ vpcSubnets: { subnetFilters: [ec2.SubnetFilter.byIds(['subnet-00000000'])] } }));
      f.template.resourceCountIs(ASSOCIATION, 0);
      Annotations.fromStack(f.stack).hasWarning('/Test/Endpoint/Resource', Match.stringLikeRegexp('has no target networks'));
    });
  });

  describe('default authorization rule', () => {
    // More in default-authorization.test.ts.
    test('with trafficIpAddressType IPV6 authorizes the VPC\'s IPv6 block', () => {
      const f = build((fx) => ({ vpc: dualStackVpc(fx.stack), clientCidrBlock: undefined, trafficIpAddressType: IpAddressType.IPV6 }));
      f.template.resourceCountIs(RULE, 1);
      f.template.hasResourceProperties(RULE, {
        TargetNetworkCidr: { 'Fn::Select': [0, { 'Fn::GetAtt': [Match.stringLikeRegexp('^DualStack'), 'Ipv6CidrBlocks'] }] },
        AuthorizeAllGroups: true,
      });
    });

    test('explicitly true with trafficIpAddressType IPV6 through a VPC without an IPv6 block is rejected', () => {
      expectRejected(() => ({
        clientCidrBlock: undefined,
        trafficIpAddressType: IpAddressType.IPV6,
        authorizeAllUsersToVpcCidr: true,
      }), 'trafficIpAddressType', "got 'ipv6'");
    });

    test('with a VPC imported without vpcCidrBlock is rejected', () => {
      const error = expectRejected((f) => ({ vpc: importedVpc(f.stack) }), 'authorizeAllUsersToVpcCidr', 'got undefined');
      expect(error.message).toContain('`vpcCidrBlock`');
    });

    test('a VPC imported without vpcCidrBlock passes with authorizeAllUsersToVpcCidr false', () => {
      const template = expectAccepted((f) => ({ vpc: importedVpc(f.stack), authorizeAllUsersToVpcCidr: false }));
      template.resourceCountIs(RULE, 0);
      template.resourceCountIs(ASSOCIATION, 2);
      template.hasResourceProperties(ASSOCIATION, { SubnetId: 'subnet-aaaaaaaa' });
      template.hasResourceProperties(ASSOCIATION, { SubnetId: 'subnet-bbbbbbbb' });
    });

    test('a VPC imported with vpcCidrBlock authorizes that block', () => {
      expectAccepted((f) => ({ vpc: importedVpc(f.stack, '10.0.0.0/16') })).hasResourceProperties(RULE, {
        TargetNetworkCidr: '10.0.0.0/16',
        AuthorizeAllGroups: true,
      });
    });
  });

  describe('required props', () => {
    test('a missing vpc is rejected', () => {
      expectRejected(() => ({ vpc: undefined as any }), 'vpc', 'got undefined');
    });

    test('a missing serverCertificate is rejected', () => {
      expectRejected(() => ({ serverCertificate: undefined as any }), 'serverCertificate', 'got undefined');
    });
  });
});

// ---------------------------------------------------------------------------
// 5. Property injection
// ---------------------------------------------------------------------------

describe('property injection', () => {
  function injectOnApp(f: Fixture, inject: (props: ClientVpnEndpointProps) => ClientVpnEndpointProps) {
    PropertyInjectors.of(f.app).add({ constructUniqueId: ClientVpnEndpoint.PROPERTY_INJECTION_ID, inject });
  }

  test('PROPERTY_INJECTION_ID is stable', () => {
    expect(ClientVpnEndpoint.PROPERTY_INJECTION_ID).toBe('cdk-client-vpn.ClientVpnEndpoint');
  });

  test('an injected default reaches the template', () => {
    const f = testStack();
    injectOnApp(f, (p) => ({ sessionTimeout: SessionTimeout.EIGHT_HOURS, ...p }));
    createEndpoint(f);
    Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { SessionTimeoutHours: 8 });
  });

  test('a prop given explicitly wins over the injected default', () => {
    const f = testStack();
    injectOnApp(f, (p) => ({ sessionTimeout: SessionTimeout.EIGHT_HOURS, ...p }));
    createEndpoint(f, { sessionTimeout: SessionTimeout.TWELVE_HOURS });
    Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { SessionTimeoutHours: 12 });
  });

  test('an injector on the stack applies too', () => {
    const f = testStack();
    PropertyInjectors.of(f.stack).add({
      constructUniqueId: ClientVpnEndpoint.PROPERTY_INJECTION_ID,
      inject: (p: ClientVpnEndpointProps) => ({ description: 'Managed by the platform team', ...p }),
    });
    createEndpoint(f);
    Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { Description: 'Managed by the platform team' });
  });

  test('an injector for another construct does not apply', () => {
    const f = testStack();
    PropertyInjectors.of(f.app).add({
      constructUniqueId: 'cdk-client-vpn.SomethingElse',
      inject: (p: any) => ({ sessionTimeout: SessionTimeout.EIGHT_HOURS, ...p }),
    });
    createEndpoint(f);
    Template.fromStack(f.stack).hasResourceProperties(ENDPOINT, { SessionTimeoutHours: Match.absent() });
  });

  test('an injected invalid value is rejected like a prop', () => {
    const f = testStack();
    injectOnApp(f, (p) => ({ ...p, port: 8443 as any }));
    expectInvalid(() => createEndpoint(f), 'port', 'got 8443');
  });

  test('an injected value that breaks a combination rule is rejected', () => {
    const f = testStack();
    injectOnApp(f, (p) => ({ ...p, splitTunnel: true }));
    expectInvalid(() => createEndpoint(f, { clientRouteEnforcement: true }), 'clientRouteEnforcement', 'got true');
  });
});
