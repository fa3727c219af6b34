import * as fs from 'fs';
import * as path from 'path';
import { Annotations as CoreAnnotations, Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ts from 'typescript';
import { ClientVpnCertificateAuthority, ClientVpnUserAuthentication } from '../src';
import { createEndpoint, Fixture, libraryWarnings, testStack } from './util';

/*
 * docs/constraints.md cannot disagree with the code. The rules are read from src/ with the
 * TypeScript compiler API: every `invalid(prop, rule)` (also through the `require…(prop, …)`
 * helpers, whose rule texts are followed into their bodies), every `new ClientVpnValidationError`,
 * every `errors.push(…)` of the synth-time tag validation, every `new Error(…)` of the handlers'
 * property parsing and of the certificate authority handler's deploy-time checks, every `Caution` (`{ rule, prop, advice }`) and every
 * `addWarningV2('cdk-client-vpn:…')`. The doc's rule tables give each row its props (the first
 * column, in backticks), its severity (`error` or `warning cdk-client-vpn:<id>`) and a word-for-word
 * fragment of the message (the message column, in backticks). Both directions are checked: each row
 * is a rule of the code, and each rule of the code has a row.
 */

const ROOT = path.join(__dirname, '..');
const DOC_PATH = path.join(ROOT, 'docs', 'constraints.md');
const SOURCE_DIR = path.join(ROOT, 'src');
const WARNING_PREFIX = 'cdk-client-vpn:';

// --- The rules in the code ---------------------------------------------------------------------

/** A piece of text known only at run time (an interpolated value). */
const HOLE = null;
type Piece = string | typeof HOLE;
/** A text as the code builds it: literal pieces, and holes. */
type Text = Piece[];

/** Which kind of check a rule is; a doc section documents one kind. */
type Kind = 'construct' | 'synth' | 'handler';

interface CodeRule {
  readonly where: string;
  readonly kind: Kind;
  readonly severity: 'error' | 'warning';
  /** The warning's id, without `cdk-client-vpn:`. */
  readonly id?: string;
  /** The prop the message names, one text per alternative; undefined when the message names none. */
  readonly props?: Text[];
  /** The rule text (after the prop), one text per alternative. */
  readonly texts: Text[];
}

const MAX_ALTERNATIVES = 64;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    // The handlers' own code (*.lambda.ts) checks nothing a user gives; their property parsing is in *-properties.ts,
    // and the CA handler's other deploy-time rules (the signing request, the CA secret) are in pki.ts and certificate-authority-state.ts.
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.lambda.ts') ? [full] : [];
  });
}

function normalize(text: Text): Text {
  const out: Text = [];
  for (const piece of text) {
    const last = out.length > 0 ? out[out.length - 1] : undefined;
    if (piece === HOLE) {
      if (last !== HOLE || out.length === 0) {
        out.push(HOLE);
      }
    } else if (typeof last === 'string') {
      out[out.length - 1] = last + piece;
    } else if (piece !== '') {
      out.push(piece);
    }
  }
  return out;
}

function concat(left: Text[], right: Text[]): Text[] {
  return left.flatMap((a) => right.map((b) => normalize([...a, ...b]))).slice(0, MAX_ALTERNATIVES);
}

type Binding =
  | { kind: 'const'; initializer: ts.Expression }
  | { kind: 'parameter'; declaration: ts.ParameterDeclaration; fn: ts.SignatureDeclaration; index: number }
  | { kind: 'forOf'; expression: ts.Expression };

function unwrap(expression: ts.Expression): ts.Expression {
  let e = expression;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) {
    e = e.expression;
  }
  return e;
}

/** Where an identifier is declared: a `const`, a parameter or a `for…of` variable, looking outwards. */
function resolve(identifier: ts.Identifier): Binding | undefined {
  const name = identifier.text;
  const named = (node: ts.Node) => ts.isIdentifier(node) && node.text === name;
  for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
    if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer) && node.initializer.declarations.some((d) => named(d.name))) {
      return { kind: 'forOf', expression: node.expression };
    }
    if (ts.isFunctionLike(node)) {
      const index = node.parameters.findIndex((p) => named(p.name));
      if (index >= 0) {
        return { kind: 'parameter', declaration: node.parameters[index], fn: node, index };
      }
    }
    if (ts.isBlock(node) || ts.isSourceFile(node)) {
      for (const statement of node.statements) {
        if (ts.isVariableStatement(statement) && statement.declarationList.getFirstToken()?.kind === ts.SyntaxKind.ConstKeyword) {
          const declaration = statement.declarationList.declarations.find((d) => named(d.name));
          if (declaration?.initializer) {
            return { kind: 'const', initializer: declaration.initializer };
          }
        }
      }
    }
  }
  return undefined;
}

