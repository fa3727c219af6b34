import { Annotations as CoreAnnotations, CfnElement, Fn, Lazy, PropertyInjectors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ClientVpnEndpoint,
  ClientVpnEndpointProps,
  ClientVpnUserAuthentication,
  IClientVpnEndpoint,
  IngressAuthorization,
  IngressAuthorizationProps,
} from '../src';
import { libraryWarnings, minimalProps, testStack } from './util';

const IMPORTED_ENDPOINT_ID = 'cvpn-endpoint-0123456789abcdef0';
const RULE = 'AWS::EC2::ClientVpnAuthorizationRule';

/** A fixture with an endpoint that has no default rule, so the rules in the template are the test's own. */
function setup(overrides: Partial<ClientVpnEndpointProps> = {}) {
  const fixture = testStack();
  const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
    ...minimalProps(fixture),
    authorizeAllUsersToVpcCidr: false,
    ...overrides,
  });
  return { ...fixture, endpoint };
}

/** An endpoint whose users sign in with Active Directory, so rules may name groups. */
function setupWithUsers() {
  return setup({ userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890') });
}

function importedEndpoint(stack: Stack): IClientVpnEndpoint {
  return ClientVpnEndpoint.fromClientVpnEndpointAttributes(stack, 'Imported', { endpointId: IMPORTED_ENDPOINT_ID });
}

/** The rules of the stack, by logical id. */
function rules(stack: Stack): Record<string, any> {
  return Template.fromStack(stack).findResources(RULE);
}

/** The only rule of the stack. */
function onlyRule(stack: Stack): any {
  const found = Object.values(rules(stack));
  expect(found).toHaveLength(1);
  return found[0];
}

function logicalId(stack: Stack, element: CfnElement): string {
  return stack.getLogicalId(element);
}

function associationIds(stack: Stack, endpoint: ClientVpnEndpoint): string[] {
  return endpoint.node.children
    .filter((child): child is ec2.CfnClientVpnTargetNetworkAssociation => child instanceof ec2.CfnClientVpnTargetNetworkAssociation)
    .map((association) => logicalId(stack, association))
    .sort();
}

describe('IngressAuthorization', () => {
  test('renders every prop on AWS::EC2::ClientVpnAuthorizationRule', () => {
    const { stack, endpoint } = setupWithUsers();
    new IngressAuthorization(stack, 'Rule', {
      endpoint,
      cidr: '10.0.0.0/16',
      accessGroupId: 'S-1-5-21-1234567890-1234567890-1234567890-1234',
      description: 'Engineers to the VPC',
    });
    expect(onlyRule(stack).Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(stack, endpoint.node.defaultChild as CfnElement) },
      TargetNetworkCidr: '10.0.0.0/16',
      AccessGroupId: 'S-1-5-21-1234567890-1234567890-1234567890-1234',
      Description: 'Engineers to the VPC',
    });
  });

  test('renders AuthorizeAllGroups and leaves out AccessGroupId and Description when not given', () => {
    const { stack, endpoint } = setup();
    new IngressAuthorization(stack, 'Rule', { endpoint, cidr: '192.168.0.0/24', authorizeAllGroups: true });
    expect(onlyRule(stack).Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(stack, endpoint.node.defaultChild as CfnElement) },
      TargetNetworkCidr: '192.168.0.0/24',
      AuthorizeAllGroups: true,
    });
  });

  test('renders AuthorizeAllGroups: false next to an access group', () => {
    const { stack, endpoint } = setupWithUsers();
    new IngressAuthorization(stack, 'Rule', { endpoint, cidr: '10.0.0.0/16', accessGroupId: 'engineers', authorizeAllGroups: false });
    expect(onlyRule(stack).Properties).toMatchObject({ AccessGroupId: 'engineers', AuthorizeAllGroups: false });
  });

  test('depends on every target network association of an endpoint defined in the app', () => {
    const { stack, endpoint } = setup();
    new IngressAuthorization(stack, 'Rule', { endpoint, cidr: '10.0.0.0/16', authorizeAllGroups: true });
    const associations = associationIds(stack, endpoint);
    expect(associations).toHaveLength(2);
    expect([...onlyRule(stack).DependsOn].sort()).toEqual(associations);
  });

  test('depends on the association of a single target network', () => {
    const fixture = testStack();
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', {
      ...minimalProps(fixture),
      authorizeAllUsersToVpcCidr: false,
      vpcSubnets: { subnets: [fixture.vpc.privateSubnets[1]] },
    });
    new IngressAuthorization(fixture.stack, 'Rule', { endpoint, cidr: '10.0.0.0/16', authorizeAllGroups: true });
    const associations = associationIds(fixture.stack, endpoint);
    expect(associations).toHaveLength(1);
    expect(onlyRule(fixture.stack).DependsOn).toEqual(associations);
  });

  test('works on an imported endpoint: literal id, no DependsOn', () => {
    const { stack } = testStack();
    new IngressAuthorization(stack, 'Rule', {
      endpoint: importedEndpoint(stack),
      cidr: '172.16.0.0/12',
      accessGroupId: 'engineers',
      description: 'On-premises',
    });
    const rule = onlyRule(stack);
    expect(rule.Properties).toEqual({
      ClientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      TargetNetworkCidr: '172.16.0.0/12',
      AccessGroupId: 'engineers',
      Description: 'On-premises',
    });
    expect(rule).not.toHaveProperty('DependsOn');
  });
});

