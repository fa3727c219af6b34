import { CfnElement, Fn, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  ClientVpnEndpoint,
  ClientVpnUserAuthentication,
  IClientVpnEndpoint,
  IpAddressType,
  SessionTimeout,
  TransportProtocol,
  VpnPort,
} from '../src';
import { minimalProps, testStack } from './util';

const SAML_PROVIDER_ARN = 'arn:aws:iam::123456789012:saml-provider/Users';
const SELF_SERVICE_SAML_PROVIDER_ARN = 'arn:aws:iam::123456789012:saml-provider/SelfService';

function authenticationOptions(fixture: ReturnType<typeof testStack>): any[] {
  const endpoints = Template.fromStack(fixture.stack).findResources('AWS::EC2::ClientVpnEndpoint');
  const [endpoint] = Object.values(endpoints);
  return endpoint.Properties.AuthenticationOptions;
}

describe('ClientVpnUserAuthentication.activeDirectory', () => {
  test.each(['d-1234567890', 'd-abcdef0123', 'd-ABCDEF0123'])('accepts the directory id %s and renders it', (directoryId) => {
    const fixture = testStack();
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      clientRootCertificate: undefined,
      userAuthentication: ClientVpnUserAuthentication.activeDirectory(directoryId),
    });
    expect(authenticationOptions(fixture)).toEqual([
      { Type: 'directory-service-authentication', ActiveDirectory: { DirectoryId: directoryId } },
    ]);
  });

  test('adds to mutual TLS rather than replacing it', () => {
    const fixture = testStack();
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890'),
    });
    expect(authenticationOptions(fixture)).toEqual([
      { Type: 'certificate-authentication', MutualAuthentication: { ClientRootCertificateChainArn: fixture.clientRootCertificate.certificateArn } },
      { Type: 'directory-service-authentication', ActiveDirectory: { DirectoryId: 'd-1234567890' } },
    ]);
  });

  test.each([
    ['too few digits', 'd-123456789'],
    ['too many digits', 'd-12345678901'],
    ['no prefix', '1234567890'],
    ['a wrong prefix', 'x-1234567890'],
    ['non-hexadecimal digits', 'd-12345678zz'],
    ['a directory name', 'corp.example.com'],
    ['surrounding spaces', ' d-1234567890 '],
  ])('rejects %s (%p) naming `directoryId` and the value', (_, directoryId) => {
    expect(() => ClientVpnUserAuthentication.activeDirectory(directoryId)).toThrow(
      new Error(`\`directoryId\` must be a Directory Service id: 'd-' followed by 10 hexadecimal digits, got '${directoryId}'`),
    );
  });

  test('rejects an empty id', () => {
    expect(() => ClientVpnUserAuthentication.activeDirectory('')).toThrow(new Error("`directoryId` must not be empty, got ''"));
  });

  test('rejects a non-string id', () => {
    expect(() => ClientVpnUserAuthentication.activeDirectory(1234567890 as any)).toThrow(new Error('`directoryId` must be a string, got 1234567890'));
  });

  test('rejects a missing id', () => {
    expect(() => ClientVpnUserAuthentication.activeDirectory(undefined as any)).toThrow(/`directoryId`.*got undefined/);
  });

  test('passes a token without checking its content, and renders it', () => {
    const fixture = testStack();
    const directoryId = Fn.importValue('DirectoryId');
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      clientRootCertificate: undefined,
      userAuthentication: ClientVpnUserAuthentication.activeDirectory(directoryId),
    });
    expect(authenticationOptions(fixture)).toEqual([
      { Type: 'directory-service-authentication', ActiveDirectory: { DirectoryId: { 'Fn::ImportValue': 'DirectoryId' } } },
    ]);
  });

  test('passes a lazy token that would not match the pattern', () => {
    expect(() => ClientVpnUserAuthentication.activeDirectory(Token.asString({ resolve: () => 'nope' }))).not.toThrow();
  });
});

