/**
 * The CloudFormation simulator plays the documented lifecycle, proven with a probe handler whose
 * behaviour its properties decide (so these tests guard the harness, whatever the real handler does).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CustomResourceRecord } from './custom-resource';
import { Harness } from './harness';
import { Template } from './intrinsics';
import { SynthesizedStack } from './stack-records';

/** Answers as its properties say: FailOn (request types), Id (the physical id), Hang, Value (echoed as Data). */
const PROBE = `
export async function handler(event, context) {
  const p = event.ResourceProperties;
  console.log(event.RequestType, event.LogicalResourceId, event.PhysicalResourceId ?? '');
  if (p.Hang === 'true') await new Promise(() => undefined);
  const sdk = await import('@aws-sdk/client-ec2').then(() => 'yes', () => 'no');
  const other = await import('aws-cdk-lib').then(() => 'yes', () => 'no');
  const fail = (p.FailOn ?? '').split(',').includes(event.RequestType);
  const physicalId = event.RequestType === 'Delete' ? event.PhysicalResourceId : (p.Id ?? 'probe-' + event.LogicalResourceId);
  await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body: JSON.stringify({
    Status: fail ? 'FAILED' : 'SUCCESS', Reason: fail ? 'the probe was asked to fail' : undefined, PhysicalResourceId: physicalId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Echo: p.Value ?? '', Node: process.version, Sdk: sdk, Other: other, Remaining: String(context.getRemainingTimeInMillis()) },
  }) });
}`;

jest.setTimeout(60_000);
const codeDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-probe-'));
fs.writeFileSync(path.join(codeDirectory, 'index.mjs'), PROBE);
let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

afterAll(() => fs.rmSync(codeDirectory, { recursive: true, force: true }));

type Probe = { [name: string]: unknown };

/** A stack with the probe function (role, policy, no retries) and these probe resources. */
function stack(probes: { [logicalId: string]: Probe }, extra: Template['Resources'] = {}): SynthesizedStack {
  const resources: { [id: string]: object } = {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    Policy: {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] } },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['Policy'],
      Properties: { Code: { S3Bucket: 'assets', S3Key: 'probe.zip' }, Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 30, Role: { 'Fn::GetAtt': ['Role', 'Arn'] } },
    },
    Retries: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, MaximumRetryAttempts: 0, Qualifier: '$LATEST' } },
    ...extra,
  };
  for (const [logicalId, { DependsOn, ...properties }] of Object.entries(probes)) {
    resources[logicalId] = {
      Type: 'Custom::Probe',
      DependsOn: DependsOn ?? ['Retries'],
      Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, ServiceTimeout: 60, ...properties },
    };
  }
  return { stackName: 'Probe', template: { Resources: resources } as unknown as Template, assets: new Map([['probe.zip', codeDirectory]]) };
}

function requests(operation: number): Array<{ type: string; id: string; phase: string; record: CustomResourceRecord }> {
  return harness.cfn.protocol.records.filter((record) => record.operation === operation)
    .map((record) => ({ type: String(record.event.RequestType), id: record.logicalId, phase: record.phase, record }));
}

test('create: dependencies first, independent resources at once, properties stringified, on Node.js 22 with only the SDK', async () => {
  const created = await harness.deploy(stack({
    A: { Value: 'a', Number: 5, Flag: true, Nested: { List: [1, false] } },
    B: { Value: 'b' },
    C: { Value: { 'Fn::Join': ['-', [{ 'Fn::GetAtt': ['A', 'Echo'] }, 'c']] } },
  }));

  expect(created.status).toBe('CREATE_COMPLETE');
  const [a, b, c] = ['A', 'B', 'C'].map((id) => requests(0).find((request) => request.id === id)!.record);
  expect(a.event).toMatchObject({
    RequestType: 'Create',
    ResourceType: 'Custom::Probe',
    LogicalResourceId: 'A',
    StackId: harness.cfn.stackId,
    ResourceProperties: { ServiceToken: expect.stringContaining(':function:'), ServiceTimeout: '60', Number: '5', Flag: 'true', Nested: { List: ['1', 'false'] } },
  });
  expect(a.event).not.toHaveProperty('PhysicalResourceId');
  expect(c.event.ResourceProperties).toMatchObject({ Value: 'a-c' });
  expect(c.startedAt).toBeGreaterThanOrEqual(a.endedAt!);
  expect(b.startedAt).toBeLessThan(a.endedAt!);
  expect(a.outcome?.data).toMatchObject({ Node: expect.stringMatching(/^v22\./), Sdk: 'yes', Other: 'no' });
  expect(Number(a.outcome?.data.Remaining)).toBeGreaterThan(25_000);
  expect(harness.check()).toEqual([]);
});