/** What a helper's parameters stand for at one call. */
type Env = Map<ts.ParameterDeclaration, Text[]>;

/** The texts an expression can build: literals, templates, `+`, `?:`, constants and parameters followed. */
function evaluate(expression: ts.Expression | undefined, env: Env, depth = 0): Text[] {
  if (!expression || depth > 20) {
    return [[HOLE]];
  }
  const e = unwrap(expression);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) {
    return [[e.text]];
  }
  if (ts.isTemplateExpression(e)) {
    let texts: Text[] = [[e.head.text]];
    for (const span of e.templateSpans) {
      texts = concat(concat(texts, evaluate(span.expression, env, depth + 1)), [[span.literal.text]]);
    }
    return texts;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return concat(evaluate(e.left, env, depth + 1), evaluate(e.right, env, depth + 1));
  }
  if (ts.isConditionalExpression(e)) {
    return [...evaluate(e.whenTrue, env, depth + 1), ...evaluate(e.whenFalse, env, depth + 1)].slice(0, MAX_ALTERNATIVES);
  }
  if (ts.isIdentifier(e)) {
    const binding = resolve(e);
    if (binding?.kind === 'const') {
      return evaluate(binding.initializer, env, depth + 1);
    }
    if (binding?.kind === 'parameter') {
      return env.get(binding.declaration) ?? [[HOLE]];
    }
    const list = binding?.kind === 'forOf' ? unwrap(binding.expression) : undefined;
    if (list && ts.isArrayLiteralExpression(list)) {
      return list.elements.flatMap((element) => evaluate(element, env, depth + 1));
    }
  }
  return [[HOLE]];
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) {
    return callee.text;
  }
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) {
      return n.name.text;
    }
  }
  return undefined;
}