describe('ClientVpnUserAuthentication.federated', () => {
  test('renders SAMLProviderArn and no self-service provider', () => {
    const fixture = testStack();
    const provider = iam.SamlProvider.fromSamlProviderArn(fixture.stack, 'Provider', SAML_PROVIDER_ARN);
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      clientRootCertificate: undefined,
      userAuthentication: ClientVpnUserAuthentication.federated(provider),
    });
    const options = authenticationOptions(fixture);
    expect(options).toEqual([
      { Type: 'federated-authentication', FederatedAuthentication: { SAMLProviderArn: SAML_PROVIDER_ARN } },
    ]);
    expect(options[0].FederatedAuthentication).not.toHaveProperty('SelfServiceSAMLProviderArn');
  });

  test('renders SelfServiceSAMLProviderArn when a self-service provider is given', () => {
    const fixture = testStack();
    const provider = iam.SamlProvider.fromSamlProviderArn(fixture.stack, 'Provider', SAML_PROVIDER_ARN);
    const selfService = iam.SamlProvider.fromSamlProviderArn(fixture.stack, 'SelfService', SELF_SERVICE_SAML_PROVIDER_ARN);
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      clientRootCertificate: undefined,
      userAuthentication: ClientVpnUserAuthentication.federated(provider, selfService),
      selfServicePortal: true,
    });
    expect(authenticationOptions(fixture)).toEqual([
      {
        Type: 'federated-authentication',
        FederatedAuthentication: {
          SAMLProviderArn: SAML_PROVIDER_ARN,
          SelfServiceSAMLProviderArn: SELF_SERVICE_SAML_PROVIDER_ARN,
        },
      },
    ]);
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::EC2::ClientVpnEndpoint', { SelfServicePortal: 'enabled' });
  });

  test('renders a provider defined in the app as a Ref', () => {
    const fixture = testStack();
    const provider = new iam.SamlProvider(fixture.stack, 'Provider', {
      // IAM wants at least 1000 characters of metadata.
      metadataDocument: iam.SamlMetadataDocument.fromXml(
        `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/${'x'.repeat(1000)}"/>`),
    });
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      userAuthentication: ClientVpnUserAuthentication.federated(provider),
    });
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::EC2::ClientVpnEndpoint', {
      AuthenticationOptions: Match.arrayWith([
        { Type: 'federated-authentication', FederatedAuthentication: { SAMLProviderArn: { Ref: Match.stringLikeRegexp('^Provider') } } },
      ]),
    });
  });

  test.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object that is not a provider', {}, '{}'],
  ])('rejects %s as the SAML provider', (_, samlProvider, received) => {
    expect(() => ClientVpnUserAuthentication.federated(samlProvider as any)).toThrow(
      new Error(`\`samlProvider\` must be an IAM SAML provider, got ${received}`),
    );
  });

  test('rejects a self-service provider that is not a provider', () => {
    const fixture = testStack();
    const provider = iam.SamlProvider.fromSamlProviderArn(fixture.stack, 'Provider', SAML_PROVIDER_ARN);
    expect(() => ClientVpnUserAuthentication.federated(provider, { arn: 'x' } as any)).toThrow(
      new Error('`selfServiceSamlProvider` must be an IAM SAML provider, got {"arn":"x"}'),
    );
  });

  test('passes a provider whose ARN is a token', () => {
    const fixture = testStack();
    const provider = iam.SamlProvider.fromSamlProviderArn(fixture.stack, 'Provider', Fn.importValue('SamlProviderArn'));
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      userAuthentication: ClientVpnUserAuthentication.federated(provider),
    });
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::EC2::ClientVpnEndpoint', {
      AuthenticationOptions: Match.arrayWith([
        { Type: 'federated-authentication', FederatedAuthentication: { SAMLProviderArn: { 'Fn::ImportValue': 'SamlProviderArn' } } },
      ]),
    });
  });
});

describe('enums carry the values AWS expects', () => {
  test('TransportProtocol', () => {
    expect(TransportProtocol.TCP).toBe('tcp');
    expect(TransportProtocol.UDP).toBe('udp');
    expect(Object.values(TransportProtocol).sort()).toEqual(['tcp', 'udp']);
  });

  test('VpnPort', () => {
    expect(VpnPort.HTTPS).toBe(443);
    expect(VpnPort.OPENVPN).toBe(1194);
    expect(Object.values(VpnPort).filter((v) => typeof v === 'number').sort()).toEqual([1194, 443]);
  });

  test('SessionTimeout', () => {
    expect(SessionTimeout.EIGHT_HOURS).toBe(8);
    expect(SessionTimeout.TEN_HOURS).toBe(10);
    expect(SessionTimeout.TWELVE_HOURS).toBe(12);
    expect(SessionTimeout.TWENTY_FOUR_HOURS).toBe(24);
    expect(Object.values(SessionTimeout).filter((v) => typeof v === 'number').sort((a, b) => Number(a) - Number(b))).toEqual([8, 10, 12, 24]);
  });

  test('IpAddressType', () => {
    expect(IpAddressType.IPV4).toBe('ipv4');
    expect(IpAddressType.IPV6).toBe('ipv6');
    expect(IpAddressType.DUAL_STACK).toBe('dual-stack');
    expect(Object.values(IpAddressType).sort()).toEqual(['dual-stack', 'ipv4', 'ipv6']);
  });

  test('the values reach the template unchanged', () => {
    const fixture = testStack();
    new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      transportProtocol: TransportProtocol.TCP,
      port: VpnPort.OPENVPN,
      sessionTimeout: SessionTimeout.TWELVE_HOURS,
      endpointIpAddressType: IpAddressType.DUAL_STACK,
      trafficIpAddressType: IpAddressType.IPV4,
    });
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::EC2::ClientVpnEndpoint', {
      TransportProtocol: 'tcp',
      VpnPort: 1194,
      SessionTimeoutHours: 12,
      EndpointIpAddressType: 'dual-stack',
      TrafficIpAddressType: 'ipv4',
    });
  });
});

