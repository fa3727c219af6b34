import * as fs from 'fs';
import * as path from 'path';
import { Annotations as CoreAnnotations, App, Aspects, Duration, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2, SuppressionIgnoreAlways } from 'cdk-nag-v2';
import { ClientVpnCertificateAuthority, ClientVpnCertificateAuthorityProps, ClientVpnErrors } from '../src';
import {
  AUTHORITY, authorityTag, caStack, cfnId, CSR, expectViolation, FUNCTION, HANDLER_ID, idsOf, POLICY,
  rendered, resource, REVOCATION_LIST, SECRET, TRUST, trustingEndpoint, validationError,
} from './certificate-authority-fixtures';
import { agnosticTestStack, createEndpoint, libraryWarnings, logicalId, testStack } from './util';

const ACM_CERTIFICATES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm:us-east-1:123456789012:certificate/*']] };
const CLIENT_SECRETS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:*']] };
const TAG_KEY = 'cdk-client-vpn:certificate-authority';

/** The logical ids of the handler function, its role and its role's default policy. */
function handlerIds(stack: Stack) {
  const handler = stack.node.findChild(HANDLER_ID);
  const role = stack.node.findChild(`${HANDLER_ID}Role`);
  return { handler: cfnId(stack, handler), role: cfnId(stack, role) };
}

function build(props?: ClientVpnCertificateAuthorityProps) {
  const f = caStack(props);
  return { ...f, template: Template.fromStack(f.stack) };
}

// ---------------------------------------------------------------------------
// The CA's secret
// ---------------------------------------------------------------------------

describe('the CA secret', () => {
  test('its resource policy denies reading or writing the CA key to every principal but the handler\'s role', () => {
    const f = caStack();
    const policies = Template.fromStack(f.stack).findResources('AWS::SecretsManager::ResourcePolicy');
    expect(Object.values(policies).map((policy) => policy.Properties)).toEqual([{
      SecretId: { Ref: logicalId(f.stack, f.ca.node.findChild('Secret')) },
      ResourcePolicy: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [handlerIds(f.stack).role, 'Arn'] } } },
        }],
      },
    }]);
  });

  test('is a placeholder the handler overwrites: GenerateSecretString with nothing in it, the AWS managed key, deleted with the CA', () => {
    const f = build();
    const secret = resource(f.template, logicalId(f.stack, f.ca.node.findChild('Secret')));
    expect(secret).toMatchObject({ Type: SECRET, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    expect(secret.Properties).toEqual({
      Description: 'cdk-client-vpn: the key and certificate of the certificate authority Test/CA',
      GenerateSecretString: {},
    });
  });

  test('encryptionKey becomes its KmsKeyId', () => {
    const f = testStack();
    const key = new kms.Key(f.stack, 'Key');
    const { ca } = caStack({ encryptionKey: key }, f);
    const secret = resource(Template.fromStack(f.stack), logicalId(f.stack, ca.node.findChild('Secret')));
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(f.stack, key), 'Arn'] });
  });

  test.each([
    [RemovalPolicy.DESTROY, 'Delete'],
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate'],
  ])('removalPolicy %s becomes DeletionPolicy %s; the client secrets are still deleted', (removalPolicy, deletionPolicy) => {
    const f = caStack({ removalPolicy });
    const client = f.ca.addClient('alice');
    const template = Template.fromStack(f.stack);
    expect(resource(template, logicalId(f.stack, f.ca.node.findChild('Secret'))).DeletionPolicy).toBe(deletionPolicy);
    expect(resource(template, logicalId(f.stack, client.secret)).DeletionPolicy).toBe('Delete');
  });
});

// ---------------------------------------------------------------------------
// The authority custom resource
// ---------------------------------------------------------------------------

describe('the authority custom resource', () => {
  test('defaults: a CN made of the path hash, server.client-vpn.internal, 3650 days, a server certificate of 395 days', () => {
    const f = build();
    const authority = resource(f.template, cfnId(f.stack, f.ca));
    expect(authority.Type).toBe(AUTHORITY);
    expect(authority.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [handlerIds(f.stack).handler, 'Arn'] },
      ServiceTimeout: '360',
      CaSecretArn: { Ref: logicalId(f.stack, f.ca.node.findChild('Secret')) },
      CommonName: expect.stringMatching(/^Client VPN CA [0-9a-f]{8}$/),
      ServerDomainName: 'server.client-vpn.internal',
      ValidityDays: '3650',
      ServerCertificateValidityDays: '395',
      AuthorityTag: authorityTag(f.ca),
    });
  });

  test('the default CN is stable for a path and differs between two CAs', () => {
    const names = (ids: string[]) => {
      const f = testStack();
      const cas = ids.map((id) => new ClientVpnCertificateAuthority(f.stack, id));
      const template = Template.fromStack(f.stack);
      return cas.map((ca) => resource(template, cfnId(f.stack, ca)).Properties.CommonName);
    };
    const [first, second] = names(['First', 'Second']);
    expect(first).not.toEqual(second);
    expect(names(['First'])).toEqual([first]);
  });

  test('commonName, serverDomainName and validity reach it', () => {
    const f = build({ commonName: 'Example Corp VPN CA', serverDomainName: 'vpn.example.com', validity: Duration.days(1000) });
    expect(resource(f.template, cfnId(f.stack, f.ca)).Properties).toMatchObject({
      CommonName: 'Example Corp VPN CA',
      ServerDomainName: 'vpn.example.com',
      ValidityDays: '1000',
      ServerCertificateValidityDays: '395',
    });
  });

  test('a CA shorter than 395 days gives the server certificate its own validity', () => {
    const f = build({ validity: Duration.days(200), clientCertificateValidity: Duration.days(100) });
    expect(resource(f.template, cfnId(f.stack, f.ca)).Properties).toMatchObject({ ValidityDays: '200', ServerCertificateValidityDays: '200' });
  });

  test('depends on the handler function, its role and the CA\'s access policy', () => {
    const f = build();
    const { handler, role } = handlerIds(f.stack);
    expect(resource(f.template, cfnId(f.stack, f.ca)).DependsOn).toEqual(expect.arrayContaining([
      handler, role, logicalId(f.stack, f.ca.node.findChild('Access')),
    ]));
  });

  test('serverCertificate and clientRootCertificate are its CertificateArn attribute, and the endpoint uses them', () => {
    const f = caStack();
    const endpoint = trustingEndpoint(f, f.ca);
    const attribute = { 'Fn::GetAtt': [cfnId(f.stack, f.ca), 'CertificateArn'] };
    expect(f.stack.resolve(f.ca.serverCertificate.certificateArn)).toEqual(attribute);
    expect(f.stack.resolve(f.ca.clientRootCertificate.certificateArn)).toEqual(attribute);
    expect(resource(Template.fromStack(f.stack), logicalId(f.stack, endpoint)).Properties).toMatchObject({
      ServerCertificateArn: attribute,
      AuthenticationOptions: [{ Type: 'certificate-authentication', MutualAuthentication: { ClientRootCertificateChainArn: attribute } }],
    });
  });
});

