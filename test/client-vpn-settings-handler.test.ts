import { Template, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClientVpnSettingsHandler } from '../src';
import { createEndpoint, expectInvalid, logicalId, testStack } from './util';

const FUNCTION = 'AWS::Lambda::Function';
const LOG_GROUP = 'AWS::Logs::LogGroup';

describe('ClientVpnSettingsHandler.configure', () => {
  test('without options: the same template as the handler the endpoints create themselves, on nodejs22.x', () => {
    const f = testStack();
    const handler = ClientVpnSettingsHandler.configure(f.stack);
    void createEndpoint(f).dnsName;
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties(FUNCTION, { Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(Object.keys(template.findResources(FUNCTION))).toEqual([logicalId(f.stack, handler)]);

    const unconfigured = testStack();
    void createEndpoint(unconfigured).dnsName;
    expect(template.toJSON()).toEqual(Template.fromStack(unconfigured.stack).toJSON());
  });

  test('nodejs24.x: every endpoint of the stack runs on the chosen function', () => {
    const f = testStack();
    const handler = ClientVpnSettingsHandler.configure(f.stack, { runtime: lambda.Runtime.NODEJS_24_X });
    const endpoints = ['A', 'B'].map((id) => createEndpoint(f, {}, id));
    endpoints.forEach((endpoint) => void endpoint.dnsName);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs(FUNCTION, 1);
    template.hasResourceProperties(FUNCTION, { Runtime: 'nodejs24.x' });
    const functionId = logicalId(f.stack, handler);
    const settings = Object.values(template.findResources('Custom::ClientVpnEndpointSettings'));
    expect(settings).toHaveLength(2);
    settings.forEach((resource) => expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] }));
  });

  test.each([
    ['nodejs20.x', lambda.Runtime.NODEJS_20_X],
    ['python3.13', lambda.Runtime.PYTHON_3_13],
  ])('a runtime the handler is not tested on (%s) is rejected naming `runtime`', (name, runtime) => {
    const f = testStack();
    const error = expectInvalid(() => ClientVpnSettingsHandler.configure(f.stack, { runtime }), 'runtime', `got '${name}'`);
    expect(error.message).toContain("'nodejs22.x' or 'nodejs24.x'");
  });

  test('a runtime that is not a lambda.Runtime is rejected naming `runtime`', () => {
    const f = testStack();
    expectInvalid(() => ClientVpnSettingsHandler.configure(f.stack, { runtime: 'nodejs22.x' as unknown as lambda.Runtime }), 'runtime', "got 'nodejs22.x'");
  });

  test('a second call, or a call after an endpoint created the handler, says where the handler is', () => {
    const f = testStack();
    ClientVpnSettingsHandler.configure(f.stack);
    expect(() => ClientVpnSettingsHandler.configure(f.stack)).toThrow(/^Test: the settings handler already exists \(Test\/ClientVpnEndpointSettingsHandler\)/);

    const late = testStack();
    void createEndpoint(late).dnsName;
    expect(() => ClientVpnSettingsHandler.configure(late.stack, { runtime: lambda.Runtime.NODEJS_24_X })).toThrow('call ClientVpnSettingsHandler.configure() once per stack');
  });

  test('called with a construct deep in the stack, it configures that stack', () => {
    const f = testStack();
    ClientVpnSettingsHandler.configure(f.vpc, { runtime: lambda.Runtime.NODEJS_24_X });
    void createEndpoint(f).dnsName;
    Template.fromStack(f.stack).hasResourceProperties(FUNCTION, { Runtime: 'nodejs24.x' });
  });
});

describe('the handler log group encrypted with a key of the app', () => {
  function build(key: (f: ReturnType<typeof testStack>) => kms.IKey) {
    const f = testStack();
    const logKey = key(f);
    ClientVpnSettingsHandler.configure(f.stack, { logEncryptionKey: logKey });
    void createEndpoint(f).dnsName;
    return { ...f, logKey, template: Template.fromStack(f.stack) };
  }

  test('the log group names the key, and the key policy lets CloudWatch Logs use it for log groups of this account and region only', () => {
    const { stack, logKey, template } = build((f) => new kms.Key(f.stack, 'LogKey', { enableKeyRotation: true }));
    const keyId = logicalId(stack, logKey);
    template.hasResourceProperties(LOG_GROUP, { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 365 });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']],
              },
            },
          },
        }]),
      },
    });
  });

  test('an imported key is named by the log group; its policy is the owner\'s to extend', () => {
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const { template } = build((f) => kms.Key.fromKeyArn(f.stack, 'Imported', arn));
    template.hasResourceProperties(LOG_GROUP, { KmsKeyId: arn });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('something that is not a key is rejected naming `logEncryptionKey`', () => {
    const f = testStack();
    expectInvalid(() => ClientVpnSettingsHandler.configure(f.stack, { logEncryptionKey: { keyArn: 'arn' } as unknown as kms.IKey }),
      'logEncryptionKey', 'got {"keyArn":"arn"}');
  });

  test('without a key the handler\'s log group has none', () => {
    const f = testStack();
    void createEndpoint(f).dnsName;
    const logGroupId = logicalId(f.stack, f.stack.node.findChild('ClientVpnEndpointSettingsHandlerLogs'));
    const group = Template.fromStack(f.stack).toJSON().Resources[logGroupId];
    expect(group).toMatchObject({ Type: LOG_GROUP, Properties: { RetentionInDays: 365 } });
    expect(group.Properties.KmsKeyId).toBeUndefined();
  });
});
