import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClientVpnExampleStack } from './example-stack';

// The example must pass cdk-nag's AwsSolutions checks and the cfn-guard rules with nothing unacknowledged.
// cfn-guard's Control Tower rules have no per-resource acknowledgement, so these are off, each for a reason.
const cfnGuardExceptions: Record<string, string> = {
  'ct-cloudwatch-pr-3': 'Connection, flow and handler logs hold no secrets and CloudWatch Logs encrypts them at rest; '
    + 'pass `logGroup` with a customer managed key where a policy requires one.',
  'ct-lambda-pr-3': 'The handlers call only AWS APIs (EC2, S3, ACM, Secrets Manager); '
    + 'in a VPC it would need a NAT gateway or interface endpoints and gain nothing.',
};

const app = new App();
new ClientVpnExampleStack(app, 'ClientVpnExample', { env: { region: 'eu-west-1' } });
const awsSolutions = new AwsSolutionsChecks(app);
Validations.of(app).addPlugins(
  new CfnGuardValidator({ disabledRules: Object.keys(cfnGuardExceptions) }),
  // aws-cdk-lib 2.257 does not hand plugins the construct tree, which cdk-nag 3 walks: give it the app.
  { name: awsSolutions.readPackName, validate: () => awsSolutions.validateScope(app) },
);
app.synth();