// ---------------------------------------------------------------------------
// The access policy of the handler for this CA
// ---------------------------------------------------------------------------

describe('the CA\'s access policy', () => {
  function accessPolicy(withKey: boolean) {
    const f = testStack();
    const key = withKey ? new kms.Key(f.stack, 'Key') : undefined;
    const { ca } = caStack({ encryptionKey: key }, f);
    const clients = [ca.addClient('alice'), ca.addClient('bob', { revoked: true })];
    const template = Template.fromStack(f.stack);
    const policy = resource(template, logicalId(f.stack, ca.node.findChild('Access')));
    return { ...f, ca, key, clients, template, policy };
  }

  test('secrets: GetSecretValue and PutSecretValue on the CA secret, and on the secrets with the CA\'s tag; ACM: only certificates with the CA\'s tag', () => {
    const { stack, ca, policy } = accessPolicy(false);
    expect(policy.Type).toBe(POLICY);
    expect(policy.Properties.Roles).toEqual([{ Ref: handlerIds(stack).role }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: { Ref: logicalId(stack, ca.node.findChild('Secret')) },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: CLIENT_SECRETS,
        Condition: { StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: authorityTag(ca) } },
      },
      {
        Effect: 'Allow',
        Action: ['acm:ImportCertificate', 'acm:AddTagsToCertificate'],
        Resource: ACM_CERTIFICATES,
        Condition: { StringEquals: { [`aws:RequestTag/${TAG_KEY}`]: authorityTag(ca) } },
      },
      {
        Effect: 'Allow',
        Action: ['acm:ImportCertificate', 'acm:DescribeCertificate', 'acm:DeleteCertificate'],
        Resource: ACM_CERTIFICATES,
        Condition: { StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: authorityTag(ca) } },
      },
    ]);
  });

  test('the tag value is the CA\'s own: two CAs never share ACM permissions', () => {
    const f = testStack();
    const cas = ['One', 'Two'].map((id) => new ClientVpnCertificateAuthority(f.stack, id));
    const template = Template.fromStack(f.stack);
    const tags = cas.map((ca) => {
      const tag = resource(template, cfnId(f.stack, ca)).Properties.AuthorityTag;
      const conditions = resource(template, logicalId(f.stack, ca.node.findChild('Access'))).Properties.PolicyDocument.Statement
        .filter((statement: { Condition?: unknown }) => statement.Condition)
        .map((statement: { Condition: { StringEquals: { [key: string]: string } } }) => Object.values(statement.Condition.StringEquals));
      expect(conditions).toEqual([[tag], [tag], [tag]]);
      return tag;
    });
    expect(new Set(tags.map((tag) => JSON.stringify(tag))).size).toBe(2);
  });

  test('with encryptionKey, kms:Decrypt and kms:GenerateDataKey on that key, through Secrets Manager only', () => {
    const { stack, key, policy } = accessPolicy(true);
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(5);
    expect(policy.Properties.PolicyDocument.Statement[4]).toEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, key!), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  test('without encryptionKey, no KMS statement anywhere in the handler\'s policies', () => {
    const { template } = accessPolicy(false);
    const actions = Object.values(template.findResources(POLICY))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action));
    expect(actions.filter((action: string) => action.startsWith('kms:'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The revocation list
// ---------------------------------------------------------------------------

describe('the revocation list resource', () => {
  function clientsOf(template: Template, stack: Stack, ca: ClientVpnCertificateAuthority) {
    const list = resource(template, cfnId(stack, ca.node.findChild('RevocationList')));
    expect(list.Type).toBe(REVOCATION_LIST);
    return { list, clients: JSON.parse(rendered(list.Properties.Clients)) };
  }

  test('lists every client by the serial number its resource reports, with its revoked flag and its secret', () => {
    const f = caStack();
    const alice = f.ca.addClient('alice');
    const bob = f.ca.addClient('bob', { revoked: true });
    const carol = f.ca.addClient('carol', { revoked: false });
    const { list, clients } = clientsOf(Template.fromStack(f.stack), f.stack, f.ca);
    expect(clients).toEqual([
      { serialNumber: `<${cfnId(f.stack, alice)}.SerialNumber>`, revoked: false, secretArn: `<${logicalId(f.stack, alice.secret)}>` },
      { serialNumber: `<${cfnId(f.stack, bob)}.SerialNumber>`, revoked: true, secretArn: `<${logicalId(f.stack, bob.secret)}>` },
      { serialNumber: `<${cfnId(f.stack, carol)}.SerialNumber>`, revoked: false, secretArn: `<${logicalId(f.stack, carol.secret)}>` },
    ]);
    expect(list.Properties).toMatchObject({ CaSecretArn: { Ref: logicalId(f.stack, f.ca.node.findChild('Secret')) }, ValidityDays: '180' });
  });

  test('a CA without clients signs an empty list; revocationListValidity reaches ValidityDays', () => {
    const f = caStack({ revocationListValidity: Duration.days(90) });
    const { list, clients } = clientsOf(Template.fromStack(f.stack), f.stack, f.ca);
    expect(clients).toEqual([]);
    expect(list.Properties.ValidityDays).toBe('90');
  });

  test('clients added after the endpoint are on it', () => {
    const f = caStack();
    trustingEndpoint(f, f.ca);
    const late = f.ca.addClient('late', { revoked: true });
    expect(clientsOf(Template.fromStack(f.stack), f.stack, f.ca).clients)
      .toEqual([{ serialNumber: `<${cfnId(f.stack, late)}.SerialNumber>`, revoked: true, secretArn: `<${logicalId(f.stack, late.secret)}>` }]);
  });

  test('depends on the authority, and on the handler and its permissions', () => {
    const f = caStack();
    const template = Template.fromStack(f.stack);
    const { handler, role } = handlerIds(f.stack);
    expect(clientsOf(template, f.stack, f.ca).list.DependsOn).toEqual(expect.arrayContaining([
      cfnId(f.stack, f.ca), handler, role, logicalId(f.stack, f.ca.node.findChild('Access')),
    ]));
  });
});

// ---------------------------------------------------------------------------
// The renewal schedule
// ---------------------------------------------------------------------------

describe('the renewal rule', () => {
  function renewal(f: ReturnType<typeof caStack>) {
    const template = Template.fromStack(f.stack);
    const rule = resource(template, logicalId(f.stack, f.ca.node.findChild('Renewal')));
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties.Targets).toHaveLength(1);
    return { template, rule, target: rule.Properties.Targets[0], input: JSON.parse(rendered(rule.Properties.Targets[0].Input)) };
  }

  test('runs on Sundays at 03:00 UTC by default', () => {
    expect(renewal(caStack()).rule.Properties.ScheduleExpression).toBe('cron(0 3 ? * SUN *)');
  });

  test('renewalSchedule replaces the default', () => {
    const f = caStack({ renewalSchedule: events.Schedule.cron({ weekDay: 'WED', hour: '2', minute: '30' }) });
    expect(renewal(f).rule.Properties.ScheduleExpression).toBe('cron(30 2 ? * WED *)');
    expect(renewal(caStack({ renewalSchedule: events.Schedule.rate(Duration.days(1)) })).rule.Properties.ScheduleExpression).toBe('rate(1 day)');
  });

  test('invokes the handler with the CA\'s renewal settings and the id of every trusting endpoint, also endpoints made later', () => {
    const f = caStack({ serverDomainName: 'vpn.example.com', revocationListValidity: Duration.days(60) });
    const first = trustingEndpoint(f, f.ca, 'First');
    createEndpoint(f, {}, 'Untrusting');
    const second = trustingEndpoint(f, f.ca, 'Second');
    const { target, input } = renewal(f);
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [handlerIds(f.stack).handler, 'Arn'] });
    expect(input).toEqual({
      Renewal: {
        CaSecretArn: `<${logicalId(f.stack, f.ca.node.findChild('Secret'))}>`,
        CertificateArn: `<${cfnId(f.stack, f.ca)}.CertificateArn>`,
        ServerDomainName: 'vpn.example.com',
        ServerCertificateValidityDays: '395',
        RevocationListValidityDays: '60',
        ClientVpnEndpointIds: [`<${logicalId(f.stack, first)}>`, `<${logicalId(f.stack, second)}>`],
      },
    });
  });

  test('with no trusting endpoint the list of endpoint ids is empty', () => {
    expect(renewal(caStack()).input.Renewal.ClientVpnEndpointIds).toEqual([]);
  });

  test('EventBridge may invoke the handler for this rule only', () => {
    const f = caStack();
    const { template } = renewal(f);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [handlerIds(f.stack).handler, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalId(f.stack, f.ca.node.findChild('Renewal')), 'Arn'] },
    });
  });
});

