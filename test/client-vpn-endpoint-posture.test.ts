import { CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClientVpnEndpoint, ClientVpnEndpointProps, DevicePostureTrustProviderType } from '../src';
import { minimalProps, testStack } from './util';

const ENDPOINT = 'AWS::EC2::ClientVpnEndpoint';

function synth(extra: Partial<ClientVpnEndpointProps> | ((stack: Stack) => Partial<ClientVpnEndpointProps>)): Template {
  const fixture = testStack();
  const props = typeof extra === 'function' ? extra(fixture.stack) : extra;
  new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), ...props });
  return Template.fromStack(fixture.stack);
}

/** A token: the value of a template parameter. */
function parameter(stack: Stack, name: string): string {
  return new CfnParameter(stack, name).valueAsString;
}

function rejects(extra: Record<string, unknown>, prop: string, received: string): void {
  const fixture = testStack();
  expect(() => new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), ...extra }))
    .toThrow(new RegExp(`\`${prop.replace(/[.[\]]/g, '\\$&')}\`.*got ${received.replace(/[.[\]()*+?]/g, '\\$&')}`));
}

describe('authorizationPolicy', () => {
  test('renders the Cedar policy, description and shadow mode', () => {
    synth({ authorizationPolicy: { policyDocument: 'permit(principal, action, resource);', description: 'Everyone', shadowMode: true } })
      .hasResourceProperties(ENDPOINT, {
        AuthorizationPolicy: { PolicyDocument: 'permit(principal, action, resource);', Description: 'Everyone', ShadowMode: 'enabled' },
      });
  });

  test('shadow mode false is disabled; left out, it is absent', () => {
    synth({ authorizationPolicy: { policyDocument: 'p', shadowMode: false } })
      .hasResourceProperties(ENDPOINT, { AuthorizationPolicy: { PolicyDocument: 'p', ShadowMode: 'disabled' } });
    synth({ authorizationPolicy: { policyDocument: 'p' } })
      .hasResourceProperties(ENDPOINT, { AuthorizationPolicy: { PolicyDocument: 'p', ShadowMode: Match.absent() } });
  });

  test('absent by default', () => {
    synth({}).hasResourceProperties(ENDPOINT, { AuthorizationPolicy: Match.absent(), DevicePostureOptions: Match.absent() });
  });

  test('an empty policy document is rejected', () => {
    rejects({ authorizationPolicy: { policyDocument: '' } }, 'authorizationPolicy.policyDocument', "''");
  });

  test('a missing policy document is rejected', () => {
    rejects({ authorizationPolicy: {} }, 'authorizationPolicy.policyDocument', 'undefined');
  });

  test('a non-boolean shadow mode is rejected', () => {
    rejects({ authorizationPolicy: { policyDocument: 'p', shadowMode: 'yes' } }, 'authorizationPolicy.shadowMode', "'yes'");
  });

  test('a token policy document passes', () => {
    synth((stack) => ({ authorizationPolicy: { policyDocument: parameter(stack, 'Policy') } }))
      .hasResourceProperties(ENDPOINT, { AuthorizationPolicy: { PolicyDocument: { Ref: 'Policy' } } });
  });
});

