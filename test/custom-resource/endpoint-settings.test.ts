import { App, CfnElement, Fn, Lazy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ClientVpnEndpoint, ClientVpnEndpointProps, ClientVpnUserAuthentication, TransportProtocol } from '../../src';
import { SETTINGS_HANDLER_TIMEOUT, SETTINGS_SERVICE_TIMEOUT } from '../../src/client-vpn-settings-handler';
import { CLIENT_ROOT_CERTIFICATE_ARN, SERVER_CERTIFICATE_ARN, PropsFor, createEndpoint, expectRejected, minimalProps, testStack } from '../util';

// ---------------------------------------------------------------------------
// Constants and helpers
// ---------------------------------------------------------------------------


const SETTINGS = 'Custom::ClientVpnEndpointSettings';
const ENDPOINT = 'AWS::EC2::ClientVpnEndpoint';
const FUNCTION = 'AWS::Lambda::Function';
const POLICY = 'AWS::IAM::Policy';

const IMPORT_CRL = 'ec2:ImportClientVpnClientCertificateRevocationList';
const EXPORT_CONFIGURATION = 'ec2:ExportClientVpnClientConfiguration';
const MODIFY_ENDPOINT = 'ec2:ModifyClientVpnEndpoint';
const DESCRIBE_ENDPOINTS = 'ec2:DescribeClientVpnEndpoints';
const DESCRIBE_STACK_RESOURCE = 'cloudformation:DescribeStackResource';
const CREATE_TAGS = 'ec2:CreateTags';
const DELETE_TAGS = 'ec2:DeleteTags';
const TAG_ACTIONS = [CREATE_TAGS, DELETE_TAGS];
const S3_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];
const ENDPOINT_ACTIONS = [CREATE_TAGS, DELETE_TAGS, IMPORT_CRL, EXPORT_CONFIGURATION, MODIFY_ENDPOINT];
const GENERATE_DATA_KEY = 'kms:GenerateDataKey';
/** The key the default configuration key (`<endpoint id>.ovpn`) is granted on: every endpoint id's file. */
const DEFAULT_KEY_PATTERN = 'cvpn-endpoint-*.ovpn';
const DEFAULT_POLICY_PREFIX = 'ClientVpnEndpointSettingsHandlerRoleDefaultPolicy';

/** A real CRL (openssl ca -gencrl, ECDSA P-256), 64-character lines. */
const CRL_LINES = [
  '-----BEGIN X509 CRL-----',
  'MIGnMFACAQEwCgYIKoZIzj0EAwIwETEPMA0GA1UEAwwGVGVzdENBFw0yNjExMjMx',
  'MzA3NDJaFw0zNjExMjAxMzA3NDJaoA4wDDAKBgNVHRQEAwIBATAKBggqhkjOPQQD',
  'AgNHADBEAiBc71+Aw+WX6oGsfrYKOsLpgdOv+tjwY9XE/W8lcHmUDwIgLPIQEYW9',
  'OPpn1TdYIhMsqs5IsqneXTQvkV9PnOXrnMc=',
  '-----END X509 CRL-----',
];
const CRL = CRL_LINES.join('\n') + '\n';
const CRL_CRLF = CRL_LINES.join('\r\n') + '\r\n';

/** A fresh fixture with one endpoint; `touch` may read attributes before synthesis. */
function build(props: PropsFor = () => ({}), touch: (endpoint: ClientVpnEndpoint) => void = () => undefined) {
  const f = testStack();
  const endpoint = createEndpoint(f, props(f));
  touch(endpoint);
  return { ...f, endpoint, template: Template.fromStack(f.stack) };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function endpointRef(stack: Stack, endpoint: ClientVpnEndpoint) {
  return { Ref: logicalId(stack, endpoint) };
}


/** Checks that creating an endpoint with `props` and synthesizing it works; returns the template. */
function expectAccepted(props: PropsFor): { template: Template; stack: Stack; endpoint: ClientVpnEndpoint } {
  const f = testStack();
  let endpoint: ClientVpnEndpoint | undefined;
  expect(() => {
    endpoint = createEndpoint(f, props(f));
  }).not.toThrow();
  let template: Template | undefined;
  expect(() => {
    template = Template.fromStack(f.stack);
  }).not.toThrow();
  return { template: template!, stack: f.stack, endpoint: endpoint! };
}

/** The only settings custom resource of a template, with its logical id. */
function onlySettings(template: Template): { id: string; properties: Record<string, any>; dependsOn: string[] } {
  const resources = template.findResources(SETTINGS);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], properties: resources[ids[0]].Properties, dependsOn: resources[ids[0]].DependsOn ?? [] };
}

/** The only Lambda function of a template, with its logical id. */
function onlyFunction(template: Template): { id: string; properties: Record<string, any> } {
  const resources = template.findResources(FUNCTION);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], properties: resources[ids[0]].Properties };
}

interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function normalize(statement: any): Statement {
  return { ...statement, Action: asArray(statement.Action), Resource: asArray(statement.Resource) };
}

/** The logical id of the settings handler's role. */
function handlerRoleId(template: Template): string {
  return onlyFunction(template).properties.Role['Fn::GetAtt'][0];
}

/** Every IAM policy attached to the settings handler's role, by logical id. */
function policiesOnHandlerRole(template: Template): Record<string, any> {
  const roleId = handlerRoleId(template);
  return Object.fromEntries(Object.entries(template.findResources(POLICY))
    .filter(([, policy]) => asArray(policy.Properties.Roles).some((role: any) => role.Ref === roleId)));
}

function statementsOf(policy: any): Statement[] {
  return asArray(policy.Properties.PolicyDocument.Statement).map(normalize);
}

/** The statements of every policy attached to the settings handler's role: what the handler may do. */
function handlerStatements(template: Template): Statement[] {
  const policies = Object.values(policiesOnHandlerRole(template));
  expect(policies.length).toBeGreaterThan(0);
  return policies.flatMap(statementsOf);
}

/** The logical id of the role's default policy, the one every endpoint shares. */
function defaultPolicyId(template: Template): string {
  const ids = Object.keys(policiesOnHandlerRole(template)).filter((id) => id.startsWith(DEFAULT_POLICY_PREFIX));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The statements of the role's default policy. */
function defaultPolicyStatements(template: Template): Statement[] {
  return statementsOf(template.findResources(POLICY)[defaultPolicyId(template)]);
}

/** The logical ids of the endpoints' own policies on the handler role: every policy on it but the default one. */
function accessPolicyIds(template: Template): string[] {
  const defaultId = defaultPolicyId(template);
  return Object.keys(policiesOnHandlerRole(template)).filter((id) => id !== defaultId).sort();
}

/** An endpoint's own policy: its construct, its logical id and its statements in the template. */
function accessPolicyOf(template: Template, stack: Stack, endpoint: ClientVpnEndpoint) {
  const settings = endpoint.node.findChild('Settings');
  const policies = settings.node.children.filter((child): child is iam.Policy => child instanceof iam.Policy);
  expect(policies).toHaveLength(1);
  const construct = policies[0];
  const id = stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const resource = template.findResources(POLICY)[id];
  expect(resource).toBeDefined();
  return { construct, id, resource, statements: statementsOf(resource) };
}

/** Every statement of every IAM policy in a template: policies, managed policies, inline role policies. */
function allIamStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const resource of Object.values(template.findResources(type))) {
      statements.push(...asArray((resource as any).Properties.PolicyDocument.Statement).map(normalize));
    }
  }
  for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
    for (const inline of asArray((role as any).Properties.Policies)) {
      statements.push(...asArray((inline as any).PolicyDocument.Statement).map(normalize));
    }
  }
  return statements;
}