// ---------------------------------------------------------------------------
// The handler function
// ---------------------------------------------------------------------------

describe('the certificate authority handler', () => {
  const isCaHandler = (fn: { [key: string]: any }) => String(fn.Properties?.Description).includes('makes the certificate authority');

  test('one function per stack, whatever the number of CAs: 1024 MB, 300 s, nodejs22.x, no retried invocation', () => {
    const f = testStack();
    const cas = ['One', 'Two', 'Three'].map((id) => new ClientVpnCertificateAuthority(f.stack, id));
    cas.forEach((ca) => ca.addClient('alice'));
    const template = Template.fromStack(f.stack);
    const functions = Object.entries(template.findResources(FUNCTION));
    expect(functions.map(([id]) => id)).toEqual([handlerIds(f.stack).handler]);
    expect(functions[0][1].Properties).toMatchObject({ MemorySize: 1024, Timeout: 300, Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(isCaHandler(functions[0][1])).toBe(true);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: handlerIds(f.stack).handler }, MaximumRetryAttempts: 0, Qualifier: '$LATEST',
    });
    // Every custom resource of every CA runs on it.
    const tokens = ['Custom::ClientVpnCertificateAuthority', 'Custom::ClientVpnRevocationList', 'Custom::ClientVpnClientCertificate']
      .flatMap((type) => Object.values(template.findResources(type)).map((r) => r.Properties.ServiceToken));
    expect(tokens).toHaveLength(9);
    tokens.forEach((token) => expect(token).toEqual({ 'Fn::GetAtt': [handlerIds(f.stack).handler, 'Arn'] }));
  });

  test('a CA in each of two stacks: each stack has its own handler', () => {
    const app = new App();
    const stacks = ['A', 'B'].map((id) => testStack(app, id).stack);
    stacks.forEach((stack) => new ClientVpnCertificateAuthority(stack, 'CA'));
    stacks.forEach((stack) => {
      expect(stack.node.tryFindChild(HANDLER_ID)).toBeDefined();
      Template.fromStack(stack).resourceCountIs(FUNCTION, 1);
    });
  });

  test('a stack without a CA has no CA handler: an endpoint with ACM certificates keeps the settings handler only', () => {
    const f = testStack();
    void createEndpoint(f).dnsName;
    const template = Template.fromStack(f.stack);
    expect(f.stack.node.tryFindChild(HANDLER_ID)).toBeUndefined();
    expect(Object.values(template.findResources(FUNCTION)).filter(isCaHandler)).toEqual([]);
    template.resourceCountIs(FUNCTION, 1);
  });

  test('its role may write its logs and nothing else until a CA adds its own policy', () => {
    const f = caStack();
    const template = Template.fromStack(f.stack);
    const { role } = handlerIds(f.stack);
    const policies = Object.entries(template.findResources(POLICY))
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: role }]));
    const defaultPolicyId = cfnId(f.stack, f.stack.node.findChild(`${HANDLER_ID}Role`).node.findChild('DefaultPolicy'));
    expect(policies.map(([id]) => id).sort()).toEqual([logicalId(f.stack, f.ca.node.findChild('Access')), defaultPolicyId].sort());
    const defaultPolicy = resource(template, defaultPolicyId);
    expect(defaultPolicy.Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [cfnId(f.stack, f.stack.node.findChild(`${HANDLER_ID}Logs`)), 'Arn'] },
    }]);
  });
});

