/**
 * The packed library as a user meets it: an app of its own, outside this checkout, installs the
 * tarball with the newest aws-cdk-lib and cdk-nag 2 and 3, compiles every README example with
 * `tsc --strict` against the shipped declarations, and runs them with deprecated aws-cdk-lib APIs
 * as errors. Each must synthesize with no error, no warning of this library and no cdk-nag finding
 * on the library's resources (test/readme/library-findings.ts, copied into the app).
 *
 * Run by `npx projen test:consumer`, after `package:tarball` has written dist/tarball/.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { program, readmeSnippets } from '../readme/readme-programs';

const ROOT = path.join(__dirname, '..', '..');
const TARBALL_DIR = path.join(ROOT, 'dist', 'tarball');

const tarballs = fs.existsSync(TARBALL_DIR) ? fs.readdirSync(TARBALL_DIR).filter((name) => name.endsWith('.tgz')) : [];
if (tarballs.length !== 1) {
  throw new Error(`expected one tarball in ${TARBALL_DIR} (run npx projen package:tarball), found ${tarballs.length}`);
}
const repoVersion = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

const app = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-client-vpn-consumer-'));
const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(command, args, { cwd: app, stdio: 'inherit', env: { ...process.env, ...env } });

fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
  name: 'consumer',
  private: true,
  dependencies: {
    'cdk-client-vpn': `file:${path.join(TARBALL_DIR, tarballs[0])}`,
    'aws-cdk-lib': 'latest',
    'constructs': '^10',
    'cdk-nag': '^3',
    'cdk-nag-v2': 'npm:cdk-nag@^2',
    'typescript': repoVersion('typescript'),
    '@types/node': '^20',
  },
}, undefined, 2));
fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    strict: true,
    module: 'commonjs',
    target: 'ES2022',
    lib: ['es2022'],
    esModuleInterop: true,
    outDir: 'dist',
    rootDir: 'src',
    types: ['node'],
    skipLibCheck: false,
  },
  include: ['src/**/*.ts'],
}, undefined, 2));

const sources = path.join(app, 'src');
fs.mkdirSync(sources);
fs.copyFileSync(path.join(ROOT, 'test', 'readme', 'library-findings.ts'), path.join(sources, 'library-findings.ts'));
const snippets = readmeSnippets();
snippets.forEach((snippet, index) => fs.writeFileSync(path.join(sources, `example${index}.ts`), `${program(snippet)}\nexport { app };\n`));
fs.writeFileSync(path.join(sources, 'main.ts'), `import * as library from 'cdk-client-vpn';
import { problemsOf } from './library-findings';

const names: string[] = ${JSON.stringify(snippets.map((snippet) => snippet.name))};
let failed = 0;
names.forEach((name, index) => {
  // Each example's \`new App()\` writes its cloud assembly inside this app's directory.
  process.env.CDK_OUTDIR = \`cdk.out/example\${index}\`;
  const problems = problemsOf(require(\`./example\${index}\`).app, library);
  console.log(\`\${problems.length === 0 ? 'ok  ' : 'FAIL'} \${name}\`);
  problems.forEach((problem) => console.log(\`     \${problem}\`));
  failed += problems.length === 0 ? 0 : 1;
});
const { version } = require('aws-cdk-lib/package.json');
console.log(\`\${names.length - failed} of \${names.length} README examples pass on aws-cdk-lib \${version}\`);
process.exitCode = failed === 0 ? 0 : 1;
`);

try {
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  run('npx', ['tsc', '-p', '.']);
  run('node', ['dist/main.js'], { JSII_DEPRECATED: 'fail' });
} finally {
  fs.rmSync(app, { recursive: true, force: true });
}