describe('IngressAuthorization waiting for target networks', () => {
  test('in another stack than its endpoint, its stack waits for the endpoint\'s stack instead of a DependsOn across stacks', () => {
    const fixture = testStack();
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), authorizeAllUsersToVpcCidr: false });
    const rulesStack = new Stack(fixture.app, 'Rules', { env: { account: fixture.stack.account, region: fixture.stack.region } });
    new IngressAuthorization(rulesStack, 'Rule', { endpoint, cidr: '10.0.0.0/16', authorizeAllGroups: true });

    // Construct dependencies become stack dependencies when the app is synthesized.
    fixture.app.synth();
    expect(rulesStack.dependencies.map((stack) => stack.node.path)).toEqual([fixture.stack.node.path]);
    const rule = onlyRule(rulesStack);
    expect(rule).not.toHaveProperty('DependsOn');
    expect(rule.Properties.ClientVpnEndpointId).toEqual({ 'Fn::ImportValue': expect.stringContaining('Endpoint') });
  });

  test('on an endpoint of another implementation, it depends on whatever that endpoint\'s targetNetworksAssociated holds', () => {
    const { stack } = testStack();
    const association = new ec2.CfnClientVpnTargetNetworkAssociation(stack, 'Association', {
      clientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      subnetId: 'subnet-0123456789abcdef0',
    });
    const imported = importedEndpoint(stack);
    const endpoint: IClientVpnEndpoint = Object.assign(Object.create(imported), { targetNetworksAssociated: association });

    new IngressAuthorization(stack, 'Rule', { endpoint, cidr: '10.0.0.0/16', authorizeAllGroups: true });

    expect(onlyRule(stack).DependsOn).toEqual([logicalId(stack, association)]);
  });
});