// ---------------------------------------------------------------------------
// Endpoints that trust the CA
// ---------------------------------------------------------------------------

describe('an endpoint that trusts the CA', () => {
  function trusted() {
    const f = caStack();
    const endpoint = trustingEndpoint(f, f.ca);
    const alice = f.ca.addClient('alice');
    const template = Template.fromStack(f.stack);
    const trust = endpoint.node.findChild('CertificateAuthorityTrust');
    return { ...f, endpoint, alice, template, trust, trustResource: resource(template, cfnId(f.stack, trust)) };
  }

  test('gets a trust resource: the CA secret, the endpoint id, the CRL number, the configuration inputs and every client', () => {
    const { stack, ca, endpoint, alice, trustResource } = trusted();
    expect(trustResource.Type).toBe(TRUST);
    const { ServiceToken, ServiceTimeout, Clients, ConfigurationInputs, ...properties } = trustResource.Properties;
    expect(ServiceToken).toEqual({ 'Fn::GetAtt': [handlerIds(stack).handler, 'Arn'] });
    expect(ServiceTimeout).toBe('360');
    expect(properties).toEqual({
      CaSecretArn: { Ref: logicalId(stack, ca.node.findChild('Secret')) },
      ClientVpnEndpointId: { Ref: logicalId(stack, endpoint) },
      RevocationListNumber: { 'Fn::GetAtt': [cfnId(stack, ca.node.findChild('RevocationList')), 'RevocationListNumber'] },
    });
    expect(JSON.parse(rendered(Clients))).toEqual([{ secretArn: `<${logicalId(stack, alice.secret)}>`, serialNumber: `<${cfnId(stack, alice)}.SerialNumber>` }]);
    const certificate = `<${cfnId(stack, ca)}.CertificateArn>`;
    expect(JSON.parse(rendered(ConfigurationInputs))).toMatchObject({ serverCertificate: certificate, clientRootCertificate: certificate });
  });

  test('its own policy allows the CRL import and export and the configuration export on that endpoint only, and the trust waits for it', () => {
    const { stack, endpoint, template, trust, trustResource } = trusted();
    const policyId = logicalId(stack, trust.node.findChild('Access'));
    const policy = resource(template, policyId);
    expect(policy.Properties.Roles).toEqual([{ Ref: handlerIds(stack).role }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: ['ec2:ImportClientVpnClientCertificateRevocationList', 'ec2:ExportClientVpnClientCertificateRevocationList', 'ec2:ExportClientVpnClientConfiguration'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:client-vpn-endpoint/', { Ref: logicalId(stack, endpoint) }]] },
    }]);
    expect(trustResource.DependsOn).toEqual(expect.arrayContaining([policyId, handlerIds(stack).handler, handlerIds(stack).role]));
  });

  test('two trusting endpoints: each has its own trust and policy, and the second trust waits for the first', () => {
    const f = caStack();
    const endpoints = ['First', 'Second'].map((id) => trustingEndpoint(f, f.ca, id));
    f.ca.addClient('alice');
    const template = Template.fromStack(f.stack);
    const trusts = endpoints.map((endpoint) => endpoint.node.findChild('CertificateAuthorityTrust'));
    const [first, second] = trusts.map((trust) => resource(template, cfnId(f.stack, trust)));
    expect(idsOf(template, TRUST)).toEqual(trusts.map((trust) => cfnId(f.stack, trust)).sort());
    expect(second.DependsOn).toEqual(expect.arrayContaining([cfnId(f.stack, trusts[0]), logicalId(f.stack, trusts[1].node.findChild('Access'))]));
    expect(first.DependsOn).not.toContain(cfnId(f.stack, trusts[1]));
    [first, second].forEach((trust, index) => expect(trust.Properties.ClientVpnEndpointId).toEqual({ Ref: logicalId(f.stack, endpoints[index]) }));
  });

  test('an endpoint with ordinary ACM certificates gets no trust resource, even next to a CA', () => {
    const f = caStack();
    f.ca.addClient('alice');
    const endpoint = createEndpoint(f);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(TRUST, 0);
    expect(endpoint.node.tryFindChild('CertificateAuthorityTrust')).toBeUndefined();
    expect(JSON.parse(rendered(resource(template, logicalId(f.stack, f.ca.node.findChild('Renewal'))).Properties.Targets[0].Input)).Renewal.ClientVpnEndpointIds).toEqual([]);
  });

  test('the CA\'s server certificate with another client root is no trust either', () => {
    const f = caStack();
    createEndpoint(f, { serverCertificate: f.ca.serverCertificate });
    Template.fromStack(f.stack).resourceCountIs(TRUST, 0);
  });
});