function allActions(statements: Statement[]): string[] {
  return statements.flatMap((s) => s.Action);
}

function statementsWith(statements: Statement[], action: string): Statement[] {
  return statements.filter((s) => s.Action.includes(action));
}

/** Renders an intrinsic as text, so a Fn::Join can be compared as a whole: `${Ref:X}`, `${GetAtt:X.Arn}`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const o = value as any;
  if (o && typeof o === 'object') {
    if (o['Fn::Join']) {
      const [separator, parts] = o['Fn::Join'];
      return (parts as unknown[]).map(flatten).join(separator);
    }
    if (o.Ref !== undefined) {
      return `\${Ref:${o.Ref}}`;
    }
    if (o['Fn::GetAtt']) {
      return `\${GetAtt:${o['Fn::GetAtt'].join('.')}}`;
    }
  }
  return JSON.stringify(value);
}

/** Whether an IAM resource pattern (`*` any run of characters, `?` one character) matches a resource. */
function iamPatternMatches(pattern: string, resource: string): boolean {
  const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regexp = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escape(c))).join('');
  return new RegExp(`^${regexp}$`).test(resource);
}

/** The ARN of an endpoint of the fixture's stack (us-east-1, 123456789012), as `flatten` renders it. */
function endpointArnText(stack: Stack, endpoint: ClientVpnEndpoint): string {
  return `arn:\${Ref:AWS::Partition}:ec2:us-east-1:123456789012:client-vpn-endpoint/\${Ref:${logicalId(stack, endpoint)}}`;
}

// ---------------------------------------------------------------------------
// Lazy creation
// ---------------------------------------------------------------------------

describe('lazy creation of the settings custom resource', () => {
  test('a plain endpoint has no custom resource, no Lambda function and no handler policy', () => {
    const { template } = build();
    template.resourceCountIs('AWS::EC2::ClientVpnEndpoint', 1);
    template.resourceCountIs(SETTINGS, 0);
    template.resourceCountIs(FUNCTION, 0);
    template.resourceCountIs(POLICY, 0);
  });

  test('reading dnsName adds exactly one custom resource and resolves to its DnsName attribute', () => {
    let dnsName: string | undefined;
    const { template, stack } = build(() => ({}), (endpoint) => {
      dnsName = endpoint.dnsName;
    });
    template.resourceCountIs(SETTINGS, 1);
    template.resourceCountIs(FUNCTION, 1);
    const settings = onlySettings(template);
    expect(Token.isUnresolved(dnsName)).toBe(true);
    expect(stack.resolve(dnsName)).toEqual({ 'Fn::GetAtt': [settings.id, 'DnsName'] });
  });

  test('reading selfServicePortalUrl adds exactly one custom resource and resolves to its SelfServicePortalUrl attribute', () => {
    let url: string | undefined;
    const { template, stack } = build(() => ({}), (endpoint) => {
      url = endpoint.selfServicePortalUrl;
    });
    template.resourceCountIs(SETTINGS, 1);
    template.resourceCountIs(FUNCTION, 1);
    const settings = onlySettings(template);
    expect(stack.resolve(url)).toEqual({ 'Fn::GetAtt': [settings.id, 'SelfServicePortalUrl'] });
  });

  test('reading both attributes, several times, adds one custom resource that both refer to', () => {
    const values: string[] = [];
    const { template, stack } = build(() => ({}), (endpoint) => {
      values.push(endpoint.dnsName, endpoint.selfServicePortalUrl, endpoint.dnsName, endpoint.selfServicePortalUrl);
    });
    template.resourceCountIs(SETTINGS, 1);
    template.resourceCountIs(FUNCTION, 1);
    const settings = onlySettings(template);
    expect(values.map((v) => stack.resolve(v))).toEqual([
      { 'Fn::GetAtt': [settings.id, 'DnsName'] },
      { 'Fn::GetAtt': [settings.id, 'SelfServicePortalUrl'] },
      { 'Fn::GetAtt': [settings.id, 'DnsName'] },
      { 'Fn::GetAtt': [settings.id, 'SelfServicePortalUrl'] },
    ]);
  });

  test('the attributes read before and after a feature prop created the resource are the same resource', () => {
    let dnsName: string | undefined;
    const { template, stack } = build(() => ({ certificateRevocationList: CRL }), (endpoint) => {
      dnsName = endpoint.dnsName;
    });
    template.resourceCountIs(SETTINGS, 1);
    expect(stack.resolve(dnsName)).toEqual({ 'Fn::GetAtt': [onlySettings(template).id, 'DnsName'] });
  });

  test.each<[string, PropsFor]>([
    ['certificateRevocationList', () => ({ certificateRevocationList: CRL })],
    ['clientConfigurationBucket', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') })],
    ['apiSettings', () => ({ apiSettings: { NewSetting: true } })],
  ])('%s creates the custom resource without any attribute being read', (_name, props) => {
    const { template, stack, endpoint } = build(props);
    template.resourceCountIs(SETTINGS, 1);
    template.resourceCountIs(FUNCTION, 1);
    template.hasResourceProperties(SETTINGS, { EndpointId: endpointRef(stack, endpoint) });
  });
});

// ---------------------------------------------------------------------------
// One handler per stack
// ---------------------------------------------------------------------------

describe('one handler function per stack', () => {
  test('three endpoints reading dnsName share one nodejs22.x function in the stack', () => {
    const f = testStack();
    const endpoints = ['A', 'B', 'C'].map((id) => createEndpoint(f, {}, id));
    const dnsNames = endpoints.map((endpoint) => endpoint.dnsName);
    const template = Template.fromStack(f.stack);

    template.resourceCountIs(SETTINGS, 3);
    template.resourceCountIs(FUNCTION, 1);
    const fn = onlyFunction(template);
    expect(fn.properties.Runtime).toBe('nodejs22.x');
    template.hasResourceProperties(FUNCTION, { Runtime: 'nodejs22.x', Handler: 'index.handler' });

    const settings = template.findResources(SETTINGS);
    for (const resource of Object.values(settings)) {
      expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
    }
    // Each endpoint has its own resource, with its own EndpointId, and its own attribute.
    const endpointIds = Object.values(settings).map((r) => r.Properties.EndpointId);
    expect(endpointIds).toEqual(expect.arrayContaining(endpoints.map((e) => endpointRef(f.stack, e))));
    const attributeOwners = dnsNames.map((name) => f.stack.resolve(name)['Fn::GetAtt'][0]);
    expect(new Set(attributeOwners).size).toBe(3);
    expect(attributeOwners.sort()).toEqual(Object.keys(settings).sort());
  });

  test('endpoints in nested constructs of the stack share the function at the stack\'s root', () => {
    const f = testStack();
    const team = new Construct(f.stack, 'Team');
    const nested = new ClientVpnEndpoint(new Construct(team, 'Deeper'), 'Endpoint', { ...minimalProps(f), apiSettings: { NewSetting: 1 } });
    const root = createEndpoint(f, { certificateRevocationList: CRL }, 'Root');
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(FUNCTION, 1);
    template.resourceCountIs(SETTINGS, 2);
    const handlers = f.stack.node.findAll().filter((c) => c instanceof lambda.Function);
    expect(handlers).toHaveLength(1);
    expect(handlers[0].node.scope).toBe(f.stack);
    const statements = handlerStatements(template);
    expect(statementsWith(statements, MODIFY_ENDPOINT).flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, nested)]);
    expect(statementsWith(statements, IMPORT_CRL).flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, root)]);
  });

  test('each endpoint has a policy of its own on the shared role, scoped to its own ARN', () => {
    const f = testStack();
    const withCrl = createEndpoint(f, { certificateRevocationList: CRL }, 'WithCrl');
    const withApi = createEndpoint(f, { apiSettings: { NewSetting: true } }, 'WithApi');
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(FUNCTION, 1);
    template.resourceCountIs(SETTINGS, 2);

    const crlPolicy = accessPolicyOf(template, f.stack, withCrl);
    const apiPolicy = accessPolicyOf(template, f.stack, withApi);
    expect(accessPolicyIds(template)).toEqual([crlPolicy.id, apiPolicy.id].sort());
    expect(crlPolicy.statements.flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, withCrl)]);
    expect(apiPolicy.statements.flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, withApi)]);
    expect(statementsWith(crlPolicy.statements, MODIFY_ENDPOINT)).toEqual([]);
    expect(statementsWith(apiPolicy.statements, IMPORT_CRL)).toEqual([]);

    const statements = handlerStatements(template);
    expect(statementsWith(statements, IMPORT_CRL).flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, withCrl)]);
    expect(statementsWith(statements, MODIFY_ENDPOINT).flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, withApi)]);
  });

  test('two stacks in one app get one function each, each custom resource using its own stack\'s function', () => {
    const f1 = testStack();
    const f2 = testStack(f1.app, 'Other');
    void createEndpoint(f1, {}, 'One').dnsName;
    void createEndpoint(f1, {}, 'Two').dnsName;
    void createEndpoint(f2, {}, 'Three').selfServicePortalUrl;

    for (const [stack, count] of [[f1.stack, 2], [f2.stack, 1]] as const) {
      const template = Template.fromStack(stack);
      template.resourceCountIs(FUNCTION, 1);
      template.resourceCountIs(SETTINGS, count);
      const fn = onlyFunction(template);
      expect(fn.properties.Runtime).toBe('nodejs22.x');
      for (const resource of Object.values(template.findResources(SETTINGS))) {
        expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
      }
    }
  });

  test('two separate apps share nothing: each stack synthesizes its own function', () => {
    const results = [testStack(), testStack()].map((f) => {
      const endpoint = createEndpoint(f, { certificateRevocationList: CRL });
      void endpoint.dnsName;
      return { f, endpoint, template: Template.fromStack(f.stack) };
    });
    expect(results[0].f.app).not.toBe(results[1].f.app);
    for (const { f, endpoint, template } of results) {
      template.resourceCountIs(FUNCTION, 1);
      template.resourceCountIs(SETTINGS, 1);
      const fn = onlyFunction(template);
      expect(onlySettings(template).properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
      // The handler's permissions name this app's endpoint and nothing else.
      const imports = statementsWith(handlerStatements(template), IMPORT_CRL);
      expect(imports.flatMap((s) => s.Resource).map(flatten)).toEqual([endpointArnText(f.stack, endpoint)]);
    }
    // The second app's handler is a construct of the second stack, not the first app's.
    const handlers = results.map(({ f }) => f.stack.node.findAll().filter((c) => c instanceof lambda.Function));
    expect(handlers[0]).toHaveLength(1);
    expect(handlers[1]).toHaveLength(1);
    expect(handlers[0][0]).not.toBe(handlers[1][0]);
    expect(Stack.of(handlers[1][0])).toBe(results[1].f.stack);
  });

  test('an app with an endpoint that never uses the custom resource gets no function, even after another app did', () => {
    void createEndpoint(testStack()).dnsName;
    const { template } = build();
    template.resourceCountIs(FUNCTION, 0);
    template.resourceCountIs(SETTINGS, 0);
  });
});