describe('IngressAuthorization in the endpoint\'s operation lanes', () => {
  test('the first ten rules wait for the associations; the eleventh waits for the first rule alone', () => {
    const { stack, endpoint } = setup();
    const created = Array.from({ length: 11 }, (_, i) => new IngressAuthorization(stack, `Rule${i}`, {
      endpoint, cidr: `10.${i}.0.0/16`, authorizeAllGroups: true,
    }));
    const rendered = rules(stack);
    const ids = created.map((rule) => logicalId(stack, rule.node.defaultChild as CfnElement));
    for (const id of ids.slice(0, 10)) {
      expect([...rendered[id].DependsOn].sort()).toEqual(associationIds(stack, endpoint));
    }
    expect(rendered[ids[10]].DependsOn).toEqual([ids[0]]);
  });

  test('the default rule is the first of the first lane: the tenth added rule waits for it', () => {
    const fixture = testStack();
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', minimalProps(fixture));
    const added = Array.from({ length: 10 }, (_, i) => endpoint.addIngressAuthorization(`Rule${i}`, {
      cidr: `10.${100 + i}.0.0/16`, authorizeAllGroups: true,
    }));
    const rendered = rules(fixture.stack);
    const defaultRule = endpoint.node.findChild('AuthorizeAll').node.defaultChild as CfnElement;
    const idOf = (rule: IngressAuthorization) => logicalId(fixture.stack, rule.node.defaultChild as CfnElement);
    expect(rendered[idOf(added[9])].DependsOn).toEqual([logicalId(fixture.stack, defaultRule)]);
    expect([...rendered[idOf(added[8])].DependsOn].sort()).toEqual(associationIds(fixture.stack, endpoint));
  });

  test('on an endpoint of another implementation, the eleventh rule waits for the first, not for targetNetworksAssociated', () => {
    const { stack } = testStack();
    const association = new ec2.CfnClientVpnTargetNetworkAssociation(stack, 'Association', {
      clientVpnEndpointId: IMPORTED_ENDPOINT_ID,
      subnetId: 'subnet-0123456789abcdef0',
    });
    const endpoint: IClientVpnEndpoint = Object.assign(Object.create(importedEndpoint(stack)), { targetNetworksAssociated: association });
    const created = Array.from({ length: 11 }, (_, i) => new IngressAuthorization(stack, `Rule${i}`, {
      endpoint, cidr: `10.${i}.0.0/16`, authorizeAllGroups: true,
    }));
    const rendered = rules(stack);
    const ids = created.map((rule) => logicalId(stack, rule.node.defaultChild as CfnElement));
    expect(rendered[ids[9]].DependsOn).toEqual([logicalId(stack, association)]);
    expect(rendered[ids[10]].DependsOn).toEqual([ids[0]]);
  });
});

describe('addIngressAuthorization', () => {
  test('adds a rule to the endpoint with every option', () => {
    const { stack, endpoint } = setupWithUsers();
    const rule = endpoint.addIngressAuthorization('Engineers', {
      cidr: '10.0.0.0/16',
      accessGroupId: 'engineers',
      description: 'Engineers to the VPC',
    });
    expect(rule).toBeInstanceOf(IngressAuthorization);
    expect(rule.node.scope).toBe(endpoint);
    const rendered = onlyRule(stack);
    expect(rendered.Properties).toEqual({
      ClientVpnEndpointId: { Ref: logicalId(stack, endpoint.node.defaultChild as CfnElement) },
      TargetNetworkCidr: '10.0.0.0/16',
      AccessGroupId: 'engineers',
      Description: 'Engineers to the VPC',
    });
    expect([...rendered.DependsOn].sort()).toEqual(associationIds(stack, endpoint));
  });

  test('adds rules next to the default one', () => {
    const fixture = testStack();
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', minimalProps(fixture));
    endpoint.addIngressAuthorization('OnPremises', { cidr: '192.168.0.0/16', authorizeAllGroups: true });
    const all = Object.values(rules(fixture.stack)).map((rule) => rule.Properties.TargetNetworkCidr);
    expect(all).toHaveLength(2);
    expect(all).toContain('192.168.0.0/16');
  });

  test('works on an imported endpoint', () => {
    const { stack } = testStack();
    const endpoint = importedEndpoint(stack);
    endpoint.addIngressAuthorization('All', { cidr: '10.0.0.0/8', authorizeAllGroups: true });
    const rule = onlyRule(stack);
    expect(rule.Properties).toEqual({ ClientVpnEndpointId: IMPORTED_ENDPOINT_ID, TargetNetworkCidr: '10.0.0.0/8', AuthorizeAllGroups: true });
    expect(rule).not.toHaveProperty('DependsOn');
  });
});

