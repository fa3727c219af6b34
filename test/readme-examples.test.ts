import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ts from 'typescript';
import * as library from '../src';
import { problemsOf } from './readme/library-findings';
import { program, readmeSnippets, Snippet } from './readme/readme-programs';

/*
 * `jsii-rosetta extract --strict` (part of `npx projen compile`) proves that every ```ts block of the
 * README compiles with its fixture from rosetta/. This runs the same programs: each one is
 * synthesized with cdk-nag 2 and 3 and must leave no error, no warning of this library (an example
 * that shows one acknowledges it) and no finding or warning on the library's resources. Under
 * `npx projen test:latest-cdk` it runs on the newest aws-cdk-lib with deprecated APIs as errors.
 */

/** Runs the program as a CommonJS module, with `cdk-client-vpn` being this checkout's src/, and returns its `app`. */
function run(snippet: Snippet): App {
  const { outputText } = ts.transpileModule(program(snippet), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const load = (id: string): unknown => (id === 'cdk-client-vpn' ? library : jest.requireActual(id));
  const module = { exports: {} };
  // A function of this realm (jest's sandbox), where the library runs: vm.runInThisContext would make the program's objects in another.
  const body = new Function('exports', 'require', 'module', `${outputText}\nreturn app;`);
  const app: unknown = body(module.exports, load, module);
  if (!(app instanceof App)) {
    throw new Error(`the example of "${snippet.name}" (with its fixture) must define \`app\`, the App it synthesizes`);
  }
  return app;
}

test.each(readmeSnippets().map((snippet) => [snippet.name, snippet] as const))(
  'the README example of "%s" synthesizes with no error, no cdk-client-vpn warning and no cdk-nag 2 or 3 finding on the library\'s resources',
  (_name, snippet) => {
    // The examples' `new App()` writes its cloud assembly here, and nowhere else.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    process.env.CDK_OUTDIR = outdir;
    try {
      expect(problemsOf(run(snippet), library)).toEqual([]);
    } finally {
      delete process.env.CDK_OUTDIR;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