// ---------------------------------------------------------------------------
// No key material
// ---------------------------------------------------------------------------

test('no key material anywhere in the cloud assembly: template, manifest, tree', () => {
  const f = testStack();
  const key = new kms.Key(f.stack, 'Key');
  const { ca } = caStack({ encryptionKey: key }, f);
  trustingEndpoint(f, ca);
  ca.addClient('alice');
  ca.addClient('bob', { revoked: true });
  ca.addClient('carol', { certificateSigningRequest: CSR });
  const assembly = f.app.synth();
  const files = fs.readdirSync(assembly.directory).filter((file) => file.endsWith('.json'));
  expect(files).toEqual(expect.arrayContaining(['Test.template.json', 'manifest.json']));
  for (const file of files) {
    const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
    expect({ file, privateKey: /PRIVATE KEY/.test(text) }).toEqual({ file, privateKey: false });
  }
  // The CSR is public and is the only PEM block in the template.
  const template = JSON.stringify(Template.fromStack(f.stack).toJSON());
  expect(template.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(['-----BEGIN CERTIFICATE REQUEST-----']);
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const tokenDays = Duration.days(Lazy.number({ produce: () => 30 }));
const tokenSeconds = Duration.seconds(Lazy.number({ produce: () => 86_400 }));

/** Props the CA rejects: the prop, a fragment of the rule and the value as the message shows it. */
const REJECTED: Array<[string, ClientVpnCertificateAuthorityProps, string, string, string]> = [
  ['props that are not an object', 'commonName' as unknown as ClientVpnCertificateAuthorityProps, 'props', 'must be an object of ClientVpnCertificateAuthorityProps', "'commonName'"],
  ['a commonName of 65 characters', { commonName: 'c'.repeat(65) }, 'commonName', "must be at most 64 characters (X.520's bound for a common name)", "'" + 'c'.repeat(65) + "'"],
  ['a commonName of 65 code points (emoji)', { commonName: '🔑'.repeat(65) }, 'commonName', 'must be at most 64 characters', "'" + '🔑'.repeat(65) + "'"],
  ['an empty commonName', { commonName: '' }, 'commonName', 'must not be empty', "''"],
  ['a commonName that is not a string', { commonName: 42 as unknown as string }, 'commonName', 'must be a string', '42'],
  ['an empty serverDomainName', { serverDomainName: '' }, 'serverDomainName', 'must not be empty', "''"],
  ['a serverDomainName that is not a string', { serverDomainName: ['vpn.example.com'] as unknown as string }, 'serverDomainName', 'must be a string', '["vpn.example.com"]'],
  ['a single-label serverDomainName', { serverDomainName: 'localhost' }, 'serverDomainName', 'must be a domain name with at least two labels (ACM and Client VPN need a domain name in the server certificate)', "'localhost'"],
  ['a label starting with a hyphen', { serverDomainName: '-vpn.example.com' }, 'serverDomainName', 'must be a domain name', "'-vpn.example.com'"],
  ['a label ending with a hyphen', { serverDomainName: 'vpn-.example.com' }, 'serverDomainName', 'must be a domain name', "'vpn-.example.com'"],
  ['an empty label', { serverDomainName: 'vpn..example.com' }, 'serverDomainName', 'must be a domain name', "'vpn..example.com'"],
  ['a label of 64 characters', { serverDomainName: `${'a'.repeat(64)}.example.com` }, 'serverDomainName', 'must be a domain name', `'${'a'.repeat(64)}.example.com'`],
  ['a name of 254 characters', { serverDomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}` }, 'serverDomainName', 'must be a domain name', 'a string of 254 characters'],
  ['a wildcard', { serverDomainName: '*.example.com' }, 'serverDomainName', 'must be a domain name', "'*.example.com'"],
  ['a trailing dot', { serverDomainName: 'vpn.example.com.' }, 'serverDomainName', 'must be a domain name', "'vpn.example.com.'"],
  ['a validity that is not a Duration', { validity: 3650 as unknown as Duration }, 'validity', 'must be a Duration', '3650'],
  ['a validity of part of a day', { validity: Duration.hours(36) }, 'validity', 'must be a whole number of days, at least 1', "'1 day 12 hours'"],
  ['a validity of 0 days', { validity: Duration.days(0) }, 'validity', 'must be a whole number of days, at least 1', "'0 days'"],
  ['a validity of a token number of days', { validity: tokenDays }, 'validity', 'must be a Duration of a literal number of days, not a deploy-time value', '"<unresolved-token>"'],
  ['a validity of a token number of seconds', { validity: tokenSeconds }, 'validity', 'must be a Duration of a literal number of days, not a deploy-time value', '"<unresolved-token>"'],
  ['a clientCertificateValidity that is not a Duration', { clientCertificateValidity: '730 days' as unknown as Duration }, 'clientCertificateValidity', 'must be a Duration', "'730 days'"],
  ['a clientCertificateValidity of minutes', { clientCertificateValidity: Duration.minutes(90) }, 'clientCertificateValidity', 'must be a whole number of days, at least 1', "'1 hour 30 minutes'"],
  ['a clientCertificateValidity of a token', { clientCertificateValidity: tokenDays }, 'clientCertificateValidity', 'must be a Duration of a literal number of days, not a deploy-time value', '"<unresolved-token>"'],
  ['a revocationListValidity that is not a Duration', { revocationListValidity: {} as unknown as Duration }, 'revocationListValidity', 'must be a Duration', '{}'],
  ['a revocationListValidity of 12 hours', { revocationListValidity: Duration.hours(12) }, 'revocationListValidity', 'must be a whole number of days, at least 1', "'12 hours'"],
  ['a revocationListValidity of a token', { revocationListValidity: tokenSeconds }, 'revocationListValidity', 'must be a Duration of a literal number of days, not a deploy-time value', '"<unresolved-token>"'],
  ['an encryptionKey that is not a key', { encryptionKey: { keyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' } as unknown as kms.IKey }, 'encryptionKey', 'must be a kms.IKey', '{"keyArn":"arn:aws:kms:us-east-1:123456789012:key/k"}'],
  ['a removalPolicy that is not a RemovalPolicy', { removalPolicy: 'keep' as RemovalPolicy }, 'removalPolicy', "must be one of 'destroy', 'retain', 'retain-on-update-or-delete'", "'keep'"],
  ['removalPolicy SNAPSHOT (a secret has no snapshot)', { removalPolicy: RemovalPolicy.SNAPSHOT }, 'removalPolicy', "must be one of 'destroy', 'retain', 'retain-on-update-or-delete'", "'snapshot'"],
  ['a renewalSchedule that is not a Schedule', { renewalSchedule: 'rate(1 day)' as unknown as events.Schedule }, 'renewalSchedule', 'must be an events.Schedule', "'rate(1 day)'"],
];

describe.each(REJECTED)('a CA with %s', (_name, props, prop, rule, received) => {
  test('is rejected naming the CA\'s path, the prop, the rule and the value', () => {
    const f = testStack();
    const error = validationError(() => new ClientVpnCertificateAuthority(f.stack, 'CA', props));
    expect(ClientVpnErrors.isValidationError(error)).toBe(true);
    expectViolation(error, 'Test/CA', prop, rule, received);
  });

  test('leaves the tree: nothing of it is synthesized and the id works again', () => {
    const f = testStack();
    validationError(() => new ClientVpnCertificateAuthority(f.stack, 'CA', props));
    expect(f.stack.node.tryFindChild('CA')).toBeUndefined();
    expect(f.stack.node.tryFindChild(HANDLER_ID)).toBeUndefined();
    new ClientVpnCertificateAuthority(f.stack, 'CA');
    const fresh = testStack();
    new ClientVpnCertificateAuthority(fresh.stack, 'CA');
    expect(Template.fromStack(f.stack).toJSON()).toEqual(Template.fromStack(fresh.stack).toJSON());
  });
});

describe('values at the edge of a rule are accepted', () => {
  test.each<[string, ClientVpnCertificateAuthorityProps]>([
    ['a commonName of 64 characters', { commonName: 'c'.repeat(64) }],
    ['a commonName of 64 emoji (128 UTF-16 units)', { commonName: '🔑'.repeat(64) }],
    ['a two-label serverDomainName', { serverDomainName: 'example.com' }],
    ['labels of 63 characters, 253 in all', { serverDomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}` }],
    ['a punycode label, digits and inner hyphens', { serverDomainName: 'xn--bcher-kva.vpn-1.example' }],
    ['validity of one day', { validity: Duration.days(1), clientCertificateValidity: Duration.days(1), revocationListValidity: Duration.days(30) }],
    ['validity in hours that make whole days', { validity: Duration.hours(48), clientCertificateValidity: Duration.hours(24) }],
    ['every removalPolicy', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }],
  ])('%s', (_name, props) => {
    const f = testStack();
    expect(() => new ClientVpnCertificateAuthority(f.stack, 'CA', props)).not.toThrow();
    expect(() => Template.fromStack(f.stack)).not.toThrow();
  });

  test('a label of 63 characters passes and the whole name reaches the resource', () => {
    const name = `${'a'.repeat(63)}.example.com`;
    const f = build({ serverDomainName: name });
    expect(resource(f.template, cfnId(f.stack, f.ca)).Properties.ServerDomainName).toBe(name);
  });
});

