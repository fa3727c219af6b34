import { awscdk, javascript } from 'projen';

// The floor users must have; the newest aws-cdk-lib whose cloud assemblies integ-runner reads.
const CDK_VERSION = '2.257.0';
// aws-cdk@3 cannot read current cloud assemblies; the 2.1148 CLI can.
const CDK_CLI_VERSION = '2.1148.1';

// The handler uses the AWS SDK that the Node.js 22 runtime ships, so the asset stays small.
// projen hands these to its esbuild bundle, whose options (unlike the declared type) include minify.
const HANDLER_BUNDLING: Omit<javascript.AddBundleOptions, 'platform' | 'target'> = {
  externals: ['@aws-sdk/*'],
  minify: true,
};

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
  tsconfigDev: { compilerOptions: {}, include: ['.projenrc.ts'] },
  // Every file is linted with the dev tsconfig, which includes tests, examples and the benchmark.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

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

  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-s3@^3',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'esbuild',
  ],
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    bundlingOptions: HANDLER_BUNDLING,
    // The v3 SDK reuses connections by itself.
    awsSdkConnectionReuse: false,
  },
  jestOptions: {
    // CI must fail on a changed snapshot, not rewrite it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: { coverageReporters: ['text-summary'] },
  },
  gitignore: ['cdk.out/', '*.d.ts.map'],
});

// unrs-resolver 1.13.0 names platform packages the registry does not serve, so `npm ci` fails.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// ts-jest only transpiles (isolatedModules), so tests, examples and the benchmark are type-checked here.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check everything the dev tsconfig includes',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);
// assets/ is not committed: tests and the example need the bundled handler first.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);

project.addTask('synth:example', {
  description: 'Synthesize the example app with the aws-cdk CLI into cdk.out/',
  steps: [
    { spawn: 'bundle' },
    { exec: 'cdk synth --quiet' },
    { say: 'Template written to cdk.out/ClientVpnExample.template.json' },
  ],
});

project.synth();
