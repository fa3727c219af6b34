import * as fs from 'fs';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag-v2';
import { ClientVpnExampleStack } from './example-stack';

// cdk-nag 2 runs as an aspect and reports findings as error and warning annotations. It reads the
// library's acknowledgements from `cdk_nag` metadata; any finding left fails this check.
const app = new App();
const stack = new ClientVpnExampleStack(app, 'ClientVpnExample', { env: { region: 'eu-west-1' } });
Aspects.of(app).add(new AwsSolutionsChecks());
const findings = app.synth().getStackByName(stack.stackName).messages
  .filter((message) => message.level !== 'info' && /AwsSolutions-/.test(String(message.entry.data)));
for (const finding of findings) {
  console.error(`${finding.level} ${finding.id}: ${String(finding.entry.data)}`);
}
if (findings.length > 0) {
  process.exit(1);
}
const { version } = JSON.parse(fs.readFileSync(require.resolve('cdk-nag-v2/package.json'), 'utf8'));
console.log(`cdk-nag ${version}: no findings on ${stack.stackName}`);