// ---------------------------------------------------------------------------
// IAM scoping
// ---------------------------------------------------------------------------

describe('permissions of the settings handler', () => {
  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['every feature, KMS bucket', (f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
      apiSettings: { NewSetting: true },
    })],
  ])('with %s, the role\'s default policy holds only ec2:DescribeClientVpnEndpoints (on *, in the stack\'s region) and writing to its own log group', (_name, props) => {
    const { template } = build(props, (endpoint) => void endpoint.dnsName);
    const logGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('ClientVpnEndpointSettingsHandlerLogs'));
    expect(defaultPolicyStatements(template)).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [{ 'Fn::GetAtt': [logGroup, 'Arn'] }],
    }, {
      Effect: 'Allow',
      Action: [DESCRIBE_ENDPOINTS],
      Resource: ['*'],
      Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
    }]);
  });

  test('reading dnsName alone gives the endpoint a policy of its own that allows only tagging it', () => {
    const { template, stack, endpoint } = build(() => ({}), (e) => void e.dnsName);
    const access = accessPolicyOf(template, stack, endpoint);
    expect(access.construct.node.id).toBe('Access');
    expect(access.statements).toHaveLength(1);
    expect(access.statements[0].Effect).toBe('Allow');
    expect(access.statements[0].Action).toEqual(TAG_ACTIONS);
    expect(access.statements[0].Resource.map(flatten)).toEqual([endpointArnText(stack, endpoint)]);
    expect(accessPolicyIds(template)).toEqual([access.id]);
  });

  test('the endpoint\'s policy is attached to the shared handler role, and to nothing else', () => {
    const { template, stack, endpoint } = build(() => ({ certificateRevocationList: CRL }));
    const access = accessPolicyOf(template, stack, endpoint);
    expect(access.resource.Properties.Roles).toEqual([{ Ref: handlerRoleId(template) }]);
    expect(access.resource.Properties.Users).toBeUndefined();
    expect(access.resource.Properties.Groups).toBeUndefined();
    // One role for the function: the endpoint's permissions reach the handler through it alone.
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('the handler role has no managed policy: AWSLambdaBasicExecutionRole would allow every log group', () => {
    const { template } = build(() => ({}), (endpoint) => void endpoint.dnsName);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the handler is not retried by Lambda: a repeated request would run twice', () => {
    const { template } = build(() => ({}), (endpoint) => void endpoint.dnsName);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
  });

  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['certificateRevocationList', () => ({ certificateRevocationList: CRL })],
    ['clientConfigurationBucket (KMS)', (f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
    })],
    ['apiSettings', () => ({ apiSettings: { NewSetting: true } })],
  ])('with %s, the only statement on * is ec2:DescribeClientVpnEndpoints', (_name, props) => {
    const { template } = build(props, (endpoint) => void endpoint.dnsName);
    const statements = handlerStatements(template);
    const onStar = statements.filter((s) => s.Resource.includes('*'));
    expect(onStar).toHaveLength(1);
    expect(onStar[0].Action).toEqual([DESCRIBE_ENDPOINTS]);
    expect(onStar[0].Resource).toEqual(['*']);
    expect(statementsWith(statements, DESCRIBE_ENDPOINTS)).toHaveLength(1);
  });

  test.each<[string, PropsFor, string[], number]>([
    ['nothing but dnsName', () => ({}), [], 1],
    ['certificateRevocationList', () => ({ certificateRevocationList: CRL }), [IMPORT_CRL], 1],
    ['clientConfigurationBucket', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }), [EXPORT_CONFIGURATION], 2],
    ['clientConfigurationBucket (KMS)', (f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
    }), [EXPORT_CONFIGURATION], 3],
    ['apiSettings', () => ({ apiSettings: { NewSetting: true } }), [MODIFY_ENDPOINT], 1],
    ['all three', (f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      apiSettings: { NewSetting: true },
    }), [IMPORT_CRL, EXPORT_CONFIGURATION, MODIFY_ENDPOINT], 2],
  ])('with %s, the endpoint\'s policy allows tagging and exactly the features used, on the endpoint\'s ARN', (_name, props, features, statementCount) => {
    const { template, stack, endpoint } = build(props, (e) => void e.dnsName);
    const access = accessPolicyOf(template, stack, endpoint);
    expect(access.statements).toHaveLength(statementCount);
    const onEndpoint = access.statements[0];
    expect(onEndpoint.Effect).toBe('Allow');
    expect([...onEndpoint.Action].sort()).toEqual([...TAG_ACTIONS, ...features].sort());
    expect(onEndpoint.Resource).toHaveLength(1);
    const arn = onEndpoint.Resource[0] as any;
    // formatArn's Fn::Join: the partition, the resource type and the endpoint's Ref.
    expect(arn['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: 'AWS::Partition' }, endpointRef(stack, endpoint)]));
    expect(flatten(arn)).toBe(endpointArnText(stack, endpoint));
    // No other statement of the handler's policies names an endpoint action.
    const statements = handlerStatements(template);
    for (const action of ENDPOINT_ACTIONS) {
      expect(statementsWith(statements, action)).toHaveLength([...TAG_ACTIONS, ...features].includes(action) ? 1 : 0);
    }
    expect(allActions(defaultPolicyStatements(template)).filter((a) => ENDPOINT_ACTIONS.includes(a))).toEqual([]);
  });

  test('the endpoint ARN statement matches formatArn\'s Fn::Join exactly', () => {
    const { template, stack, endpoint } = build(() => ({ certificateRevocationList: CRL }));
    template.hasResourceProperties(POLICY, {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: [CREATE_TAGS, DELETE_TAGS, IMPORT_CRL],
          Resource: {
            'Fn::Join': ['', [
              'arn:',
              { Ref: 'AWS::Partition' },
              Match.stringLikeRegexp('^:ec2:us-east-1:123456789012:client-vpn-endpoint/$'),
              endpointRef(stack, endpoint),
            ]],
          },
        }],
      },
      Roles: [{ Ref: handlerRoleId(template) }],
    });
  });

  test('an endpoint in an environment-agnostic stack is scoped with the Region and Account pseudo parameters', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const endpoint = new ClientVpnEndpoint(stack, 'Endpoint', {
      ...minimalProps({
        vpc,
        serverCertificate: acm.Certificate.fromCertificateArn(stack, 'Server', SERVER_CERTIFICATE_ARN),
        clientRootCertificate: acm.Certificate.fromCertificateArn(stack, 'Root', CLIENT_ROOT_CERTIFICATE_ARN),
      }),
      apiSettings: { NewSetting: true },
    });
    const template = Template.fromStack(stack);
    const modify = statementsWith(handlerStatements(template), MODIFY_ENDPOINT);
    expect(modify).toHaveLength(1);
    expect(flatten(modify[0].Resource[0])).toBe(
      `arn:\${Ref:AWS::Partition}:ec2:\${Ref:AWS::Region}:\${Ref:AWS::AccountId}:client-vpn-endpoint/\${Ref:${logicalId(stack, endpoint)}}`);
  });

  test('with the default key, the S3 actions are granted on the objects named like an endpoint\'s file, never bucket-wide', () => {
    const { template, stack, endpoint } = build((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const s3Statements = accessPolicyOf(template, stack, endpoint).statements.filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Action).toEqual(S3_OBJECT_ACTIONS);
    expect(s3Statements[0].Resource).toEqual([{
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${DEFAULT_KEY_PATTERN}`]],
    }]);
    expect(handlerStatements(template).filter((s) => s.Action.some((a) => a.startsWith('s3:')))).toHaveLength(1);
  });

  test('the default key\'s pattern covers the file of every endpoint id, so the Delete after a replacement can remove the old one', () => {
    const { template, stack, endpoint } = build((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const [grant] = accessPolicyOf(template, stack, endpoint).statements.filter((s) => s.Action.includes('s3:PutObject'));
    const pattern = flatten(grant.Resource[0]);
    expect(pattern).toBe(`\${GetAtt:${bucketId}.Arn}/${DEFAULT_KEY_PATTERN}`);
    // The key the custom resource writes is the endpoint's id and '.ovpn'.
    const key = flatten(onlySettings(template).properties.ConfigurationKey);
    expect(key).toBe(`\${Ref:${logicalId(stack, endpoint)}}.ovpn`);
    const covers = (objectKey: string) => iamPatternMatches(pattern, `\${GetAtt:${bucketId}.Arn}/${objectKey}`);
    for (const id of ['cvpn-endpoint-0123456789abcdef0', 'cvpn-endpoint-01234567', 'cvpn-endpoint-0fedcba9876543210']) {
      expect(covers(key.replace(`\${Ref:${logicalId(stack, endpoint)}}`, id))).toBe(true);
    }
    for (const other of ['office.ovpn', 'vpn/cvpn-endpoint-0123456789abcdef0.ovpn', 'cvpn-endpoint-0123456789abcdef0.ovpn.bak', 'cvpn-endpoint-0123456789abcdef0.txt']) {
      expect(covers(other)).toBe(false);
    }
  });

  test('an explicit key is the one object the S3 actions are granted on', () => {
    const { template, stack, endpoint } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: 'vpn/clients/office.ovpn',
    }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const s3Statements = accessPolicyOf(template, stack, endpoint).statements.filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([{
      Effect: 'Allow',
      Action: S3_OBJECT_ACTIONS,
      Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/vpn/clients/office.ovpn']] }],
    }]);
    expect(flatten(s3Statements[0].Resource[0])).not.toContain('*');
  });

  test('an imported bucket is scoped to its literal object ARN', () => {
    const { template } = build((f) => ({
      clientConfigurationBucket: s3.Bucket.fromBucketName(f.stack, 'Imported', 'vpn-configs'),
      clientConfigurationKey: 'office.ovpn',
    }));
    const s3Statements = handlerStatements(template).filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Resource.map(flatten)).toEqual(['arn:${Ref:AWS::Partition}:s3:::vpn-configs/office.ovpn']);
  });

  test('a bucket of another stack is granted through its exported ARN', () => {
    const f = testStack();
    const other = new Stack(f.app, 'Buckets', { env: { account: '123456789012', region: 'us-east-1' } });
    const endpoint = createEndpoint(f, { clientConfigurationBucket: new s3.Bucket(other, 'Bucket') });
    const template = Template.fromStack(f.stack);
    const [grant] = accessPolicyOf(template, f.stack, endpoint).statements.filter((s) => s.Action.includes('s3:PutObject'));
    expect(grant.Resource).toEqual([{
      'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/^Buckets:ExportsOutputFnGetAttBucket.*Arn/) }, `/${DEFAULT_KEY_PATTERN}`]],
    }]);
    expect(() => f.app.synth()).not.toThrow();
  });

  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['certificateRevocationList', () => ({ certificateRevocationList: CRL })],
    ['apiSettings', () => ({ apiSettings: { NewSetting: true } })],
  ])('with %s, no S3 or KMS action is granted', (_name, props) => {
    const { template } = build(props, (e) => void e.dnsName);
    const actions = allActions(handlerStatements(template));
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('kms:'))).toEqual([]);
  });

  test('a KMS-encrypted bucket grants kms:GenerateDataKey on its key, and nothing else of KMS', () => {
    const { template, stack, endpoint } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
    }));
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    const kmsStatements = handlerStatements(template).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    // Writing and heading the object needs a data key and no decryption.
    expect(kmsStatements).toEqual([{ Effect: 'Allow', Action: [GENERATE_DATA_KEY], Resource: [{ 'Fn::GetAtt': [keyId, 'Arn'] }] }]);
    expect(accessPolicyOf(template, stack, endpoint).statements).toContainEqual(kmsStatements[0]);
    expect(allActions(defaultPolicyStatements(template)).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  test('a bucket with an imported customer key grants kms:GenerateDataKey on that key ARN', () => {
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const { template } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: kms.Key.fromKeyArn(f.stack, 'Key', keyArn),
      }),
    }));
    const kmsStatements = handlerStatements(template).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([{ Effect: 'Allow', Action: [GENERATE_DATA_KEY], Resource: [keyArn] }]);
  });

  test('an S3-managed bucket grants no KMS action', () => {
    const { template } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED }),
    }));
    const actions = allActions(handlerStatements(template));
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(S3_OBJECT_ACTIONS));
  });

  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['certificateRevocationList', () => ({ certificateRevocationList: CRL })],
    ['clientConfigurationBucket', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') })],
    ['apiSettings', () => ({ apiSettings: { NewSetting: true } })],
    ['every feature and tags', (f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
      clientConfigurationKey: 'office.ovpn',
      apiSettings: { NewSetting: true },
    })],
  ])('with %s, no IAM policy of the stack grants cloudformation:DescribeStackResource, nor any CloudFormation action', (_name, props) => {
    const { template, endpoint } = build(props, (e) => {
      void e.dnsName;
      Tags.of(e).add('team', 'platform');
    });
    expect(endpoint.node.tryFindChild('Settings')).toBeDefined();
    const actions = allActions(allIamStatements(template));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions).not.toContain(DESCRIBE_STACK_RESOURCE);
    expect(actions.filter((a) => a.toLowerCase().startsWith('cloudformation:'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('DescribeStackResource');
  });

  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['every feature, KMS bucket', (f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
      apiSettings: { NewSetting: true },
    })],
    ['every feature, explicit key', (f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: 'office.ovpn',
      apiSettings: { NewSetting: true },
    })],
  ])('with %s, no statement of any IAM policy in the stack has a wildcard action', (_name, props) => {
    const { template } = build(props, (e) => void e.dnsName);
    const statements = allIamStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.NotAction).toBeUndefined();
      for (const action of statement.Action) {
        expect(action).not.toContain('*');
      }
    }
  });

  test('no handler statement is Deny, NotAction or NotResource, and the only wildcards in resources are Describe\'s and the default key\'s', () => {
    const { template } = build((f) => ({
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
      apiSettings: { NewSetting: true },
    }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const withWildcard: string[] = [];
    for (const statement of handlerStatements(template)) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
      withWildcard.push(...statement.Resource.map(flatten).filter((resource) => resource.includes('*')));
    }
    expect(withWildcard.sort()).toEqual(['*', `\${GetAtt:${bucketId}.Arn}/${DEFAULT_KEY_PATTERN}`].sort());
  });
});

// ---------------------------------------------------------------------------
// One policy per endpoint
// ---------------------------------------------------------------------------

describe('each endpoint\'s own policy', () => {
  test('the custom resource depends on its endpoint\'s policy, the function, the role and the role\'s default policy', () => {
    const { template, stack, endpoint } = build(() => ({ certificateRevocationList: CRL }));
    const access = accessPolicyOf(template, stack, endpoint);
    expect(onlySettings(template).dependsOn).toEqual(expect.arrayContaining([
      onlyFunction(template).id, handlerRoleId(template), defaultPolicyId(template), access.id,
    ]));
  });

  test.each<[string, PropsFor]>([
    ['dnsName only', () => ({})],
    ['an export', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') })],
    ['an export to a literal key', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: 'a.ovpn' })],
  ])('with %s, the policy depends on nothing of the custom resource: it is created before it and deleted after it', (_name, props) => {
    const { template, stack, endpoint } = build(props, (e) => void e.dnsName);
    const access = accessPolicyOf(template, stack, endpoint);
    const settingsId = onlySettings(template).id;
    expect(asArray(access.resource.DependsOn)).not.toContain(settingsId);
    expect(JSON.stringify(access.resource.Properties)).not.toContain(settingsId);
  });

  test('two endpoints get two policies on the one role, each custom resource depending on its own and not the other\'s', () => {
    const f = testStack();
    const a = createEndpoint(f, { certificateRevocationList: CRL }, 'A');
    const b = createEndpoint(f, { clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }, 'B');
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(FUNCTION, 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const policyA = accessPolicyOf(template, f.stack, a);
    const policyB = accessPolicyOf(template, f.stack, b);
    expect(accessPolicyIds(template)).toEqual([policyA.id, policyB.id].sort());
    expect(policyA.statements[0].Resource.map(flatten)).toEqual([endpointArnText(f.stack, a)]);
    expect(policyB.statements[0].Resource.map(flatten)).toEqual([endpointArnText(f.stack, b)]);
    expect([...policyA.statements[0].Action].sort()).toEqual([...TAG_ACTIONS, IMPORT_CRL].sort());
    expect([...policyB.statements[0].Action].sort()).toEqual([...TAG_ACTIONS, EXPORT_CONFIGURATION].sort());

    const settings = template.findResources(SETTINGS);
    const settingsOf = (endpoint: ClientVpnEndpoint) => Object.values(settings)
      .find((resource) => JSON.stringify(resource.Properties.EndpointId) === JSON.stringify(endpointRef(f.stack, endpoint)))!;
    expect(settingsOf(a).DependsOn).toContain(policyA.id);
    expect(settingsOf(a).DependsOn).not.toContain(policyB.id);
    expect(settingsOf(b).DependsOn).toContain(policyB.id);
    expect(settingsOf(b).DependsOn).not.toContain(policyA.id);
  });

  /** A stack with endpoint B (every feature) and, as `a` says, endpoint A with every feature, with none, or without A. */
  function twoEndpoints(a: 'every feature' | 'no feature' | 'removed') {
    const f = testStack();
    if (a !== 'removed') {
      const endpointA = createEndpoint(f, a === 'every feature' ? {
        certificateRevocationList: CRL,
        clientConfigurationBucket: new s3.Bucket(f.stack, 'BucketA', { encryption: s3.BucketEncryption.KMS }),
        apiSettings: { NewSetting: true },
      } : {}, 'A');
      void endpointA.dnsName;
    }
    const b = createEndpoint(f, {
      certificateRevocationList: CRL,
      clientConfigurationBucket: new s3.Bucket(f.stack, 'BucketB', { encryption: s3.BucketEncryption.KMS }),
      clientConfigurationKey: 'b.ovpn',
      apiSettings: { NewSetting: true },
    }, 'B');
    const template = Template.fromStack(f.stack);
    return { template, policyB: accessPolicyOf(template, f.stack, b), defaultPolicy: template.findResources(POLICY)[defaultPolicyId(template)] };
  }

  test.each(['no feature', 'removed'] as const)('removing the features of one endpoint (%s) does not change the other\'s policy', (variant) => {
    const before = twoEndpoints('every feature');
    const after = twoEndpoints(variant);
    expect(after.policyB.id).toBe(before.policyB.id);
    expect(after.policyB.resource).toEqual(before.policyB.resource);
    // Nor the policy every endpoint shares.
    expect(after.defaultPolicy).toEqual(before.defaultPolicy);
    expect(accessPolicyIds(after.template)).toHaveLength(variant === 'removed' ? 1 : 2);
  });

  function policyIdFor(props: PropsFor, shape: (f: ReturnType<typeof testStack>) => void = () => undefined) {
    const f = testStack();
    shape(f);
    const endpoint = createEndpoint(f, props(f));
    void endpoint.dnsName;
    const template = Template.fromStack(f.stack);
    const access = accessPolicyOf(template, f.stack, endpoint);
    return { id: access.id, constructId: access.construct.node.id, resource: access.resource };
  }

  test('without an export the policy is Access; with one, Access and 8 hexadecimal digits of where the file goes', () => {
    expect(policyIdFor(() => ({})).constructId).toBe('Access');
    expect(policyIdFor(() => ({ certificateRevocationList: CRL, apiSettings: { NewSetting: 1 } })).constructId).toBe('Access');
    expect(policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') })).constructId).toMatch(/^Access[0-9A-F]{8}$/);
  });

  test('the policy id is the same for the same place, synthesis after synthesis', () => {
    const props: PropsFor = (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: 'office.ovpn' });
    expect(policyIdFor(props).id).toBe(policyIdFor(props).id);
  });

  test('changing the literal key gives the policy a new id, so the old grant outlives the Update that removes the old file', () => {
    const one = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: 'one.ovpn' }));
    const two = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: 'two.ovpn' }));
    const byDefault = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    expect(new Set([one.id, two.id, byDefault.id]).size).toBe(3);
    expect(new Set([one.constructId, two.constructId, byDefault.constructId]).size).toBe(3);
  });

  test('changing a token key gives the policy a new id too', () => {
    const one = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: Fn.importValue('KeyOne') }));
    const two = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), clientConfigurationKey: Fn.importValue('KeyTwo') }));
    expect(one.id).not.toBe(two.id);
  });

  test.each<[string, PropsFor, PropsFor]>([
    ['another bucket of the stack', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'One') }),
      (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Two') })],
    ['another imported bucket', (f) => ({ clientConfigurationBucket: s3.Bucket.fromBucketName(f.stack, 'Imported', 'bucket-one') }),
      (f) => ({ clientConfigurationBucket: s3.Bucket.fromBucketName(f.stack, 'Imported', 'bucket-two') })],
    ['another bucket, same literal key', (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'One'), clientConfigurationKey: 'office.ovpn' }),
      (f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Two'), clientConfigurationKey: 'office.ovpn' })],
  ])('changing the bucket (%s) gives the policy a new id', (_name, before, after) => {
    expect(policyIdFor(before).id).not.toBe(policyIdFor(after).id);
  });

  test('removing the export gives the policy a new id: the one that allowed writing the file stays until the cleanup', () => {
    const exported = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    const notExported = policyIdFor((f) => {
      new s3.Bucket(f.stack, 'Bucket');
      return {};
    });
    expect(exported.id).not.toBe(notExported.id);
    expect(notExported.constructId).toBe('Access');
  });

  test.each<[string, Partial<ClientVpnEndpointProps>]>([
    ['the default key', {}],
    ['a literal key', { clientConfigurationKey: 'office.ovpn' }],
  ])('replacing the endpoint keeps the policy, id and document, with %s', (_name, key) => {
    const before = policyIdFor((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'), ...key }));
    // The client CIDR block and the transport protocol cannot change in place: CloudFormation replaces the endpoint.
    const replaced = policyIdFor((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientCidrBlock: '10.200.0.0/22',
      transportProtocol: TransportProtocol.TCP,
      ...key,
    }));
    expect(replaced.id).toBe(before.id);
    expect(replaced.constructId).toBe(before.constructId);
    expect(replaced.resource).toEqual(before.resource);
  });
});

// ---------------------------------------------------------------------------
// How long CloudFormation waits
// ---------------------------------------------------------------------------

describe('ServiceTimeout', () => {
  test('the exported timeouts: the handler runs 5 minutes at most, CloudFormation waits a minute longer', () => {
    expect(SETTINGS_HANDLER_TIMEOUT.toSeconds()).toBe(300);
    expect(SETTINGS_SERVICE_TIMEOUT.toSeconds()).toBe(SETTINGS_HANDLER_TIMEOUT.toSeconds() + 60);
  });

  test('the function\'s Timeout is the handler timeout, and the custom resource\'s ServiceTimeout a minute more, within CloudFormation\'s bounds', () => {
    const { template } = build(() => ({ certificateRevocationList: CRL }));
    const fn = onlyFunction(template);
    expect(fn.properties.Timeout).toBe(SETTINGS_HANDLER_TIMEOUT.toSeconds());
    const serviceTimeout = onlySettings(template).properties.ServiceTimeout;
    expect(`${serviceTimeout}`).toMatch(/^\d+$/);
    expect(Number(serviceTimeout)).toBe(SETTINGS_SERVICE_TIMEOUT.toSeconds());
    expect(Number(serviceTimeout)).toBe(fn.properties.Timeout + 60);
    // CloudFormation takes 1 to 3600 seconds; the answer must be able to arrive after the function's last second.
    expect(Number(serviceTimeout)).toBeGreaterThan(fn.properties.Timeout);
    expect(Number(serviceTimeout)).toBeLessThanOrEqual(3600);
  });

  test('every endpoint\'s custom resource has the ServiceTimeout, however it came to exist', () => {
    const f = testStack();
    void createEndpoint(f, {}, 'Read').dnsName;
    createEndpoint(f, { apiSettings: { NewSetting: 1 } }, 'Api');
    Tags.of(createEndpoint(f, {}, 'Tagged')).add('team', 'platform');
    const settings = Object.values(Template.fromStack(f.stack).findResources(SETTINGS));
    expect(settings).toHaveLength(3);
    for (const resource of settings) {
      expect(resource.Properties.ServiceTimeout).toBe(`${SETTINGS_SERVICE_TIMEOUT.toSeconds()}`);
    }
  });
});

// ---------------------------------------------------------------------------
// Properties of the custom resource
// ---------------------------------------------------------------------------

describe('properties of the settings custom resource', () => {
  test('EndpointId is the endpoint\'s Ref, and a plain dnsName read sets nothing else', () => {
    const { template, stack, endpoint } = build(() => ({}), (e) => void e.dnsName);
    const fn = onlyFunction(template);
    expect(onlySettings(template).properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      ServiceTimeout: '360',
      EndpointId: endpointRef(stack, endpoint),
      SelfServicePortal: 'disabled',
    });
  });

  test('SelfServicePortal is the endpoint\'s own value, so turning the portal on or off reads its URL again', () => {
    const enabled = build(() => ({
      userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890'),
      selfServicePortal: true,
    }), (e) => void e.selfServicePortalUrl);
    expect(onlySettings(enabled.template).properties.SelfServicePortal).toBe('enabled');
    enabled.template.hasResourceProperties(ENDPOINT, { SelfServicePortal: 'enabled' });

    const disabled = build(() => ({ selfServicePortal: false }), (e) => void e.selfServicePortalUrl);
    expect(onlySettings(disabled.template).properties.SelfServicePortal).toBe('disabled');
  });

  test('a selfServicePortal token gives the custom resource the endpoint\'s condition, not a second one', () => {
    const portalToken = Lazy.any({ produce: () => false }) as unknown as boolean;
    const { template } = build(() => ({ selfServicePortal: portalToken }), (e) => void e.selfServicePortalUrl);
    const conditions = Object.keys(template.findConditions('*'));
    expect(conditions).toHaveLength(1);
    const rendered = { 'Fn::If': [conditions[0], 'enabled', 'disabled'] };
    expect(onlySettings(template).properties.SelfServicePortal).toEqual(rendered);
    template.hasResourceProperties(ENDPOINT, { SelfServicePortal: rendered });
  });

  test('CertificateRevocationList passes through verbatim', () => {
    const { template } = build(() => ({ certificateRevocationList: CRL }));
    template.hasResourceProperties(SETTINGS, { CertificateRevocationList: CRL });
    const properties = onlySettings(template).properties;
    expect(properties.ConfigurationBucket).toBeUndefined();
    expect(properties.ConfigurationKey).toBeUndefined();
    expect(properties.ApiSettings).toBeUndefined();
  });

  test('ConfigurationBucket is the bucket name and ConfigurationKey defaults to "<endpoint Ref>.ovpn"', () => {
    const { template, stack, endpoint } = build((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    template.hasResourceProperties(SETTINGS, {
      EndpointId: endpointRef(stack, endpoint),
      ConfigurationBucket: { Ref: bucketId },
      ConfigurationKey: { 'Fn::Join': ['', [endpointRef(stack, endpoint), '.ovpn']] },
      ConfigurationKmsKeyArn: Match.absent(),
      CertificateRevocationList: Match.absent(),
      ApiSettings: Match.absent(),
    });
  });

  test('an explicit ConfigurationKey passes through', () => {
    const { template } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: 'vpn/office.ovpn',
    }));
    template.hasResourceProperties(SETTINGS, { ConfigurationKey: 'vpn/office.ovpn' });
  });

  test('ConfigurationKmsKeyArn is the ARN of a KMS bucket\'s key', () => {
    const { template } = build((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket', { encryption: s3.BucketEncryption.KMS }),
    }));
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties(SETTINGS, { ConfigurationKmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('ConfigurationInputs is set only with a bucket, as JSON of the settings the file depends on', () => {
    const withBucket = build((f) => ({ clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket') }));
    const inputs = onlySettings(withBucket.template).properties.ConfigurationInputs;
    expect(typeof inputs).toBe('string');
    expect(JSON.parse(inputs)).toEqual({
      serverCertificate: SERVER_CERTIFICATE_ARN,
      clientRootCertificate: CLIENT_ROOT_CERTIFICATE_ARN,
    });
    const withoutBucket = build(() => ({ apiSettings: { NewSetting: true } }));
    expect(onlySettings(withoutBucket.template).properties.ConfigurationInputs).toBeUndefined();
  });

  test('ApiSettings is a JSON string that keeps booleans and numbers', () => {
    const { template } = build(() => ({ apiSettings: { NewSetting: true, Other: 3 } }));
    template.hasResourceProperties(SETTINGS, { ApiSettings: '{"NewSetting":true,"Other":3}' });
  });

  test('ApiSettings keeps nested objects, arrays and strings', () => {
    const apiSettings = { NewOptions: { Enabled: false, Items: ['a', 1] }, Name: 'x"y' };
    const { template } = build(() => ({ apiSettings }));
    const json = onlySettings(template).properties.ApiSettings;
    expect(typeof json).toBe('string');
    expect(JSON.parse(json)).toEqual(apiSettings);
  });

  test('a token value inside apiSettings resolves through Fn::Join into valid JSON', () => {
    const { template } = build((f) => ({ apiSettings: { NewSetting: new s3.Bucket(f.stack, 'Bucket').bucketName, Other: 3 } }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const json = onlySettings(template).properties.ApiSettings;
    expect(json['Fn::Join']).toBeDefined();
    expect(json['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: bucketId }]));
    // Substituting a value for the Ref gives the JSON the handler will parse.
    expect(JSON.parse(flatten(json).replace(`\${Ref:${bucketId}}`, 'my-bucket'))).toEqual({ NewSetting: 'my-bucket', Other: 3 });
  });

  test('the custom resource of every endpoint in a stack depends on the shared function, role and default policy, and on its own policy', () => {
    const f = testStack();
    const a = createEndpoint(f, {}, 'A');
    void a.dnsName;
    const b = createEndpoint(f, { apiSettings: { NewSetting: 1 } }, 'B');
    const template = Template.fromStack(f.stack);
    const fn = onlyFunction(template);
    const shared = [fn.id, handlerRoleId(template), defaultPolicyId(template)];
    const own = [accessPolicyOf(template, f.stack, a).id, accessPolicyOf(template, f.stack, b).id];
    const settings = Object.values(template.findResources(SETTINGS));
    expect(settings).toHaveLength(2);
    for (const resource of settings) {
      expect(resource.DependsOn).toEqual(expect.arrayContaining(shared));
      expect(resource.DependsOn.filter((id: string) => own.includes(id))).toHaveLength(1);
    }
  });
});

// ---------------------------------------------------------------------------
// Validation: certificateRevocationList
// ---------------------------------------------------------------------------

describe('certificateRevocationList validation', () => {
  test.each<[string, string, string]>([
    ['not PEM at all', 'not a crl', "'not a crl'"],
    ['an empty string', '', "''"],
    ['a certificate armour', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'BEGIN CERTIFICATE'],
    ['mismatched armour', '-----BEGIN X509 CRL-----\nMIIB\n-----END CERTIFICATE-----\n', 'END CERTIFICATE'],
    ['a bad base64 body', '-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n', '!!!!'],
    ['a body whose length is no multiple of 4', '-----BEGIN X509 CRL-----\nMIIBa\n-----END X509 CRL-----\n', 'MIIBa'],
    ['an empty body', '-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n', 'BEGIN X509 CRL'],
    ['padding in the middle', '-----BEGIN X509 CRL-----\nMI==IBab\n-----END X509 CRL-----\n', 'MI==IBab'],
  ])('rejects %s', (_name, crl, received) => {
    const error = expectRejected(() => ({ certificateRevocationList: crl }), 'certificateRevocationList', received);
    expect(error.message).toContain('PEM');
  });

  test('rejects a long invalid value, describing it by its length', () => {
    const crl = CRL.replace('MIGnMFAC', 'MIG!MFAC');
    expectRejected(() => ({ certificateRevocationList: crl }), 'certificateRevocationList', `a string of ${crl.length} characters`);
  });

  test('rejects text before the armour', () => {
    const crl = `garbage\n${CRL}`;
    expectRejected(() => ({ certificateRevocationList: crl }), 'certificateRevocationList', `a string of ${crl.length} characters`);
  });

  test('rejects a value that is not a string', () => {
    expectRejected(() => ({ certificateRevocationList: 42 as any }), 'certificateRevocationList', 'got 42');
  });

  test.each<[string, string]>([
    ['\\n line endings', CRL],
    ['\\r\\n line endings', CRL_CRLF],
    ['no final newline', CRL.trimEnd()],
    ['surrounding whitespace', `\n  ${CRL}\n\n`],
  ])('accepts a valid PEM CRL with %s and passes it through', (_name, crl) => {
    const { template } = expectAccepted(() => ({ certificateRevocationList: crl }));
    template.hasResourceProperties(SETTINGS, { CertificateRevocationList: crl });
  });

  test('a token passes without validation and reaches the resource', () => {
    const { template } = expectAccepted(() => ({ certificateRevocationList: Fn.importValue('VpnCrl') }));
    template.hasResourceProperties(SETTINGS, { CertificateRevocationList: { 'Fn::ImportValue': 'VpnCrl' } });
  });

  test('a lazy token that resolves to something that is not PEM is not rejected for its content', () => {
    const { template } = expectAccepted(() => ({ certificateRevocationList: Lazy.string({ produce: () => 'later' }) }));
    template.hasResourceProperties(SETTINGS, { CertificateRevocationList: 'later' });
  });
});

// ---------------------------------------------------------------------------
// Validation: client configuration export
// ---------------------------------------------------------------------------

describe('clientConfigurationBucket and clientConfigurationKey validation', () => {
  test('a key without a bucket is rejected', () => {
    const error = expectRejected(() => ({ clientConfigurationKey: 'office.ovpn' }), 'clientConfigurationKey', "'office.ovpn'");
    expect(error.message).toContain('`clientConfigurationBucket`');
  });

  test('a token key without a bucket is still rejected: the bucket is missing, whatever the key', () => {
    const error = expectRejected(() => ({ clientConfigurationKey: Fn.importValue('Key') }), 'clientConfigurationKey', 'got');
    expect(error.message).toContain('`clientConfigurationBucket`');
  });

  test('an empty key is rejected', () => {
    const error = expectRejected((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: '',
    }), 'clientConfigurationKey', "got ''");
    expect(error.message).toContain('1024');
  });

  test('a key over 1024 bytes is rejected', () => {
    const key = 'k'.repeat(1025);
    const error = expectRejected((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: key,
    }), 'clientConfigurationKey', 'a string of 1025 characters');
    expect(error.message).toContain('1024 bytes');
  });

  test('a key of 513 two-byte characters (1026 bytes) is rejected: the limit counts bytes', () => {
    expectRejected((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: 'é'.repeat(513),
    }), 'clientConfigurationKey', 'a string of 513 characters');
  });

  test.each<[string, string]>([
    ['1024 one-byte characters', 'k'.repeat(1024)],
    ['512 two-byte characters', 'é'.repeat(512)],
    ['one character', 'k'],
  ])('a key of %s is accepted', (_name, key) => {
    const { template } = expectAccepted((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: key,
    }));
    template.hasResourceProperties(SETTINGS, { ConfigurationKey: key });
  });

  test('a token key with a bucket passes and is used for the property and the object ARN', () => {
    const { template } = expectAccepted((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: Fn.importValue('ConfigKey'),
    }));
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    template.hasResourceProperties(SETTINGS, { ConfigurationKey: { 'Fn::ImportValue': 'ConfigKey' } });
    const s3Statements = handlerStatements(template).filter((s) => s.Action.includes('s3:PutObject'));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Resource).toEqual([{
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/', { 'Fn::ImportValue': 'ConfigKey' }]],
    }]);
  });

  test('a key that is not a string is rejected', () => {
    expectRejected((f) => ({
      clientConfigurationBucket: new s3.Bucket(f.stack, 'Bucket'),
      clientConfigurationKey: 7 as any,
    }), 'clientConfigurationKey', 'got 7');
  });

  test('a bucket that is not a bucket is rejected', () => {
    expectRejected(() => ({ clientConfigurationBucket: {} as any }), 'clientConfigurationBucket', 'got {}');
  });
});

// ---------------------------------------------------------------------------
// Validation: apiSettings
// ---------------------------------------------------------------------------

describe('apiSettings validation', () => {
  test.each<[string, string]>([
    ['SessionTimeoutHours', 'sessionTimeout'],
    ['DisconnectOnSessionTimeout', 'disconnectOnSessionTimeout'],
    ['ClientLoginBannerOptions', 'clientLoginBanner'],
    ['SplitTunnel', 'splitTunnel'],
    ['VpnPort', 'port'],
    ['DnsServers', 'dnsServers'],
    ['ServerCertificateArn', 'serverCertificate'],
    ['ClientConnectOptions', 'clientConnectHandler'],
    ['SelfServicePortal', 'selfServicePortal'],
    ['ClientRouteEnforcementOptions', 'clientRouteEnforcement'],
    ['SecurityGroupIds', 'securityGroups'],
    ['VpcId', 'vpc'],
    ['Description', 'description'],
    ['ConnectionLogOptions', 'logging'],
    // CreateClientVpnEndpoint parameters, which have props too.
    ['ClientCidrBlock', 'clientCidrBlock'],
    ['AuthenticationOptions', 'clientRootCertificate'],
    ['TransportProtocol', 'transportProtocol'],
    ['EndpointIpAddressType', 'endpointIpAddressType'],
    ['TrafficIpAddressType', 'trafficIpAddressType'],
    ['TagSpecifications', 'Tags.of(endpoint)'],
  ])('%s is rejected in favour of the `%s` prop', (key, prop) => {
    const error = expectRejected(() => ({ apiSettings: { [key]: 'x' } }), 'apiSettings', `'${key}'`);
    expect(error.message).toContain(`\`${prop}\``);
  });

  test('a typed key is rejected even next to valid keys', () => {
    const error = expectRejected(() => ({ apiSettings: { NewSetting: true, SplitTunnel: true } }), 'apiSettings', "'SplitTunnel'");
    expect(error.message).toContain('`splitTunnel`');
  });

  test.each(['ClientVpnEndpointId', 'DryRun', 'ClientToken'])('the reserved key %s is rejected', (key) => {
    const error = expectRejected(() => ({ apiSettings: { [key]: 'x' } }), 'apiSettings', `'${key}'`);
    expect(error.message).toContain(key);
  });

  test.each(['newSetting', 'new_setting', 'New_Setting', 'New-Setting', 'New Setting', '1Setting', ''])(
    'the non-PascalCase key %p is rejected', (key) => {
      const error = expectRejected(() => ({ apiSettings: { [key]: true } }), 'apiSettings', `'${key}'`);
      expect(error.message).toContain('PascalCase');
    });

  test.each<[string, unknown, string]>([
    ['null', null, 'got null'],
    ['undefined', undefined, 'got undefined'],
  ])('a value of %s is rejected', (_name, value, received) => {
    const error = expectRejected(() => ({ apiSettings: { NewSetting: value } }), 'apiSettings', received);
    expect(error.message).toContain('NewSetting');
  });

  test.each<[string, unknown, string]>([
    ['an empty array', [], 'got []'],
    ['an array of objects', [{ NewSetting: true }], 'got [{"NewSetting":true}]'],
    ['a string', 'NewSetting', "got 'NewSetting'"],
    ['a number', 3, 'got 3'],
  ])('apiSettings that is %s is rejected', (_name, apiSettings, received) => {
    const error = expectRejected(() => ({ apiSettings: apiSettings as any }), 'apiSettings', received);
    expect(error.message).toContain('object');
  });

  test('apiSettings of null is rejected', () => {
    expectRejected(() => ({ apiSettings: null as any }), 'apiSettings', 'got null');
  });

  test('a token value passes and reaches ApiSettings', () => {
    const { template } = expectAccepted(() => ({ apiSettings: { NewSetting: Fn.importValue('Setting') } }));
    const json = onlySettings(template).properties.ApiSettings;
    expect(json['Fn::Join'][1]).toEqual(expect.arrayContaining([{ 'Fn::ImportValue': 'Setting' }]));
  });

  test('a lazy token value passes and is rendered when the template is', () => {
    const { template } = expectAccepted(() => ({ apiSettings: { NewSetting: Lazy.any({ produce: () => 5 }) } }));
    template.hasResourceProperties(SETTINGS, { ApiSettings: '{"NewSetting":5}' });
  });

  test('apiSettings that is a token as a whole passes and is rendered as JSON', () => {
    const { template } = expectAccepted(() => ({
      apiSettings: Lazy.any({ produce: () => ({ NewSetting: true }) }) as any,
    }));
    const json = onlySettings(template).properties.ApiSettings;
    expect(JSON.parse(typeof json === 'string' ? json : flatten(json))).toEqual({ NewSetting: true });
    template.hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith([MODIFY_ENDPOINT]) })]) },
    });
  });

  test('valid PascalCase keys with digits are accepted', () => {
    const { template } = expectAccepted(() => ({ apiSettings: { Ipv6Setting2: 'on', A: 0, B: false } }));
    template.hasResourceProperties(SETTINGS, { ApiSettings: '{"Ipv6Setting2":"on","A":0,"B":false}' });
  });
});
