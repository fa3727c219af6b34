/**
 * The fake Secrets Manager answers as Secrets Manager does, seen through the real SDK, and
 * CloudFormation's AWS::SecretsManager::Secret does what the template reference says.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeAws } from './fake-aws';
import { FunctionRegistry, ModelContext, modelOf } from './resource-models';

const ROLE = 'HandlerRole';
let fake: FakeAws;
let client: SecretsManagerClient;

beforeEach(async () => {
  fake = await FakeAws.start();
  fake.iam.createRole(ROLE);
  client = new SecretsManagerClient({
    endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: ROLE, secretAccessKey: 'secret' }, maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await fake.close();
});

function allow(actions: string[], resource: string): void {
  fake.iam.setPolicy(ROLE, `policy-${actions.join()}-${resource}`, { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, message, $metadata } = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name, status: $metadata?.httpStatusCode, message };
  }
  throw new Error('expected the call to fail');
}

describe('GetSecretValue', () => {
  test('answers the AWSCURRENT value by ARN, by name and by ARN without its suffix', async () => {
    const secret = fake.secretsManager.createSecret({ name: 'vpn/ca', value: '{"key":"pem"}' });
    allow(['secretsmanager:GetSecretValue'], secret.arn);
    expect(secret.arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:vpn\/ca-[A-Za-z0-9]{6}$/);
    for (const secretId of [secret.arn, 'vpn/ca', secret.arn.slice(0, -7)]) {
      const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      expect(answer).toMatchObject({
        ARN: secret.arn, Name: 'vpn/ca', SecretString: '{"key":"pem"}', VersionStages: ['AWSCURRENT'], VersionId: secret.versions[0].versionId,
      });
      expect(answer.CreatedDate).toBeInstanceOf(Date);
    }
    expect(fake.callsOf('GetSecretValue').map((call) => [call.service, call.params.SecretId, call.status]))
      .toEqual([['secretsmanager', secret.arn, 200], ['secretsmanager', 'vpn/ca', 200], ['secretsmanager', secret.arn.slice(0, -7), 200]]);
  });

  test('IAM denial is 400 AccessDeniedException, naming the action and the secret', async () => {
    const secret = fake.secretsManager.createSecret({ name: 'vpn/ca', value: 'v' });
    const other = fake.secretsManager.createSecret({ name: 'other', value: 'v' });
    allow(['secretsmanager:GetSecretValue'], other.arn);
    const denied = await failure(client.send(new GetSecretValueCommand({ SecretId: secret.arn })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toContain(`is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secret.arn}`);
    // A PutSecretValue grant is not a GetSecretValue one.
    allow(['secretsmanager:PutSecretValue'], secret.arn);
    expect(await failure(client.send(new GetSecretValueCommand({ SecretId: 'vpn/ca' })))).toMatchObject({ name: 'AccessDeniedException' });
  });

  test('an unknown, an empty and a deleted secret: ResourceNotFoundException; one scheduled for deletion: InvalidRequestException', async () => {
    allow(['secretsmanager:GetSecretValue'], '*');
    expect(await failure(client.send(new GetSecretValueCommand({ SecretId: 'missing' }))))
      .toEqual({ name: 'ResourceNotFoundException', status: 400, message: "Secrets Manager can't find the specified secret." });

    const empty = fake.secretsManager.createSecret({ name: 'empty' });
    expect(await failure(client.send(new GetSecretValueCommand({ SecretId: empty.arn }))))
      .toMatchObject({ name: 'ResourceNotFoundException', status: 400, message: expect.stringContaining('staging label: AWSCURRENT') });

    const scheduled = fake.secretsManager.createSecret({ name: 'scheduled', value: 'v' });
    fake.secretsManager.deleteSecret(scheduled.arn, { immediately: false });
    expect(await failure(client.send(new GetSecretValueCommand({ SecretId: scheduled.arn }))))
      .toMatchObject({ name: 'InvalidRequestException', status: 400, message: expect.stringContaining('marked for deletion') });
    expect(fake.secretsManager.secret(scheduled.arn)?.state).toBe('scheduled-for-deletion');

    const gone = fake.secretsManager.createSecret({ name: 'gone', value: 'v' });
    fake.secretsManager.deleteSecret(gone.arn, { immediately: true });
    expect(await failure(client.send(new GetSecretValueCommand({ SecretId: gone.arn })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(fake.problems).toEqual([]);
  });
});

describe('PutSecretValue', () => {
  test('makes a new AWSCURRENT version; the same token and value is ignored, the same token with another value refused', async () => {
    const secret = fake.secretsManager.createSecret({ name: 'vpn/ca', value: 'v1' });
    expect(await failure(client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v2' }))))
      .toMatchObject({ name: 'AccessDeniedException', status: 400 });
    allow(['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue'], secret.arn);

    const put = await client.send(new PutSecretValueCommand({ SecretId: 'vpn/ca', SecretString: 'v2' }));
    // The SDK fills ClientRequestToken with a UUID: it becomes the VersionId.
    expect(put).toMatchObject({ ARN: secret.arn, Name: 'vpn/ca', VersionStages: ['AWSCURRENT'] });
    expect(JSON.parse(fake.callsOf('PutSecretValue')[1].body).ClientRequestToken).toBe(put.VersionId);
    expect(fake.secretsManager.secret(secret.arn)).toMatchObject({ value: 'v2', versions: 2, state: 'active' });
    expect(secret.versions[0].stages).toEqual(['AWSPREVIOUS']);

    const token = '3f1d2c4b-0000-4000-8000-00000000000a';
    const first = await client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v3', ClientRequestToken: token }));
    const again = await client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v3', ClientRequestToken: token }));
    expect([first.VersionId, again.VersionId]).toEqual([token, token]);
    expect(fake.secretsManager.secret(secret.arn)).toMatchObject({ value: 'v3', versions: 3 });
    expect(await failure(client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'other', ClientRequestToken: token }))))
      .toMatchObject({ name: 'ResourceExistsException', status: 400 });
    expect((await client.send(new GetSecretValueCommand({ SecretId: secret.arn }))).SecretString).toBe('v3');
  });

  test('faults: throttling answers 400 ThrottlingException, and the call is recorded', async () => {
    const secret = fake.secretsManager.createSecret({ name: 'vpn/ca', value: 'v1' });
    allow(['secretsmanager:PutSecretValue'], secret.arn);
    fake.faults.throttle('PutSecretValue', 1);
    expect(await failure(client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v2' }))))
      .toMatchObject({ name: 'ThrottlingException', status: 400 });
    await client.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v2' }));
    expect(fake.callsOf('PutSecretValue').map((call) => call.status)).toEqual([400, 200]);
    expect(fake.faults.hits('PutSecretValue')).toBe(1);
  });
});

describe('AWS::SecretsManager::Secret', () => {
  const model = modelOf('AWS::SecretsManager::Secret');
  const context = (): ModelContext => ({
    fake,
    functions: new FunctionRegistry(),
    stackName: 'Vpn',
    stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Vpn/1',
    logicalId: 'AuthoritySecret1A2B3C4D',
    assets: new Map(),
  });

  test('GenerateSecretString {} makes a 32-character password with every character type; the Ref and Id are the ARN', async () => {
    const created = await model.create(context(), { GenerateSecretString: {} });
    expect(created.physicalId).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:AuthoritySecret1A2B3C4D-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}$/);
    expect(created.attributes.Id).toBe(created.physicalId);
    const value = fake.secretsManager.secret(created.physicalId)!.value!;
    expect(value).toHaveLength(32);
    for (const type of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/]) {
      expect(value).toMatch(type);
    }
    expect(model.replacedBy).toEqual(['Name']);
  });

  test('an update keeps the value unless SecretString or GenerateSecretString changes; delete is without recovery window', async () => {
    const created = await model.create(context(), { Name: 'vpn/ca', SecretString: 'v1', KmsKeyId: 'alias/vpn' });
    expect(fake.secretsManager.secret(created.physicalId)).toMatchObject({ name: 'vpn/ca', value: 'v1', versions: 1, kmsKeyId: 'alias/vpn' });
    await model.update!(context(), created, { Name: 'vpn/ca', SecretString: 'v1', Description: 'd' }, { Name: 'vpn/ca', SecretString: 'v1' });
    expect(fake.secretsManager.secret(created.physicalId)).toMatchObject({ value: 'v1', versions: 1 });
    await model.update!(context(), created, { Name: 'vpn/ca', SecretString: 'v2' }, { Name: 'vpn/ca', SecretString: 'v1' });
    expect(fake.secretsManager.secret(created.physicalId)).toMatchObject({ value: 'v2', versions: 2 });
    await model.update!(context(), created, { Name: 'vpn/ca', GenerateSecretString: { PasswordLength: 20 } }, { Name: 'vpn/ca', SecretString: 'v2' });
    expect(fake.secretsManager.secret(created.physicalId)!.value).toHaveLength(20);

    await model.delete!(context(), created, {});
    expect(fake.secretsManager.secret(created.physicalId)?.state).toBe('deleted');
    // The name is free at once, as after ForceDeleteWithoutRecovery.
    await expect(model.create(context(), { Name: 'vpn/ca' })).resolves.toBeDefined();
  });
});