function location(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${path.relative(ROOT, file.fileName)}:${line + 1}`;
}

/** The one literal an expression stands for, if it is one. */
function literal(expression: ts.Expression | undefined): string | undefined {
  const texts = evaluate(expression, new Map());
  return texts.length === 1 && texts[0].length === 1 && typeof texts[0][0] === 'string' ? texts[0][0] : undefined;
}

function readCodeRules(): CodeRule[] {
  const sources = sourceFiles(SOURCE_DIR).map((file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  const calls: ts.CallExpression[] = [];
  const constructions: ts.NewExpression[] = [];
  const objects: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      calls.push(node);
    } else if (ts.isNewExpression(node)) {
      constructions.push(node);
    } else if (ts.isObjectLiteralExpression(node)) {
      objects.push(node);
    }
    ts.forEachChild(node, visit);
  };
  sources.forEach(visit);

  // A helper is a function that passes one of its parameters on as the prop of `invalid` or of
  // another helper (`requireString(prop, …)`, `checkTargetSubnet(prop, …)`): its rules are those of
  // the calls inside it, with the caller's arguments for its parameters.
  const helpers = new Map<string, { fn: ts.FunctionDeclaration; inner: Set<ts.CallExpression> }>();
  const throwsForProp = (call: ts.CallExpression) => {
    const name = calleeName(call);
    return name === 'invalid' || (name !== undefined && helpers.has(name));
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const call of calls.filter(throwsForProp)) {
      const prop = call.arguments[0] && unwrap(call.arguments[0]);
      const binding = prop && ts.isIdentifier(prop) ? resolve(prop) : undefined;
      if (binding?.kind !== 'parameter' || !ts.isFunctionDeclaration(binding.fn) || !binding.fn.name || binding.fn.name.text === 'invalid') {
        continue;
      }
      const helper = helpers.get(binding.fn.name.text) ?? { fn: binding.fn, inner: new Set() };
      helpers.set(binding.fn.name.text, helper);
      if (!helper.inner.has(call)) {
        helper.inner.add(call);
        changed = true;
      }
    }
  }

  const rules: CodeRule[] = [];
  const expand = (call: ts.CallExpression, env: Env, where: string): void => {
    const name = calleeName(call)!;
    if (name === 'invalid') {
      rules.push({ where, kind: 'construct', severity: 'error', props: evaluate(call.arguments[0], env), texts: evaluate(call.arguments[1], env) });
      return;
    }
    const helper = helpers.get(name)!;
    const inner: Env = new Map();
    helper.fn.parameters.forEach((parameter, index) => {
      if (call.arguments[index]) {
        inner.set(parameter, evaluate(call.arguments[index], env));
      }
    });
    helper.inner.forEach((innerCall) => expand(innerCall, inner, where));
  };
  for (const call of calls.filter(throwsForProp)) {
    if (!helpers.get(enclosingFunctionName(call) ?? '')?.inner.has(call)) {
      expand(call, new Map(), location(call));
    }
  }

  for (const construction of constructions) {
    const name = calleeName(construction);
    const args = construction.arguments ?? [];
    // `invalid` and `scopeError` only pass a rule on; every other construction states one.
    if (name === 'ClientVpnValidationError' && !['invalid', 'scopeError'].includes(enclosingFunctionName(construction) ?? '')) {
      rules.push({ where: location(construction), kind: 'construct', severity: 'error', texts: evaluate(args[1], new Map()) });
    }
    // handler-support.ts answers CloudFormation: its errors are about the response, not a rule of any property.
    const fileName = construction.getSourceFile().fileName;
    if (name === 'Error' && fileName.includes(`${path.sep}custom-resource${path.sep}`) && !fileName.endsWith(`${path.sep}handler-support.ts`)) {
      rules.push({ where: location(construction), kind: 'handler', severity: 'error', texts: evaluate(args[0], new Map()) });
    }
  }

  for (const call of calls) {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'push' && ts.isIdentifier(callee.expression) && callee.expression.text === 'errors') {
      rules.push({ where: location(call), kind: 'synth', severity: 'error', texts: evaluate(call.arguments[0], new Map()) });
    }
    const id = calleeName(call) === 'addWarningV2' ? literal(call.arguments[0]) : undefined;
    if (id !== undefined) {
      rules.push({
        where: location(call), kind: 'construct', severity: 'warning', id: id.replace(WARNING_PREFIX, ''), texts: evaluate(call.arguments[1], new Map()),
      });
    }
  }

  for (const object of objects) {
    const property = (name: string) => object.properties
      .find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name);
    const [rule, prop, advice] = [property('rule'), property('prop'), property('advice')];
    if (rule && prop && advice) {
      rules.push({
        where: location(object),
        kind: 'construct',
        severity: 'warning',
        id: literal(rule.initializer) ?? `<not a literal at ${location(rule)}>`,
        props: evaluate(prop.initializer, new Map()),
        texts: evaluate(advice.initializer, new Map()),
      });
    }
  }
  return rules;
}

function show(text: Text): string {
  return text.map((piece) => piece ?? '…').join('');
}

/** A doc prop matches a code prop whose holes stand for anything (`securityGroups[${index}]` is `securityGroups[i]`). */
function propMatches(docProp: string, codeProp: Text): boolean {
  const pattern = codeProp.map((piece) => (piece === HOLE ? '.+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${pattern}$`).test(docProp);
}

function fragmentIn(fragment: string, text: Text): boolean {
  return text.some((piece) => piece !== HOLE && piece.includes(fragment));
}

// --- The rules in the doc ----------------------------------------------------------------------

interface DocRow {
  readonly line: number;
  readonly section: string;
  readonly kind: Kind;
  readonly props: string[];
  readonly severity: 'error' | 'warning';
  readonly id?: string;
  readonly fragments: string[];
}

const docText = fs.readFileSync(DOC_PATH, 'utf8');

