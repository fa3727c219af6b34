/**
 * `Harness.runSchedule` does what EventBridge does when a schedule rule fires: the rule's first
 * target function gets the target's Input as its event, if the function's policy lets EventBridge in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Harness } from './harness';
import { SynthesizedStack } from './stack-records';

/** Reads the secret the event names, through the fake; fails when the event asks it to. */
const ROTATOR = `
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export async function handler(event) {
  console.log('event', JSON.stringify(event));
  if (event.fail) throw new Error('asked to fail');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: event.secretArn }));
  console.log('length', secret.SecretString.length);
}`;

jest.setTimeout(60_000);
const codeDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-rotator-'));
fs.writeFileSync(path.join(codeDirectory, 'index.mjs'), ROTATOR);
let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

afterAll(() => fs.rmSync(codeDirectory, { recursive: true, force: true }));

function stack(options: { input: object; permission?: boolean; retries?: number }): SynthesizedStack {
  // The Input as CDK synthesizes a token in RuleTargetInput.fromObject: a Join around the Ref.
  const [before, after] = JSON.stringify({ secretArn: '@@', ...options.input }).split('@@');
  const resources: { [id: string]: object } = {
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {},
        Policies: [{
          PolicyName: 'read',
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Secret' } }] },
        }],
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Bucket: 'assets', S3Key: 'rotator.zip' }, Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 30, Role: { 'Fn::GetAtt': ['Role', 'Arn'] } },
    },
    Retries: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, MaximumRetryAttempts: options.retries ?? 0, Qualifier: '$LATEST' } },
    RotationA1B2C3D4: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Id: 'Target0', Input: { 'Fn::Join': ['', [before, { Ref: 'Secret' }, after]] } }],
      },
    },
  };
  if (options.permission !== false) {
    resources.RotationAllowEventRule = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['RotationA1B2C3D4', 'Arn'] },
      },
    };
  }
  return { stackName: 'Schedules', template: { Resources: resources } as never, assets: new Map([['rotator.zip', codeDirectory]]) };
}

test('the target function gets the resolved Input as its event and runs with its role', async () => {
  expect((await harness.deploy(stack({ input: { mode: 'daily' } }))).status).toBe('CREATE_COMPLETE');
  const secretArn = harness.physicalId('Secret');
  const run = await harness.runSchedule('Rotation');
  expect(run.event).toEqual({ secretArn, mode: 'daily' });
  expect(run.invocations).toHaveLength(1);
  expect(run.error).toBeUndefined();
  expect(run.invocations[0].logs).toEqual(expect.arrayContaining([`event ${JSON.stringify({ secretArn, mode: 'daily' })}`, 'length 32']));
  expect(harness.fake.callsOf('GetSecretValue').map((call) => [call.params.SecretId, call.status])).toEqual([[secretArn, 200]]);
});

test('a failed run is retried as the EventInvokeConfig says; without a Permission nothing runs', async () => {
  await harness.deploy(stack({ input: { fail: true }, retries: 1 }));
  const failed = await harness.runSchedule('Rotation');
  expect(failed.invocations).toHaveLength(2);
  expect(failed.error).toMatch(/asked to fail/);

  await harness.deploy(stack({ input: {}, permission: false }));
  const refused = await harness.runSchedule('Rotation');
  expect(refused.invocations).toEqual([]);
  expect(refused.error).toMatch(/no AWS::Lambda::Permission/);
});