describe('validation', () => {
  /** Creates a rule on an endpoint with user authentication (so groups are allowed) with the given options. */
  function create(options: Partial<IngressAuthorizationProps>, endpointSetup: typeof setup = setupWithUsers) {
    const { stack, endpoint } = endpointSetup();
    new IngressAuthorization(stack, 'Rule', { endpoint, cidr: '10.0.0.0/16', authorizeAllGroups: true, ...options } as IngressAuthorizationProps);
    return stack;
  }

  describe('cidr', () => {
    test.each([
      ['not a CIDR', 'vpc'],
      ['an address without a prefix', '10.0.0.0'],
      ['a prefix over 32', '10.0.0.0/33'],
      ['an empty string', ''],
    ])('rejects %s', (_, cidr) => {
      expect(() => create({ cidr })).toThrow(`\`cidr\` must be an IPv4 or IPv6 network in CIDR notation, such as 10.0.0.0/16, got '${cidr}'`);
    });

    test('rejects host bits, suggesting the network', () => {
      expect(() => create({ cidr: '10.0.0.1/16' })).toThrow(
        "`cidr` must be a network address with no host bits set (did you mean 10.0.0.0/16?), got '10.0.0.1/16'",
      );
    });

    test('accepts an IPv6 network', () => {
      const stack = create({ cidr: '2001:db8::/32' });
      expect(onlyRule(stack).Properties.TargetNetworkCidr).toBe('2001:db8::/32');
    });

    test('rejects an IPv6 network with host bits', () => {
      expect(() => create({ cidr: '2001:db8::1/32' })).toThrow(/`cidr` must be a network address with no host bits set \(did you mean 2001:db8::\/32\?\), got '2001:db8::1\/32'/);
    });

    test('rejects a missing cidr', () => {
      const { stack, endpoint } = setup();
      expect(() => new IngressAuthorization(stack, 'Rule', { endpoint, authorizeAllGroups: true } as any)).toThrow(
        /^Test\/Rule: `cidr` is required.*got undefined$/,
      );
    });

    test('rejects a non-string cidr', () => {
      expect(() => create({ cidr: 10 as any })).toThrow(/`cidr` must be an IPv4 or IPv6 network in CIDR notation, got 10/);
    });

    test('passes a token', () => {
      const stack = create({ cidr: Fn.importValue('OnPremisesCidr') });
      expect(onlyRule(stack).Properties.TargetNetworkCidr).toEqual({ 'Fn::ImportValue': 'OnPremisesCidr' });
    });

    test('passes the VPC CIDR, a token', () => {
      const { stack, endpoint, vpc } = setup();
      new IngressAuthorization(stack, 'Rule', { endpoint, cidr: vpc.vpcCidrBlock, authorizeAllGroups: true });
      expect(onlyRule(stack).Properties.TargetNetworkCidr).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'CidrBlock'] });
    });
  });

  describe('accessGroupId and authorizeAllGroups: exactly one', () => {
    test('both is a warning on the rule resource (AWS documents them as alternatives), and both are written', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: true });
      expect(onlyRule(stack).Properties).toMatchObject({ AccessGroupId: 'engineers', AuthorizeAllGroups: true });
      expect(libraryWarnings(stack, 'accessGroupWithAllGroups')).toEqual([
        'Test/Rule: `accessGroupId` is given together with `authorizeAllGroups: true`: AWS documents them as alternatives, '
        + "and a rule for all groups admits users of any group (give one of the two), got 'engineers' [ack: cdk-client-vpn:accessGroupWithAllGroups]",
      ]);
      CoreAnnotations.of(stack).acknowledgeWarning('cdk-client-vpn:accessGroupWithAllGroups', 'kept during a migration');
      expect(libraryWarnings(stack, 'accessGroupWithAllGroups')).toEqual([]);
    });

    test('rejects neither', () => {
      expect(() => create({ authorizeAllGroups: undefined })).toThrow(
        '`authorizeAllGroups` must be true when no `accessGroupId` is given: give exactly one of the two, got undefined',
      );
    });

    test('rejects authorizeAllGroups: false alone', () => {
      expect(() => create({ authorizeAllGroups: false })).toThrow(
        '`authorizeAllGroups` must be true when no `accessGroupId` is given: give exactly one of the two, got false',
      );
    });

    test('accepts accessGroupId with authorizeAllGroups: false', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: false });
      expect(onlyRule(stack).Properties).toMatchObject({ AccessGroupId: 'engineers', AuthorizeAllGroups: false });
    });

    test('accepts accessGroupId alone', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: undefined });
      expect(onlyRule(stack).Properties.AccessGroupId).toBe('engineers');
      expect(onlyRule(stack).Properties).not.toHaveProperty('AuthorizeAllGroups');
    });

    test('passes an access group token next to authorizeAllGroups: false', () => {
      const stack = create({ accessGroupId: Fn.importValue('GroupId'), authorizeAllGroups: false });
      expect(onlyRule(stack).Properties.AccessGroupId).toEqual({ 'Fn::ImportValue': 'GroupId' });
    });
  });

  describe('accessGroupId', () => {
    test('rejects an empty string', () => {
      expect(() => create({ accessGroupId: '', authorizeAllGroups: undefined })).toThrow("`accessGroupId` must not be empty, got ''");
    });

    test('rejects a non-string', () => {
      expect(() => create({ accessGroupId: 42 as any, authorizeAllGroups: undefined })).toThrow('`accessGroupId` must be a string, got 42');
    });

    test('is a warning on an in-app endpoint with mutual TLS only (AWS accepts the rule; it admits nobody)', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: undefined }, setup);
      expect(onlyRule(stack).Properties.AccessGroupId).toBe('engineers');
      expect(libraryWarnings(stack, 'groupRuleWithoutUserAuthentication')).toEqual([
        'Test/Rule: `accessGroupId` is for an endpoint without user-based authentication (Active Directory or SAML): '
        + "with mutual TLS alone no user is in a group, so the rule lets nobody in, got 'engineers' [ack: cdk-client-vpn:groupRuleWithoutUserAuthentication]",
      ]);
    });

    test('is a warning through addIngressAuthorization on a mutual-TLS endpoint, silenced by an acknowledgement on the endpoint', () => {
      const { stack, endpoint } = setup();
      endpoint.addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', accessGroupId: 'engineers' });
      expect(libraryWarnings(stack, 'groupRuleWithoutUserAuthentication')).toHaveLength(1);
      CoreAnnotations.of(endpoint).acknowledgeWarning('cdk-client-vpn:groupRuleWithoutUserAuthentication', 'user authentication arrives next release');
      expect(libraryWarnings(stack, 'groupRuleWithoutUserAuthentication')).toEqual([]);
    });

    test('gives no warning on an endpoint with user-based authentication', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: undefined }, setupWithUsers);
      expect(libraryWarnings(stack, 'groupRuleWithoutUserAuthentication')).toEqual([]);
    });

    test('is accepted on an endpoint with Active Directory and mutual TLS', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: undefined }, setupWithUsers);
      expect(onlyRule(stack).Properties.AccessGroupId).toBe('engineers');
    });

    test('is accepted on an endpoint with Active Directory alone', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: undefined },
        () => setup({ clientRootCertificate: undefined, userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890') }));
      expect(onlyRule(stack).Properties.AccessGroupId).toBe('engineers');
    });

    test('is accepted on an imported endpoint, whose authentication is unknown', () => {
      const { stack } = testStack();
      new IngressAuthorization(stack, 'Rule', { endpoint: importedEndpoint(stack), cidr: '10.0.0.0/16', accessGroupId: 'engineers' });
      expect(onlyRule(stack).Properties.AccessGroupId).toBe('engineers');
    });

    test('passes a token on a mutual-TLS endpoint', () => {
      const stack = create({ accessGroupId: Fn.importValue('GroupId'), authorizeAllGroups: undefined }, setup);
      expect(onlyRule(stack).Properties.AccessGroupId).toEqual({ 'Fn::ImportValue': 'GroupId' });
    });
  });

  describe('authorizeAllGroups', () => {
    test.each([
      ["the string 'true'", 'true', "got 'true'"],
      ['a number', 1, 'got 1'],
      ['null', null, 'got null'],
    ])('rejects %s', (_, authorizeAllGroups, received) => {
      expect(() => create({ authorizeAllGroups: authorizeAllGroups as any })).toThrow(`\`authorizeAllGroups\` must be true or false, ${received}`);
    });

    test('passes a token next to an access group', () => {
      const stack = create({ accessGroupId: 'engineers', authorizeAllGroups: Lazy.any({ produce: () => false }) as any });
      expect(onlyRule(stack).Properties).toMatchObject({ AccessGroupId: 'engineers', AuthorizeAllGroups: false });
    });

    // The contract: a value that is an unresolved token is never rejected for its content.
    // A token may resolve to true, which is all the rule asks for when there is no access group.
    test('passes a token without an access group', () => {
      const stack = create({ authorizeAllGroups: Lazy.any({ produce: () => true }) as any });
      expect(onlyRule(stack).Properties.AuthorizeAllGroups).toBe(true);
    });
  });

  describe('description', () => {
    test.each([
      ['a number', 5, 'got 5'],
      ['an object', { text: 'x' }, 'got {"text":"x"}'],
    ])('rejects %s', (_, description, received) => {
      expect(() => create({ description: description as any })).toThrow(`\`description\` must be a string, ${received}`);
    });

    test('passes a token', () => {
      const stack = create({ description: Fn.importValue('Description') });
      expect(onlyRule(stack).Properties.Description).toEqual({ 'Fn::ImportValue': 'Description' });
    });
  });

  describe('endpoint', () => {
    test.each([
      ['undefined', undefined, 'got undefined'],
      ['an object that is not an endpoint', {}, 'got {}'],
    ])('rejects %s', (_, endpoint, received) => {
      const { stack } = testStack();
      expect(() => new IngressAuthorization(stack, 'Rule', { endpoint: endpoint as any, cidr: '10.0.0.0/16', authorizeAllGroups: true })).toThrow(
        `\`endpoint\` must be a Client VPN endpoint (IClientVpnEndpoint), ${received}`,
      );
    });
  });
});