describe('IClientVpnEndpoint is an aws-cdk-lib ec2.IClientVpnEndpointRef', () => {
  const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
  const logicalId = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  function endpoints(fixture: ReturnType<typeof testStack>): Array<[string, IClientVpnEndpoint, unknown]> {
    const defined = new ClientVpnEndpoint(fixture.stack, 'Endpoint', minimalProps(fixture));
    const imported = ClientVpnEndpoint.fromClientVpnEndpointAttributes(fixture.stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
    return [['defined in the app', defined, { Ref: logicalId(fixture.stack, defined) }], ['imported', imported, IMPORTED_ENDPOINT_ID]];
  }

  test('clientVpnEndpointRef holds the endpoint id, for endpoints defined in the app and imported ones', () => {
    const fixture = testStack();
    for (const [, endpoint, id] of endpoints(fixture)) {
      const ref: ec2.ClientVpnEndpointReference = endpoint.clientVpnEndpointRef;
      expect(fixture.stack.resolve(ref)).toEqual({ clientVpnEndpointId: id });
    }
  });

  test('ec2.ClientVpnAuthorizationRule accepts our endpoints', () => {
    const fixture = testStack();
    const [[, defined, definedId], [, imported]] = endpoints(fixture);
    new ec2.ClientVpnAuthorizationRule(fixture.stack, 'Rule', { clientVpnEndpoint: defined, cidr: '192.168.0.0/16', description: 'aws-cdk-lib rule' });
    new ec2.ClientVpnAuthorizationRule(fixture.stack, 'ImportedRule', { clientVpnEndpoint: imported, cidr: '192.168.0.0/16', groupId: 'engineering' });
    const template = Template.fromStack(fixture.stack);
    template.hasResourceProperties('AWS::EC2::ClientVpnAuthorizationRule', Match.objectEquals({
      ClientVpnEndpointId: definedId,
      TargetNetworkCidr: '192.168.0.0/16',
      AuthorizeAllGroups: true,
      Description: 'aws-cdk-lib rule',
    }));
    template.hasResourceProperties('AWS::EC2::ClientVpnAuthorizationRule', Match.objectEquals({
      ClientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      TargetNetworkCidr: '192.168.0.0/16',
      AccessGroupId: 'engineering',
      AuthorizeAllGroups: false,
    }));
  });

  test('ec2.ClientVpnRoute accepts our endpoint and waits for its target network associations', () => {
    const fixture = testStack();
    const [[, defined, definedId]] = endpoints(fixture);
    new ec2.ClientVpnRoute(fixture.stack, 'Route', {
      clientVpnEndpoint: defined,
      cidr: '192.168.0.0/16',
      target: ec2.ClientVpnRouteTarget.subnet(fixture.vpc.privateSubnets[0]),
    });
    const template = Template.fromStack(fixture.stack);
    const associations = Object.keys(template.findResources('AWS::EC2::ClientVpnTargetNetworkAssociation')).sort();
    expect(associations).toHaveLength(2);
    const [route] = Object.values(template.findResources('AWS::EC2::ClientVpnRoute'));
    expect(route.Properties).toEqual({
      ClientVpnEndpointId: definedId,
      DestinationCidrBlock: '192.168.0.0/16',
      TargetVpcSubnetId: { Ref: logicalId(fixture.stack, fixture.vpc.privateSubnets[0]) },
    });
    expect([...route.DependsOn].sort()).toEqual(associations);
  });

  test('ec2.ClientVpnRoute accepts an imported endpoint', () => {
    const fixture = testStack();
    const [, [, imported]] = endpoints(fixture);
    new ec2.ClientVpnRoute(fixture.stack, 'Route', { clientVpnEndpoint: imported, cidr: '10.0.0.0/16', target: ec2.ClientVpnRouteTarget.local() });
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::EC2::ClientVpnRoute', Match.objectEquals({
      ClientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      DestinationCidrBlock: '10.0.0.0/16',
      TargetVpcSubnetId: 'local',
    }));
  });
});
