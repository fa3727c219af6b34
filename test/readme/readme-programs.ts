import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/*
 * The README's ```ts blocks as the programs jsii-rosetta compiles: each block placed in its fixture
 * from rosetta/. The README test runs them against src/; the consumer check (examples/consumer/)
 * compiles and runs them against the packed library.
 */

const ROOT = path.join(__dirname, '..', '..');

export interface Snippet {
  /** The README's headings above the block. */
  readonly name: string;
  readonly source: string;
  /** The fixture in rosetta/, or undefined for a `nofixture` block. */
  readonly fixture: string | undefined;
}

/** The ```ts blocks of the README, with their fixtures chosen as jsii-rosetta chooses them. */
export function readmeSnippets(): Snippet[] {
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
export function program(snippet: Snippet): string {
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
