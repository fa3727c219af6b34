import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

/*
 * What `npm pack` puts in the tarball users install. CI runs this once more after `jsii` has
 * compiled lib/ and written .jsii, so the compiled package is checked too.
 */

const ROOT = path.join(__dirname, '..');
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^API\.md$/,
  /^LICENSE$/,
  /^\.jsii$/,
  /^lib\/.+\.(js|d\.ts)$/,
  /^assets\/custom-resource\/[^/]+\.lambda\/index\.mjs$/,
];

function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [{ files }] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return files.map((file) => file.path).sort();
}

const files = packedFiles();

test('the tarball holds only what users need', () => {
  expect(files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)))).toEqual([]);
});

test('the tarball holds the README, API.md, the licence and the bundled handlers', () => {
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'API.md', 'LICENSE',
    'assets/custom-resource/endpoint-settings.lambda/index.mjs', 'assets/custom-resource/certificate-authority.lambda/index.mjs',
  ]));
});

test('every module a packed lib/ file requires is a dependency, a peer dependency or built into Node.js', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const installed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const missing = files.filter((file) => file.startsWith('lib/') && file.endsWith('.js')).flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)]
      .map(([, specifier]) => specifier)
      .filter((specifier) => !specifier.startsWith('.') && !builtinModules.includes(specifier.replace(/^node:/, '')) && !installed.has(packageOf(specifier)))
      .map((specifier) => `${file}: ${specifier}`));
  expect(missing).toEqual([]);
});

test('no unbundled handler, test, example or CI file is packed', () => {
  expect(files.filter((file) => /\.lambda\.(js|d\.ts)$|^(test|examples|docs|bench|\.ci|cdk\.out|src)\//.test(file))).toEqual([]);
});

test('lib/ and .jsii are packed once jsii has compiled them (before that, on a fresh clone, there are none)', () => {
  const compiled = fs.existsSync(path.join(ROOT, 'lib', 'index.js'));
  if (compiled) {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii']));
  } else {
    expect(files.filter((file) => file.startsWith('lib/') || file === '.jsii')).toEqual([]);
  }
});