describe('devicePostureOptions', () => {
  test('renders every provider, enabled by default', () => {
    synth({
      devicePostureOptions: {
        trustProviders: [
          { type: DevicePostureTrustProviderType.CROWDSTRIKE, tenantId: 'cs-tenant', publicSigningKeyUrl: 'https://keys.example.com/cs' },
          { type: DevicePostureTrustProviderType.JAMF, tenantId: 'jamf-tenant' },
        ],
      },
    }).hasResourceProperties(ENDPOINT, {
      DevicePostureOptions: {
        Enabled: true,
        TrustProviders: [
          { TrustProviderType: 'crowdstrike', TenantId: 'cs-tenant', PublicSigningKeyUrl: 'https://keys.example.com/cs' },
          { TrustProviderType: 'jamf', TenantId: 'jamf-tenant' },
        ],
      },
    });
  });

  test('enabled false and a custom provider kind', () => {
    synth({
      devicePostureOptions: { enabled: false, trustProviders: [{ type: DevicePostureTrustProviderType.custom('newvendor'), tenantId: 't' }] },
    }).hasResourceProperties(ENDPOINT, {
      DevicePostureOptions: { Enabled: false, TrustProviders: [{ TrustProviderType: 'newvendor', TenantId: 't' }] },
    });
  });

  test('no providers is rejected', () => {
    rejects({ devicePostureOptions: { trustProviders: [] } }, 'devicePostureOptions.trustProviders', '[]');
  });

  test.each([
    [DevicePostureTrustProviderType.CROWDSTRIKE, 'crowdstrike'],
    [DevicePostureTrustProviderType.JUMPCLOUD, 'jumpcloud'],
  ])('%s without a signing key URL is rejected', (type, name) => {
    const fixture = testStack();
    expect(() => new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      devicePostureOptions: { trustProviders: [{ type, tenantId: 't' }] },
    })).toThrow(`\`devicePostureOptions.trustProviders[0].publicSigningKeyUrl\` is required for ${name}, got undefined`);
  });

  test('jamf with a signing key URL is rejected', () => {
    rejects({
      devicePostureOptions: { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: 't', publicSigningKeyUrl: 'https://k' }] },
    }, 'devicePostureOptions.trustProviders[0].publicSigningKeyUrl', "'https://k'");
  });

  test('a signing key URL that is not https is rejected', () => {
    rejects({
      devicePostureOptions: { trustProviders: [{ type: DevicePostureTrustProviderType.JUMPCLOUD, tenantId: 't', publicSigningKeyUrl: 'http://k' }] },
    }, 'devicePostureOptions.trustProviders[0].publicSigningKeyUrl', "'http://k'");
  });

  test('an empty tenant id and a type that is not a DevicePostureTrustProviderType are rejected', () => {
    rejects({ devicePostureOptions: { trustProviders: [{ type: DevicePostureTrustProviderType.JAMF, tenantId: '' }] } },
      'devicePostureOptions.trustProviders[0].tenantId', "''");
    rejects({ devicePostureOptions: { trustProviders: [{ type: 'jamf', tenantId: 't' }] } },
      'devicePostureOptions.trustProviders[0].type', "'jamf'");
  });

  test('token tenant ids and URLs pass', () => {
    synth((stack) => ({
      devicePostureOptions: {
        trustProviders: [{
          type: DevicePostureTrustProviderType.CROWDSTRIKE,
          tenantId: parameter(stack, 'Tenant'),
          publicSigningKeyUrl: parameter(stack, 'Url'),
        }],
      },
    })).hasResourceProperties(ENDPOINT, {
      DevicePostureOptions: { TrustProviders: [{ TenantId: { Ref: 'Tenant' }, PublicSigningKeyUrl: { Ref: 'Url' } }] },
    });
  });
});

// More in transit-gateway-endpoint.test.ts. A transit gateway endpoint has no VPC and no default rule.
const TRANSIT_GATEWAY_ENDPOINT = { vpc: undefined, authorizeAllUsersToVpcCidr: false };