describe('property injection', () => {
  test('a default description injected on the app reaches the template', () => {
    const fixture = testStack();
    const seen: Array<{ id: string; props: any }> = [];
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: IngressAuthorization.PROPERTY_INJECTION_ID,
      inject: (props, context) => {
        seen.push({ id: context.id, props });
        return { description: 'Managed by the platform team', ...props };
      },
    });
    const endpoint = new ClientVpnEndpoint(fixture.stack, 'Endpoint', { ...minimalProps(fixture), authorizeAllUsersToVpcCidr: false });
    endpoint.addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', authorizeAllGroups: true });
    expect(onlyRule(fixture.stack).Properties.Description).toBe('Managed by the platform team');
    expect(seen).toHaveLength(1);
    expect(seen[0].id).toBe('Rule');
    expect(seen[0].props).toMatchObject({ cidr: '10.0.0.0/16', authorizeAllGroups: true, endpoint });
  });

  test('an explicit description wins over the injected default', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: IngressAuthorization.PROPERTY_INJECTION_ID,
      inject: (props) => ({ description: 'Managed by the platform team', ...props }),
    });
    new IngressAuthorization(fixture.stack, 'Rule', {
      endpoint: importedEndpoint(fixture.stack),
      cidr: '10.0.0.0/16',
      authorizeAllGroups: true,
      description: 'Mine',
    });
    expect(onlyRule(fixture.stack).Properties.Description).toBe('Mine');
  });

  test('injected props are validated', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.stack).add({
      constructUniqueId: IngressAuthorization.PROPERTY_INJECTION_ID,
      inject: (props) => ({ ...props, cidr: '10.0.0.1/16' }),
    });
    expect(() => new IngressAuthorization(fixture.stack, 'Rule', {
      endpoint: importedEndpoint(fixture.stack),
      cidr: '10.0.0.0/16',
      authorizeAllGroups: true,
    })).toThrow(/`cidr` must be a network address with no host bits set/);
  });

  test('injectors for other constructs are ignored', () => {
    const fixture = testStack();
    PropertyInjectors.of(fixture.app).add({
      constructUniqueId: 'cdk-client-vpn.ClientVpnRoute',
      inject: (props) => ({ ...props, description: 'for routes' }),
    });
    new IngressAuthorization(fixture.stack, 'Rule', { endpoint: importedEndpoint(fixture.stack), cidr: '10.0.0.0/16', authorizeAllGroups: true });
    expect(onlyRule(fixture.stack).Properties).not.toHaveProperty('Description');
  });
});