/** Cells of a table row, split at pipes that are not escaped. */
function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The contents of the code spans in a cell (`a` and ``b `with` backticks``). */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/``\s?(.+?)\s?``|`([^`]+)`/g)].map((match) => match[1] ?? match[2]);
}

/** The kind of check a section documents, by its heading. */
function kindOf(section: string): Kind {
  if (section.endsWith('(checked by the handler at deploy time)')) {
    return 'handler';
  }
  return section.startsWith('Tags') ? 'synth' : 'construct';
}

interface DocTables {
  readonly rows: DocRow[];
  readonly problems: string[];
  /** The ids in the first column of the Warnings section's table. */
  readonly warningTable: Array<{ line: number; id: string }>;
}

function readDoc(): DocTables {
  const lines = docText.split('\n');
  const rows: DocRow[] = [];
  const problems: string[] = [];
  const warningTable: Array<{ line: number; id: string }> = [];
  let section = '';
  let topSection = '';
  let columns: string[] | undefined;
  lines.forEach((text, index) => {
    const line = index + 1;
    const heading = /^(#{2,3}) (.*)$/.exec(text);
    if (heading) {
      section = heading[2];
      topSection = heading[1] === '##' ? section : topSection;
    }
    if (!text.startsWith('|')) {
      columns = undefined;
      return;
    }
    if (columns === undefined) {
      columns = cells(text).map((cell) => cell.toLowerCase());
      return;
    }
    if (/^\|[\s|:-]+\|$/.test(text.trim())) {
      return;
    }
    const row = cells(text);
    if (topSection === 'Warnings' && columns[0] === 'warning') {
      warningTable.push({ line, id: codeSpans(row[0])[0]?.replace(WARNING_PREFIX, '') ?? `<no id on line ${line}>` });
      return;
    }
    const [prop, severity, message] = ['prop', 'severity', 'message'].map((name) => columns!.indexOf(name));
    if (prop < 0 || severity < 0 || message < 0) {
      return;
    }
    const severityText = codeSpans(row[severity] ?? '')[0] ?? '';
    const warning = new RegExp(`^warning ${WARNING_PREFIX}(\\w+)$`).exec(severityText);
    const props = codeSpans(row[prop] ?? '');
    const fragments = codeSpans(row[message] ?? '');
    if (severityText !== 'error' && !warning) {
      problems.push(`docs/constraints.md:${line}: the severity column must start with \`error\` or \`warning ${WARNING_PREFIX}<id>\`, got '${row[severity]}'`);
      return;
    }
    if (fragments.length === 0) {
      problems.push(`docs/constraints.md:${line}: the message column has no fragment in backticks`);
      return;
    }
    rows.push({
      line,
      section,
      kind: kindOf(topSection),
      // A row without props in backticks (`tag key`) names the thing in plain words.
      props: props.length > 0 ? props : [row[prop]],
      severity: warning ? 'warning' : 'error',
      id: warning?.[1],
      fragments,
    });
  });
  return { rows, problems, warningTable };
}

// --- The comparison ----------------------------------------------------------------------------

const codeRules = readCodeRules();
const doc = readDoc();

function sameSeverity(row: DocRow, rule: CodeRule): boolean {
  return row.kind === rule.kind && row.severity === rule.severity && row.id === rule.id;
}