describe('logAuthorizationPolicyContext', () => {
  test.each([true, false])('%p becomes ConnectionLogOptions.IncludeAuthorizationPolicyContext, beside the log group', (value) => {
    synth({ logAuthorizationPolicyContext: value }).hasResourceProperties(ENDPOINT, {
      ConnectionLogOptions: { Enabled: true, CloudwatchLogGroup: { Ref: Match.stringLikeRegexp('^EndpointLogGroup') }, IncludeAuthorizationPolicyContext: value },
    });
  });

  test('with an authorization policy, for the policy decisions it logs', () => {
    synth({ authorizationPolicy: { policyDocument: 'permit(principal, action, resource);' }, logAuthorizationPolicyContext: true })
      .hasResourceProperties(ENDPOINT, {
        AuthorizationPolicy: { PolicyDocument: 'permit(principal, action, resource);' },
        ConnectionLogOptions: { IncludeAuthorizationPolicyContext: true },
      });
  });

  test('absent by default', () => {
    synth({}).hasResourceProperties(ENDPOINT, { ConnectionLogOptions: { Enabled: true, IncludeAuthorizationPolicyContext: Match.absent() } });
  });

  test.each([true, false])('%p is rejected with logging false', (value) => {
    rejects({ logging: false, logAuthorizationPolicyContext: value }, 'logAuthorizationPolicyContext', String(value));
  });

  test('a non-boolean is rejected', () => {
    rejects({ logAuthorizationPolicyContext: 'yes' }, 'logAuthorizationPolicyContext', "'yes'");
  });

  test('a token passes and is rendered as is', () => {
    synth((stack) => ({ logAuthorizationPolicyContext: Token.asAny(new CfnParameter(stack, 'Context', { type: 'String' })) as unknown as boolean }))
      .hasResourceProperties(ENDPOINT, { ConnectionLogOptions: { IncludeAuthorizationPolicyContext: { Ref: 'Context' } } });
  });
});

describe('transitGatewayConfiguration', () => {
  test('reaches the template: the transit gateway id, and each zone id as an association', () => {
    const template = synth({ ...TRANSIT_GATEWAY_ENDPOINT, transitGatewayConfiguration: { transitGatewayId: 'tgw-0123456789abcdef0', availabilityZoneIds: ['use1-az1'] } });
    template.hasResourceProperties(ENDPOINT, {
      VpcId: Match.absent(),
      TransitGatewayConfiguration: Match.objectEquals({ TransitGatewayId: 'tgw-0123456789abcdef0' }),
    });
    template.hasResourceProperties('AWS::EC2::ClientVpnTargetNetworkAssociation', { AvailabilityZoneId: 'use1-az1', SubnetId: Match.absent() });
  });

  test.each(['vpc-0123456789abcdef0', 'tgw-123', 'tgw-0123456789ABCDEF0'])('rejects the id %s', (transitGatewayId) => {
    rejects({ ...TRANSIT_GATEWAY_ENDPOINT, transitGatewayConfiguration: { transitGatewayId } }, 'transitGatewayConfiguration.transitGatewayId', `'${transitGatewayId}'`);
  });

  test('a token id passes', () => {
    synth((stack) => ({ ...TRANSIT_GATEWAY_ENDPOINT, transitGatewayConfiguration: { transitGatewayId: parameter(stack, 'Tgw') } }))
      .hasResourceProperties(ENDPOINT, { TransitGatewayConfiguration: { TransitGatewayId: { Ref: 'Tgw' } } });
  });
});

describe('apiSettings for these settings', () => {
  test.each([
    ['DevicePostureOptions', 'devicePostureOptions'],
    ['TransitGatewayConfiguration', 'transitGatewayConfiguration'],
  ])('%s is rejected in favour of `%s`', (key, prop) => {
    const fixture = testStack();
    expect(() => new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), apiSettings: { [key]: {} } }))
      .toThrow(`use the \`${prop}\` prop`);
  });
});

describe('documented rules found while writing docs/constraints.md', () => {
  test('transit gateway zones by name and by id together are rejected', () => {
    rejects({
      ...TRANSIT_GATEWAY_ENDPOINT,
      transitGatewayConfiguration: { transitGatewayId: 'tgw-0123456789abcdef0', availabilityZones: ['us-east-1a'], availabilityZoneIds: ['use1-az1'] },
    }, 'transitGatewayConfiguration.availabilityZoneIds', '["use1-az1"]');
  });

  test('a login banner with an unpaired surrogate is rejected: UTF-8 cannot encode it', () => {
    rejects({ clientLoginBanner: 'Welcome \uD83D' }, 'clientLoginBanner', "'Welcome \uD83D'");
  });

  test('a login banner with paired surrogates (emoji) passes', () => {
    synth({ clientLoginBanner: 'Welcome \uD83D\uDE00' }).hasResourceProperties(ENDPOINT, {
      ClientLoginBannerOptions: { Enabled: true, BannerText: 'Welcome \uD83D\uDE00' },
    });
  });
});
