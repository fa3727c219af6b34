import { execFileSync } from 'child_process';
import * as fs from 'fs';
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

test('the tarball holds the README, API.md, the licence and the bundled handler', () => {
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'API.md', 'LICENSE', 'assets/custom-resource/endpoint-settings.lambda/index.mjs',
  ]));
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