describe('tokens are never rejected for their content', () => {
  test('a token commonName and serverDomainName pass and reach the authority', () => {
    const f = testStack();
    const commonName = Fn.importValue('CaName');
    const serverDomainName = Lazy.string({ produce: () => 'x' });
    const { ca } = caStack({ commonName, serverDomainName }, f);
    expect(resource(Template.fromStack(f.stack), cfnId(f.stack, ca)).Properties).toMatchObject({
      CommonName: { 'Fn::ImportValue': 'CaName' },
      ServerDomainName: 'x',
    });
  });

  test('a token of 65 characters\' worth is a placeholder, not a long name', () => {
    const f = testStack();
    const longName = Token.asString(Lazy.string({ produce: () => 'c'.repeat(65) }));
    expect(() => caStack({ commonName: longName }, f)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// The endpoint's rules about a CA
// ---------------------------------------------------------------------------

describe('an endpoint trusting a CA', () => {
  const CRL = '-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n';

  test('rejects a certificateRevocationList of its own: the CA\'s is imported; the endpoint leaves the tree', () => {
    const f = caStack();
    const error = validationError(() => trustingEndpoint(f, f.ca, 'Endpoint', { certificateRevocationList: CRL }));
    expectViolation(error, 'Test/Endpoint', 'certificateRevocationList',
      "cannot be given with the client root certificate of Test/CA: the CA's own revocation list is imported (revoke a client with `revoked: true`)",
      `'${CRL}'`);
    expect(f.stack.node.tryFindChild('Endpoint')).toBeUndefined();
    const endpoint = trustingEndpoint(f, f.ca, 'Endpoint');
    expect(endpoint.node.path).toBe('Test/Endpoint');
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(TRUST, 1);
    template.resourceCountIs('AWS::EC2::ClientVpnEndpoint', 1);
  });

  test('a token certificateRevocationList is rejected too: being given is enough', () => {
    const f = caStack();
    const error = validationError(() => trustingEndpoint(f, f.ca, 'Endpoint', { certificateRevocationList: Fn.importValue('Crl') }));
    expect(error.violation.startsWith('`certificateRevocationList` cannot be given with the client root certificate of Test/CA')).toBe(true);
  });

  test('rejects a CA of another stack, naming the endpoint\'s stack and the CA; the endpoint leaves the tree', () => {
    const app = new App();
    const { ca } = caStack(undefined, testStack(app, 'Authority'));
    const other = testStack(app, 'Other');
    const error = validationError(() => trustingEndpoint(other, ca, 'Endpoint'));
    expectViolation(error, 'Other/Endpoint', 'clientRootCertificate',
      "must come from a ClientVpnCertificateAuthority in the endpoint's stack (Other), which imports its revocation list into the endpoint", "'Authority/CA'");
    expect(other.stack.node.tryFindChild('Endpoint')).toBeUndefined();
    expect(() => createEndpoint(other, {}, 'Endpoint')).not.toThrow();
    Template.fromStack(Stack.of(ca)).resourceCountIs(TRUST, 0);
  });
});

// ---------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------

describe('warnings', () => {
  test('none by default, nor with a client', () => {
    const f = caStack();
    f.ca.addClient('alice');
    trustingEndpoint(f, f.ca);
    for (const rule of ['clientValidityBeyondAuthority', 'shortRevocationListValidity', 'duplicateClientCommonName']) {
      expect(libraryWarnings(f.stack, rule)).toEqual([]);
    }
  });

  test('clientValidityBeyondAuthority: a clientCertificateValidity longer than the CA\'s, created as asked, acknowledgeable on the CA', () => {
    const f = caStack({ validity: Duration.days(365) });
    expect(libraryWarnings(f.stack, 'clientValidityBeyondAuthority')).toEqual([
      "Test/CA: `clientCertificateValidity` is longer than the CA's validity (365 days): client certificates end with the CA, got '730 days' [ack: cdk-client-vpn:clientValidityBeyondAuthority]",
    ]);
    const again = caStack({ validity: Duration.days(365) });
    CoreAnnotations.of(again.ca).acknowledgeWarning('cdk-client-vpn:clientValidityBeyondAuthority', 'a short-lived test CA');
    expect(libraryWarnings(again.stack, 'clientValidityBeyondAuthority')).toEqual([]);
    resource(Template.fromStack(again.stack), cfnId(again.stack, again.ca));
  });

  test('clientValidityBeyondAuthority: equal validities give none; the stack can acknowledge it before the CA exists', () => {
    expect(libraryWarnings(caStack({ validity: Duration.days(730) }).stack, 'clientValidityBeyondAuthority')).toEqual([]);
    const f = testStack();
    CoreAnnotations.of(f.stack).acknowledgeWarning('cdk-client-vpn:clientValidityBeyondAuthority', 'accepted');
    caStack({ validity: Duration.days(100), clientCertificateValidity: Duration.days(101) }, f);
    expect(libraryWarnings(f.stack, 'clientValidityBeyondAuthority')).toEqual([]);
  });

  test('shortRevocationListValidity: under 30 days warns, 30 does not; acknowledgeable', () => {
    const f = caStack({ revocationListValidity: Duration.days(29) });
    const [message, ...others] = libraryWarnings(f.stack, 'shortRevocationListValidity');
    expect(others).toEqual([]);
    expect(message).toMatch(/^Test\/CA: `revocationListValidity` is under 30 days: a CRL is renewed once half of it is left, and an expired CRL refuses every connection, .*, got '29 days' \[ack: cdk-client-vpn:shortRevocationListValidity\]$/);
    expect(resource(Template.fromStack(f.stack), cfnId(f.stack, f.ca.node.findChild('RevocationList'))).Properties.ValidityDays).toBe('29');
    expect(libraryWarnings(caStack({ revocationListValidity: Duration.days(30) }).stack, 'shortRevocationListValidity')).toEqual([]);
    const acknowledged = caStack({ revocationListValidity: Duration.days(7) });
    CoreAnnotations.of(acknowledged.ca).acknowledgeWarning('cdk-client-vpn:shortRevocationListValidity', 'renewed daily');
    expect(libraryWarnings(acknowledged.stack, 'shortRevocationListValidity')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// cdk-nag
// ---------------------------------------------------------------------------

describe('cdk-nag (AwsSolutions) on a CA, an endpoint trusting it and three clients', () => {
  type Environment = 'an environment' | 'no environment';
  const ENVIRONMENTS: Environment[] = ['an environment', 'no environment'];

  function nagStack(environment: Environment, encrypted = false) {
    const app = new App();
    const f = environment === 'an environment' ? testStack(app) : agnosticTestStack(app, 'Test');
    const key = encrypted ? new kms.Key(f.stack, 'Key', { enableKeyRotation: true }) : undefined;
    const { ca } = caStack({ encryptionKey: key }, f);
    trustingEndpoint(f, ca);
    ['alice', 'bob', 'carol'].forEach((id) => ca.addClient(id, id === 'carol' ? { certificateSigningRequest: CSR } : {}));
    return f;
  }

  /** The library's resources: the CA's, the endpoint's and the handler's (not the fixture's VPC and key). */
  const isLibrary = (constructPath: string) => /^\/?Test\/(CA|Endpoint|ClientVpn)/.test(constructPath);

  /** The expected acknowledged findings, by construct path of the resource. */
  function expectedFindings(iam5: readonly string[]): string[] {
    return [
      'AwsSolutions-SMG4 Test/CA/Secret/Resource',
      'AwsSolutions-SMG4 Test/CA/alice/Secret/Resource',
      'AwsSolutions-SMG4 Test/CA/bob/Secret/Resource',
      'AwsSolutions-SMG4 Test/CA/carol/Secret/Resource',
      ...iam5.map((resourceName) => `AwsSolutions-IAM5[${resourceName}] Test/CA/Access/Resource`),
      'AwsSolutions-L1 Test/ClientVpnCertificateAuthorityHandler/Resource',
    ].sort();
  }
  const IAM5 = {
    'an environment': [
      'Resource::arn:<AWS::Partition>:acm:us-east-1:123456789012:certificate/*',
      'Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:123456789012:secret:*',
    ],
    'no environment': [
      'Resource::arn:<AWS::Partition>:acm:<AWS::Region>:<AWS::AccountId>:certificate/*',
      'Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*',
    ],
  };

  function findings2(environment: Environment, ignoreSuppressions: boolean, encrypted = false): string[] {
    const f = nagStack(environment, encrypted);
    Aspects.of(f.app).add(new AwsSolutionsChecksV2(ignoreSuppressions ? { suppressionIgnoreCondition: new SuppressionIgnoreAlways('ignored by the test') } : {}));
    return f.app.synth().getStackByName(f.stack.stackName).messages
      .filter((message) => message.level === 'error' || message.level === 'warning')
      .filter((message) => isLibrary(message.id))
      .map((message) => `${/^(AwsSolutions-\w+(\[[^\]]+\])?):/.exec(String(message.entry.data))?.[1] ?? String(message.entry.data)} ${message.id.replace(/^\//, '')}`)
      .sort();
  }

  function findings3(environment: Environment, ignoreAcknowledgements: boolean, encrypted = false): string[] {
    const f = nagStack(environment, encrypted);
    f.app.synth();
    const spy = ignoreAcknowledgements ? jest.spyOn(NagPack.prototype as any, 'isAcknowledged').mockReturnValue(false) : undefined;
    try {
      const report = new AwsSolutionsChecks(f.app).validateScope(f.app);
      return report.violations.flatMap((violation) => violation.violatingResources
        .filter((r) => isLibrary(r.constructPath!))
        .map((r) => `${violation.ruleName} ${r.constructPath}`)).sort();
    } finally {
      spy?.mockRestore();
    }
  }

  test.each(ENVIRONMENTS)('cdk-nag 2, in a stack with %s: no finding on the library\'s resources', (environment) => {
    expect(findings2(environment, false)).toEqual([]);
    expect(findings2(environment, false, true)).toEqual([]);
  });

  test.each(ENVIRONMENTS)('cdk-nag 2, in a stack with %s: with the suppressions ignored, exactly the acknowledged findings appear', (environment) => {
    expect(findings2(environment, true)).toEqual(expectedFindings(IAM5[environment]));
  });

  test.each(ENVIRONMENTS)('cdk-nag 3, in a stack with %s: no finding on the library\'s resources', (environment) => {
    expect(findings3(environment, false)).toEqual([]);
    expect(findings3(environment, false, true)).toEqual([]);
  });

  test.each(ENVIRONMENTS)('cdk-nag 3, in a stack with %s: with the acknowledgements ignored, exactly the acknowledged findings appear', (environment) => {
    expect(findings3(environment, true)).toEqual(expectedFindings(IAM5[environment]));
  });
});
