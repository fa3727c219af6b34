/**
 * How long the certificate authority's bundled handler takes to issue one client certificate, cold
 * (a new environment: Node.js starts and imports the bundle) and warm (the same environment again),
 * under the Node.js 22 of the Lambda runtime, against the lifecycle harness's fake Secrets Manager.
 *
 *   npx projen bench:handler          (SAMPLES=9 for more than 5)
 *
 * A measurement to read, not a test: the numbers depend on the machine. Lambda gives the function
 * CPU in proportion to its 1 GB of memory, so a cold start there differs; RSA key generation
 * dominates either way, and its time varies from key to key.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CLIENT_RESOURCE_TYPE } from '../src/custom-resource/certificate-authority-properties';
import { createAuthority } from '../src/custom-resource/pki';
import { FakeAws } from '../test/lifecycle/fake-aws';
import { FunctionConfig, LambdaRuntime } from '../test/lifecycle/lambda-runtime';

const ASSET = path.join(__dirname, '..', 'assets', 'custom-resource', 'certificate-authority.lambda');
const ROLE = 'BenchCertificateAuthorityHandlerRole';

async function main(): Promise<void> {
  const samples = Number(process.env.SAMPLES ?? 5);
  const fake = await FakeAws.start();
  fake.iam.createRole(ROLE);
  fake.iam.setPolicy(ROLE, 'bench', { Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: '*' }] });
  const authority = await createAuthority('Bench CA', new Date(Date.now() + 3650 * 86_400_000));
  const caSecret = fake.secretsManager.createSecret({
    name: 'bench-ca',
    value: JSON.stringify({ certificate: authority.certificate, privateKey: authority.privateKey, validityDays: 3650 }),
  });
  const config: FunctionConfig = {
    name: 'bench-ca-handler',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-ca-handler',
    codeDirectory: ASSET,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 300,
    memoryMb: 1024,
    role: ROLE,
    environment: {},
  };
  let serial = 0;
  const issueOne = async (runtime: LambdaRuntime): Promise<number> => {
    // As CloudFormation creates it: with the random value of GenerateSecretString, which the handler replaces.
    const clientSecret = fake.secretsManager.createSecret({ name: `bench-client-${serial}`, value: randomBytes(24).toString('base64') });
    const requestId = `bench-${serial++}`;
    const started = process.hrtime.bigint();
    const invocation = await runtime.invoke(config, {
      RequestType: 'Create',
      RequestId: requestId,
      ResponseURL: fake.responseUrl(requestId),
      ResourceType: CLIENT_RESOURCE_TYPE,
      LogicalResourceId: 'Client',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/1',
      ServiceToken: config.arn,
      ResourceProperties: {
        ServiceToken: config.arn, CaSecretArn: caSecret.arn, ClientSecretArn: clientSecret.arn, CommonName: `user-${serial}`, ValidityDays: '730', Authority: 'bench',
      },
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    const response = await fake.response(requestId);
    if (invocation.error || response.body?.Status !== 'SUCCESS') {
      throw new Error(`issuing failed: ${invocation.error ?? response.body?.Reason}\n${invocation.logs.join('\n')}`);
    }
    return elapsed;
  };

  const cold: number[] = [];
  const warm: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    // A runtime of its own: its first invocation starts a new environment.
    const runtime = new LambdaRuntime(fake.url, fake.region);
    try {
      cold.push(await issueOne(runtime));
      warm.push(await issueOne(runtime));
    } finally {
      runtime.stop();
    }
  }
  await fake.close();
  const bytes = fs.statSync(path.join(ASSET, 'index.mjs')).size;
  console.log(`certificate authority handler: ${(bytes / 1024).toFixed(1)} KiB bundle (index.mjs), ${samples} samples, Node.js 22`);
  console.log(`issue one client certificate, cold: median ${median(cold).toFixed(0)} ms (min ${Math.min(...cold).toFixed(0)}, max ${Math.max(...cold).toFixed(0)})`);
  console.log(`issue one client certificate, warm: median ${median(warm).toFixed(0)} ms (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