function describeRow(row: DocRow): string {
  const severity = row.severity === 'error' ? 'error' : `warning ${WARNING_PREFIX}${row.id}`;
  return `docs/constraints.md:${row.line} (${row.section}) ${row.props.map((p) => `\`${p}\``).join(', ')} [${severity}]`;
}

describe('docs/constraints.md and the rules in src/', () => {
  test('both sides were read: the doc has rule rows, the code has rules', () => {
    expect(doc.problems).toEqual([]);
    expect(doc.rows.length).toBeGreaterThan(100);
    expect(codeRules.filter((rule) => rule.severity === 'error').length).toBeGreaterThan(100);
    expect(codeRules.filter((rule) => rule.severity === 'warning').length).toBeGreaterThan(0);
    // Every warning id in the code is a literal, so it can be documented and acknowledged.
    expect(codeRules.filter((rule) => rule.severity === 'warning' && !/^\w+$/.test(rule.id ?? '')).map((rule) => `${rule.where}: ${rule.id}`)).toEqual([]);
  });

  test('the warning ids of the code are the warning ids of the doc, in the rule tables and in the Warnings section', () => {
    const inCode = [...new Set(codeRules.filter((rule) => rule.severity === 'warning').map((rule) => rule.id!))].sort();
    const inRows = [...new Set(doc.rows.filter((row) => row.severity === 'warning').map((row) => row.id!))].sort();
    const inWarningsSection = doc.warningTable.map((entry) => entry.id).sort();
    expect({ rows: inRows, warningsSection: inWarningsSection }).toEqual({ rows: inCode, warningsSection: inCode });
  });

  test('every row of the doc is a rule of the code: its props, its severity and its message fragment', () => {
    const missing: string[] = [];
    for (const row of doc.rows) {
      for (const prop of row.props) {
        for (const fragment of row.fragments) {
          const found = codeRules.some((rule) => sameSeverity(row, rule)
            && (rule.props === undefined || rule.props.some((codeProp) => propMatches(prop, codeProp)))
            && rule.texts.some((text) => fragmentIn(fragment, text)));
          if (!found) {
            const near = codeRules.filter((rule) => rule.texts.some((text) => fragmentIn(fragment, text)))
              .map((rule) => `${rule.where} ${rule.severity}${rule.id ? ` ${rule.id}` : ''} ${rule.props?.map(show).join(' | ') ?? '(no prop)'}`);
            missing.push(`${describeRow(row)}: no rule for \`${prop}\` says '${fragment}'${near.length > 0 ? `; the fragment is in: ${near.join('; ')}` : ''}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('every rule of the code has a row in the doc for its prop, with a fragment of its message', () => {
    const undocumented: string[] = [];
    for (const rule of codeRules) {
      for (const codeProp of rule.props ?? [undefined]) {
        for (const text of rule.texts) {
          const covered = doc.rows.some((row) => sameSeverity(row, rule)
            && (codeProp === undefined || row.props.some((prop) => propMatches(prop, codeProp)))
            && row.fragments.some((fragment) => fragmentIn(fragment, text)));
          if (!covered) {
            const severity = rule.severity === 'error' ? 'error' : `warning ${WARNING_PREFIX}${rule.id}`;
            undocumented.push(`${rule.where} [${rule.kind} ${severity}] ${codeProp ? `\`${show(codeProp)}\` ` : ''}${show(text)}`);
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});

// --- The warnings, emitted -------------------------------------------------------------------------

function samlProvider(f: Fixture, id: string): iam.ISamlProvider {
  return iam.SamlProvider.fromSamlProviderArn(f.stack, id, `arn:aws:iam::123456789012:saml-provider/${id}`);
}

/** For each warning, the smallest app that gets it. */
const TRIGGERS: { [id: string]: (f: Fixture) => void } = {
  noTargetNetworks: (f) => createEndpoint(f, { vpcSubnets: { subnets: [] } }),
  selfServiceProviderWithoutPortal: (f) => createEndpoint(f, {
    userAuthentication: ClientVpnUserAuthentication.federated(samlProvider(f, 'Saml'), samlProvider(f, 'PortalSaml')),
  }),
  groupRuleWithoutUserAuthentication: (f) => createEndpoint(f).addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', accessGroupId: 'engineers' }),
  accessGroupWithAllGroups: (f) => createEndpoint(f, { userAuthentication: ClientVpnUserAuthentication.activeDirectory('d-1234567890') })
    .addIngressAuthorization('Rule', { cidr: '10.0.0.0/16', accessGroupId: 'engineers', authorizeAllGroups: true }),
  emptyLoginBanner: (f) => createEndpoint(f, { clientLoginBanner: '' }),
  clientValidityBeyondAuthority: (f) => new ClientVpnCertificateAuthority(f.stack, 'CA', { validity: Duration.days(365) }),
  shortRevocationListValidity: (f) => new ClientVpnCertificateAuthority(f.stack, 'CA', { revocationListValidity: Duration.days(7) }),
  duplicateClientCommonName: (f) => {
    const ca = new ClientVpnCertificateAuthority(f.stack, 'CA');
    ca.addClient('alice');
    ca.addClient('alice-laptop', { commonName: 'alice' });
  },
};

/** The ids of every cdk-client-vpn warning in the stack. */
function emittedIds(f: Fixture): string[] {
  return Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${WARNING_PREFIX}\\w+\\]$`))
    .map((message) => /\[ack: cdk-client-vpn:(\w+)\]$/.exec(String(message.entry.data))![1]);
}

describe('the warnings the doc lists are the ones the constructs emit', () => {
  test('every trigger here is for a warning the doc lists', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(doc.warningTable.map((entry) => entry.id).sort());
  });

  test.each(doc.warningTable.map((entry) => [entry.id, entry.line]))('%s (docs/constraints.md:%s) is emitted with the doc\'s message, and an acknowledgement on the stack silences it', (id) => {
    const trigger = TRIGGERS[id];
    expect(trigger).toBeDefined();
    const f = testStack();
    trigger(f);
    expect(emittedIds(f)).toEqual([id]);
    const messages = libraryWarnings(f.stack, id);
    expect(messages).toHaveLength(1);
    for (const row of doc.rows.filter((r) => r.severity === 'warning' && r.id === id)) {
      for (const fragment of row.fragments) {
        expect(messages[0]).toContain(fragment);
      }
    }
    CoreAnnotations.of(f.stack).acknowledgeWarning(`${WARNING_PREFIX}${id}`, 'accepted in this test');
    expect(libraryWarnings(f.stack, id)).toEqual([]);
  });
});
