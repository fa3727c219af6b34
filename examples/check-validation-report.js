// Fails when any policy validation plugin (cdk-nag, cfn-guard) reported a finding nobody acknowledged.
const fs = require('fs');

const reportPath = process.argv[2];
if (!fs.existsSync(reportPath)) {
  console.error(`${reportPath} is missing: the validation plugins did not run`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
const failed = report.pluginReports.filter((plugin) => plugin.summary.status !== 'success');
for (const plugin of failed) {
  console.error(`${plugin.summary.pluginName}: ${plugin.summary.status}`);
  for (const violation of plugin.violations) {
    const where = violation.violatingResources.map((r) => r.resourceLogicalId ?? r.constructPath).join(', ');
    console.error(`  ${violation.ruleName}: ${where}`);
  }
}
if (failed.length > 0) {
  process.exit(1);
}
console.log(`Policy validation passed: ${report.pluginReports.map((plugin) => plugin.summary.pluginName).join(', ')}`);