test('update: a new physical id is a replacement, whose old id is deleted with the old properties in cleanup', async () => {
  await harness.deploy(stack({ A: { Value: 'a', Id: 'first' }, C: { Value: { 'Fn::GetAtt': ['A', 'Echo'] }, DependsOn: ['A'] } }));
  const updated = await harness.deploy(stack({ A: { Value: 'a2', Id: 'second' }, C: { Value: { 'Fn::GetAtt': ['A', 'Echo'] }, DependsOn: ['A'] } }));

  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(requests(1).map(({ type, id, phase }) => `${phase} ${type} ${id}`)).toEqual([
    'UPDATE_IN_PROGRESS Update A', 'UPDATE_IN_PROGRESS Update C', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete A',
  ]);
  const [update, , cleanup] = requests(1).map((request) => request.record.event);
  expect(update).toMatchObject({ PhysicalResourceId: 'first', ResourceProperties: { Value: 'a2' }, OldResourceProperties: { Value: 'a' } });
  expect(cleanup).toMatchObject({ PhysicalResourceId: 'first', ResourceProperties: { Value: 'a', Id: 'first' } });
  expect(harness.physicalId('A')).toBe('second');
  expect(harness.check()).toEqual([]);
});

test('a failed update rolls back: updated resources get an Update with old and new swapped, then what it created is deleted', async () => {
  await harness.deploy(stack({ A: { Value: 'a' } }));
  const failed = await harness.deploy(stack({ A: { Value: 'a2' }, B: { Value: 'b', DependsOn: ['A'] }, D: { Value: 'd', DependsOn: ['B'] } }), { fail: ['D'] });

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(requests(1).map(({ type, id, phase }) => `${phase} ${type} ${id}`)).toEqual([
    'UPDATE_IN_PROGRESS Update A',
    'UPDATE_IN_PROGRESS Create B',
    'UPDATE_ROLLBACK_IN_PROGRESS Update A',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS Delete B',
  ]);
  expect(requests(1)[2].record.event).toMatchObject({
    PhysicalResourceId: 'probe-A', ResourceProperties: { Value: 'a' }, OldResourceProperties: { Value: 'a2' },
  });
  expect(harness.resource('A').properties).toMatchObject({ Value: 'a' });
  expect(harness.cfn.resources.has('B')).toBe(false);
  expect(harness.check()).toEqual([]);
});

test('a rollback Update that fails leaves the stack UPDATE_ROLLBACK_FAILED, and the invariants say so', async () => {
  await harness.deploy(stack({ A: { Value: 'a', FailOn: 'Update' } }));
  const failed = await harness.deploy(stack({ A: { Value: 'a2' }, B: { Value: 'b', DependsOn: ['A'] } }), { fail: ['B'] });

  expect(failed.status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(harness.check()).toEqual([expect.stringContaining('the stack is UPDATE_ROLLBACK_FAILED')]);
  await expect(harness.deploy(stack({ A: { Value: 'a' } }))).rejects.toThrow(/UPDATE_ROLLBACK_FAILED/);
});

test('a failed create deletes what it created, the failed custom resource too, dependents first', async () => {
  const failed = await harness.deploy(stack({ A: { Value: 'a' }, B: { Value: 'b', FailOn: 'Create', Id: 'failed-b', DependsOn: ['A'] } }));

  expect(failed.status).toBe('ROLLBACK_COMPLETE');
  expect(requests(0).map(({ type, id, phase }) => `${phase} ${type} ${id}`)).toEqual([
    'CREATE_IN_PROGRESS Create A', 'CREATE_IN_PROGRESS Create B', 'ROLLBACK_IN_PROGRESS Delete B', 'ROLLBACK_IN_PROGRESS Delete A',
  ]);
  expect(requests(0)[2].record.event).toMatchObject({ PhysicalResourceId: 'failed-b' });
  expect(harness.cfn.resources.size).toBe(0);
  expect([...harness.fake.iam.rolesEverCreated].filter((role) => harness.fake.iam.hasRole(role))).toEqual([]);
});

test('a handler that never answers fails the resource after ServiceTimeout, which the invariants report', async () => {
  await harness.deploy(stack({ A: { Value: 'a' } }));
  const updated = await harness.deploy(stack({ A: { Value: 'a2', Hang: 'true', ServiceTimeout: undefined } }), { lambdaTimeoutMs: 1500 });

  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const [hung] = requests(1);
  expect(hung.record.invocations).toEqual([expect.objectContaining({ timedOut: true })]);
  expect(hung.record.waitedSeconds).toBe(3600);
  expect(harness.check()).toEqual(expect.arrayContaining([expect.stringContaining('Update of A (UPDATE_IN_PROGRESS) never answered')]));
});

test('removed resources are deleted in cleanup, in reverse dependency order, and Retain is honoured', async () => {
  const retained = { Kept: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' } } as unknown as Template['Resources'];
  await harness.deploy(stack({ A: { Value: 'a' }, B: { Value: { Ref: 'A' } } }, retained));
  const bucket = harness.physicalId('Kept');
  const updated = await harness.deploy(stack({}));

  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(requests(1).map(({ type, id, phase }) => `${phase} ${type} ${id}`)).toEqual([
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete B', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete A',
  ]);
  expect(updated.events.find((event) => event.logicalId === 'Kept')?.status).toBe('DELETE_SKIPPED');
  expect(harness.fake.s3.buckets.has(bucket)).toBe(true);

  const deleted = await harness.destroy();
  expect(deleted.status).toBe('DELETE_COMPLETE');
  expect(harness.check()).toEqual([]);
});
