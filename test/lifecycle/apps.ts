/**
 * Successive versions of an app, built with the public constructs and synthesized to a cloud
 * assembly of their own (so the handler's asset directory exists, as `cdk deploy` would upload it).
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Template } from './intrinsics';
import { SynthesizedStack } from './stack-records';
import { Fixture, testStack } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const BUNDLES = ['endpoint-settings.lambda', 'certificate-authority.lambda'].map((name) => path.join(ROOT, 'assets', 'custom-resource', name, 'index.mjs'));
const HANDLER_SOURCES = path.join(ROOT, 'src', 'custom-resource');
export const STACK_NAME = 'ClientVpnLifecycle';
/** A bundle takes seconds: a lock older than this was left by a process that died. */
const BUNDLE_LOCK_MS = 120_000;

const outdirs: string[] = [];

/**
 * Bundles the handlers when a bundle is missing or older than its sources (`npx projen bundle`).
 * Jest runs test files at once, and the bundle task starts by removing the asset directory: one
 * process at a time bundles, under a lock directory, and the others wait for it.
 */
export function ensureBundle(): void {
  const stale = () => {
    const newestSource = Math.max(...fs.readdirSync(HANDLER_SOURCES).map((file) => fs.statSync(path.join(HANDLER_SOURCES, file)).mtimeMs));
    return BUNDLES.some((bundle) => !fs.existsSync(bundle) || fs.statSync(bundle).mtimeMs < newestSource);
  };
  if (!stale()) {
    return;
  }
  const lock = path.join(os.tmpdir(), 'cdk-client-vpn-bundle.lock');
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > BUNDLE_LOCK_MS || Date.now() - started > BUNDLE_LOCK_MS) {
        fs.rmSync(lock, { recursive: true, force: true });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (stale()) {
      execSync('npx projen bundle', { cwd: ROOT, stdio: 'pipe' });
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** One version of the test app: the fixture of test/util.ts (a two-zone VPC, certificates) plus what `build` adds. */
export function synth(build: (fixture: Fixture) => void): SynthesizedStack {
  const app = new App({ outdir: newOutdir() });
  const fixture = testStack(app, STACK_NAME);
  build(fixture);
  return synthesize(app, fixture.stack);
}

/** The stack's template and the directories of its file assets, by the object key the template names. */
export function synthesize(app: App, stack: Stack): SynthesizedStack {
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const assets = new Map<string, string>();
  const isManifest = (candidate: cxapi.CloudArtifact): candidate is cxapi.AssetManifestArtifact => candidate instanceof cxapi.AssetManifestArtifact;
  const manifests = assembly.artifacts.filter(isManifest);
  for (const manifest of manifests) {
    const { files = {} } = JSON.parse(fs.readFileSync(manifest.file, 'utf8')) as {
      files?: { [hash: string]: { source: { path: string }; destinations: { [id: string]: { objectKey: string } } } };
    };
    for (const file of Object.values(files)) {
      for (const destination of Object.values(file.destinations)) {
        assets.set(destination.objectKey, path.join(assembly.directory, file.source.path));
      }
    }
  }
  return { stackName: artifact.stackName, template: artifact.template as Template, assets };
}

/** A copy of a synthesized stack whose template `edit` changed: a template an older version of the library wrote. */
export function editTemplate(stack: SynthesizedStack, edit: (template: { Resources: { [id: string]: any } }) => void): SynthesizedStack {
  const template = JSON.parse(JSON.stringify(stack.template));
  edit(template);
  return { ...stack, template };
}

export function removeSynthesized(): void {
  for (const outdir of outdirs.splice(0)) {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function newOutdir(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-assembly-'));
  outdirs.push(outdir);
  return outdir;
}
