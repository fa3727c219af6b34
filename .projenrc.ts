import { awscdk, javascript } from 'projen';

// The floor users must have; the newest aws-cdk-lib whose cloud assemblies integ-runner reads.
const CDK_VERSION = '2.257.0';
// aws-cdk@3 cannot read current cloud assemblies; the 2.1148 CLI can.
const CDK_CLI_VERSION = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-client-vpn',
  description: 'Strict, complete AWS CDK constructs for AWS Client VPN endpoints, authorization rules and routes.',
  author: 'cdk-client-vpn maintainers',
  authorAddress: 'maintainers@cdk-client-vpn.dev',
  repositoryUrl: 'https://github.com/cdk-client-vpn/cdk-client-vpn.git',
  keywords: ['cdk', 'aws-cdk', 'client-vpn', 'vpn', 'ec2', 'openvpn'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_VERSION,
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',

  // Nothing is published from here: the targets only give the other languages their names.
  github: false,
  release: false,
  publishToPypi: { distName: 'cdk-client-vpn', module: 'cdk_client_vpn' },
  publishToMaven: {
    javaPackage: 'dev.cdkclientvpn',
    mavenGroupId: 'dev.cdkclientvpn',
    mavenArtifactId: 'cdk-client-vpn',
  },
  publishToNuget: { dotNetNamespace: 'CdkClientVpn', packageId: 'CdkClientVpn' },
  publishToGo: { moduleName: 'github.com/cdk-client-vpn/cdk-client-vpn-go' },

  devDeps: [`aws-cdk@${CDK_CLI_VERSION}`],
  jestOptions: {
    // CI must fail on a changed snapshot, not rewrite it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: { coverageReporters: ['text-summary'] },
  },
  gitignore: ['cdk.out/', '*.d.ts.map'],
});

// unrs-resolver 1.13.0 names platform packages the registry does not serve, so `npm ci` fails.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

project.addTask('synth:example', {
  description: 'Synthesize the example app with the aws-cdk CLI into cdk.out/',
  steps: [
    { exec: 'cdk synth --quiet' },
    { say: 'Template written to cdk.out/ClientVpnExample.template.json' },
  ],
});

project.synth();
