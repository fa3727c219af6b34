import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag-v2';
import { IConstruct } from 'constructs';
import * as ts from 'typescript';
import * as library from '../src';

/*
 * `jsii-rosetta extract --strict` (part of `npx projen compile`) proves that every ```ts block of the
 * README compiles with its fixture from rosetta/. This runs the same programs: each one is
 * synthesized with cdk-nag 2 and 3 and must leave no error, no warning of this library (an example
 * that shows one acknowledges it) and no finding or warning on the library's resources. Under
 * `npx projen test:latest-cdk` it runs on the newest aws-cdk-lib with deprecated APIs as errors.
 */

const ROOT = path.join(__dirname, '..');

interface Snippet {
  /** The README's headings above the block. */
  readonly name: string;
  readonly source: string;
  /** The fixture in rosetta/, or undefined for a `nofixture` block. */
  readonly fixture: string | undefined;
}

/** The ```ts blocks of the README, with their fixtures chosen as jsii-rosetta chooses them. */
function readmeSnippets(): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const headings: string[] = [];
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(#{2,6}) (.+)$/.exec(lines[i]);
    if (heading) {
      headings.length = heading[1].length - 2;
      headings.push(heading[2]);
      continue;
    }
    const fence = /^```(\S*)(.*)$/.exec(lines[i]);
    if (!fence) {
      continue;
    }
    // Every fence is skipped whole, so that a `#` comment in a shell block is not taken for a heading.
    const end = lines.indexOf('```', i + 1);
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      const parameters = fence[2].trim().split(/\s+/);
      const fixture = parameters.find((parameter) => parameter.startsWith('fixture='))?.slice('fixture='.length);
      const base = headings.join(' › ');
      const sameName = snippets.filter((snippet) => snippet.name.startsWith(base)).length;
      snippets.push({
        name: sameName === 0 ? base : `${base} (${sameName + 1})`,
        source: lines.slice(i + 1, end).join('\n'),
        fixture: parameters.includes('nofixture') ? undefined : fixture ?? 'default',
      });
    }
    i = end;
  }
  return snippets;
}

/** The program jsii-rosetta compiles: the snippet's imports first, its statements at the fixture's `/// here`. */
function program(snippet: Snippet): string {
  if (snippet.fixture === undefined) {
    return snippet.source;
  }
  const fixture = fs.readFileSync(path.join(ROOT, 'rosetta', `${snippet.fixture}.ts-fixture`), 'utf8');
  const source = ts.createSourceFile('snippet.ts', snippet.source, ts.ScriptTarget.Latest, true);
  const hoisted = (statement: ts.Statement) => ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)
    || (ts.isVariableStatement(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword));
  const text = (statements: ts.Statement[]) => statements.map((statement) => statement.getFullText(source)).join('');
  const withSnippet = fixture.replace(/^[/]{3}[ \t]*here[ \t]*$/m, () => text(source.statements.filter((statement) => !hoisted(statement))));
  return `${text(source.statements.filter(hoisted))}\n${withSnippet}`;
}

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

/** The paths of the library's constructs: its endpoints, rules, routes, associations and each stack's settings handler. */
function libraryPaths(app: App): string[] {
  const isLibraryConstruct = (construct: IConstruct) => construct instanceof library.ClientVpnEndpoint
    || construct instanceof library.IngressAuthorization
    || construct instanceof library.ClientVpnRoute
    || construct instanceof library.ClientVpnTargetNetworkAssociation
    || (construct.node.scope !== undefined && Stack.isStack(construct.node.scope) && construct.node.id.startsWith('ClientVpnEndpointSettingsHandler'));
  return app.node.findAll().filter(isLibraryConstruct).map((construct) => construct.node.path);
}

const NAG_FINDING = /^AwsSolutions-/;

test.each(readmeSnippets().map((snippet) => [snippet.name, snippet] as const))(
  'the README example of "%s" synthesizes with no error, no cdk-client-vpn warning and no cdk-nag 2 or 3 finding on the library\'s resources',
  (_name, snippet) => {
    const app = run(snippet);
    Aspects.of(app).add(new AwsSolutionsChecksV2());
    const messages = app.synth().stacks.flatMap((stack) => stack.messages)
      .map(({ level, id, entry }) => ({ level, path: id.replace(/^\//, ''), text: String(entry.data) }));
    const cdkNag3Findings = new AwsSolutionsChecks().validateScope(app).violations
      .flatMap(({ ruleName, violatingResources }) => violatingResources.map((resource) => ({ ruleName, path: resource.constructPath ?? '' })));

    const libraryConstructs = libraryPaths(app);
    expect(libraryConstructs).not.toEqual([]);
    const onLibrary = (constructPath: string) => libraryConstructs.some((prefix) => constructPath === prefix || constructPath.startsWith(`${prefix}/`));
    const format = ({ level, path: at, text }: { level: string; path: string; text: string }) => `${level} at ${at}: ${text}`;

    // cdk-nag 2 reports its findings as annotations; those on the app's own resources (the fixture's VPC, say) are not the library's.
    expect(messages.filter((m) => m.level === 'error' && !NAG_FINDING.test(m.text)).map(format)).toEqual([]);
    expect(messages.filter((m) => m.level === 'warning' && m.text.includes('[ack: cdk-client-vpn:')).map(format)).toEqual([]);
    expect(messages.filter((m) => m.level !== 'info' && onLibrary(m.path)).map(format)).toEqual([]);
    expect(cdkNag3Findings.filter((finding) => onLibrary(finding.path))).toEqual([]);
  }, 60_000);
