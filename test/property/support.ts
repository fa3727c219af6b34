/**
 * Shared pieces of the property-based tests: fast-check settings, a cheap fixture, synthesis,
 * an independent CIDR oracle and checks of rendered template values.
 *
 * The oracle here deliberately does not reuse src/private/validation.ts, so a bug there
 * cannot confirm itself.
 */
// CIDR arithmetic is bit arithmetic on addresses.
/* eslint-disable no-bitwise */
import * as fs from 'fs';
import { isIP } from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// fast-check settings: 1,000 runs, a printed seed, replay through the environment.

/** Runs per property; FC_NUM_RUNS overrides it (for a quick local loop or a long soak). */
export function numRuns(defaultRuns = 1000): number {
  const fromEnv = Number(process.env.FC_NUM_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

/**
 * The seed of this process: FC_SEED when given (to replay a failure), else a fresh one.
 * Logged when read from the environment so the replay is visible in the output.
 */
export function seed(): number {
  const fromEnv = process.env.FC_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const value = Number(fromEnv);
    if (!Number.isInteger(value)) {
      throw new Error(`FC_SEED must be an integer, got '${fromEnv}'`);
    }
    // eslint-disable-next-line no-console
    console.log(`fast-check: replaying with FC_SEED=${value}${process.env.FC_PATH ? ` FC_PATH=${process.env.FC_PATH}` : ''}`);
    return value;
  }
  // eslint-disable-next-line no-bitwise
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** The parameters every property runs with. */
export function parameters<T>(defaultRuns = 1000): fc.Parameters<T> {
  return {
    numRuns: numRuns(defaultRuns),
    seed: seed(),
    path: process.env.FC_PATH || undefined,
    // 0 prints the counterexample, seed and path; FC_VERBOSE=1 adds every failure met while shrinking.
    verbose: Number(process.env.FC_VERBOSE ?? fc.VerbosityLevel.None) as fc.VerbosityLevel,
    endOnFailure: process.env.FC_END_ON_FAILURE === '1',
  };
}

/**
 * fc.assert with the replay command in the failure message: fast-check prints seed and path,
 * this adds how to run exactly that again.
 */
export function assertProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IProperty<Ts>,
  testFile: string,
  defaultRuns = 1000,
): void {
  const params = parameters<Ts>(defaultRuns);
  try {
    fc.assert(property, params);
  } catch (error) {
    throw withReplay(error, params, testFile);
  }
}

export async function assertAsyncProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  testFile: string,
  defaultRuns = 1000,
): Promise<void> {
  const params = parameters<Ts>(defaultRuns);
  try {
    await fc.assert(property, params);
  } catch (error) {
    throw withReplay(error, params, testFile);
  }
}

function withReplay(error: unknown, params: { seed?: number }, testFile: string): unknown {
  if (error instanceof Error) {
    const pathMatch = /path: "([^"]*)"/.exec(error.message);
    const replay = `FC_SEED=${params.seed}${pathMatch ? ` FC_PATH=${pathMatch[1]}` : ''} npx jest ${path.relative(process.cwd(), testFile)} --coverage=false`;
    error.message = `${error.message}\n\nReplay: ${replay}`;
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// The fixture: one stack with one small VPC per run.

export const ENV = { account: '123456789012', region: 'us-east-1' };
export const VPC_CIDR = '10.0.0.0/16';
export const SERVER_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/server';
export const CLIENT_ROOT_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/client-root';
export const SAML_PROVIDER_ARN = 'arn:aws:iam::123456789012:saml-provider/users';
export const SELF_SERVICE_SAML_PROVIDER_ARN = 'arn:aws:iam::123456789012:saml-provider/portal';

/** Where a secondary IPv4 block of the VPC is defined: inside the Vpc construct, or beside it in the stack. */
export type SecondaryCidrScope = 'vpc' | 'stack';

export interface SecondaryCidr {
  readonly cidr: string;
  readonly scope: SecondaryCidrScope;
}

export interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly serverCertificate: acm.ICertificate;
  readonly clientRootCertificate: acm.ICertificate;
  /** The VPC's literal IPv4 blocks. */
  readonly vpcCidrs: string[];
}

let outdir: string | undefined;

/**
 * One output directory per test file (each Jest worker loads this module anew): synthesis
 * rewrites the same few files and stages the handler asset once instead of filling /tmp.
 */
function sharedOutdir(): string {
  outdir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-property-'));
  return outdir;
}

export function removeOutdir(): void {
  if (outdir) {
    fs.rmSync(outdir, { recursive: true, force: true });
    outdir = undefined;
  }
}

/**
 * Run in afterAll of every file that synthesizes. aws-cdk-lib registers every token it renders in a
 * map on the global object, never released: after 1,000 runs it holds tens of thousands of tokens
 * and, through them, every run's construct tree. Jest keeps a finished file's globals alive in the
 * worker, so without this the heap grows by hundreds of MB per file until the worker runs out.
 * Only safe once no more constructs are synthesized in this file.
 */
export function releaseCdkGlobals(): void {
  const map = (global as { __cdkTokenMap?: { stringTokenMap?: Map<unknown, unknown>; numberTokenMap?: Map<unknown, unknown> } }).__cdkTokenMap;
  map?.stringTokenMap?.clear();
  map?.numberTokenMap?.clear();
  removeOutdir();
}

/**
 * An App as `cdk synth` makes one without --debug: no stack traces in construct metadata or for
 * each CfnElement, no tree.json, no CDKMetadata resource. None of them is part of what the
 * properties check, and the stack traces are a large part of the cost of a run.
 */
export function newApp(): App {
  return new App({
    outdir: sharedOutdir(),
    analyticsReporting: false,
    treeMetadata: false,
    stackTraces: false,
    // Otherwise every CfnElement records where it was created: a stack trace through source maps.
    context: { 'aws:cdk:disable-creation-stack-traces': true },
  });
}

/**
 * A stack with a two-zone VPC (10.0.0.0/16) of two isolated subnet groups, 'Private' and
 * 'Data': no NAT gateway or internet gateway, so it builds and synthesizes fast. Two groups
 * give a subnet that is not a target network, and a selection with two subnets in one zone.
 * With `ipv6`, the VPC is dual-stack: it also has an Amazon-provided IPv6 block.
 */
export function fixture(options: { secondaryCidr?: SecondaryCidr; ipv6?: boolean } = {}): Fixture {
  const app = newApp();
  const stack = new Stack(app, 'Test', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
    maxAzs: 2,
    natGateways: 0,
    ipProtocol: options.ipv6 ? ec2.IpProtocol.DUAL_STACK : undefined,
    subnetConfiguration: [
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const vpcCidrs = [VPC_CIDR];
  if (options.secondaryCidr) {
    const scope = options.secondaryCidr.scope === 'vpc' ? vpc : stack;
    new ec2.CfnVPCCidrBlock(scope, 'SecondaryCidr', { vpcId: vpc.vpcId, cidrBlock: options.secondaryCidr.cidr });
    vpcCidrs.push(options.secondaryCidr.cidr);
  }
  const serverCertificate = acm.Certificate.fromCertificateArn(stack, 'ServerCertificate', SERVER_CERTIFICATE_ARN);
  const clientRootCertificate = acm.Certificate.fromCertificateArn(stack, 'ClientRootCertificate', CLIENT_ROOT_CERTIFICATE_ARN);
  return { app, stack, vpc, serverCertificate, clientRootCertificate, vpcCidrs };
}

/** A stack without a VPC, for rules and routes of imported endpoints. */
export function bareFixture(): { app: App; stack: Stack } {
  const app = newApp();
  return { app, stack: new Stack(app, 'Test', { env: ENV }) };
}

// ---------------------------------------------------------------------------------------------
// Synthesis and the rendered template.

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: { [key: string]: any };
  readonly DependsOn?: string[] | string;
  readonly Condition?: string;
}

export interface CfnTemplate {
  readonly Resources: { [logicalId: string]: CfnResource };
  readonly Conditions?: { [id: string]: unknown };
}

/** The stack's template as `cdk synth` writes it, without the assertions module's extra pass. */
export function synth(app: App, stack: Stack): CfnTemplate {
  return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
}

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

/** Logical id of the resource a construct path ends in (its L1 child 'Resource' or itself). */
export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as ec2.CfnClientVpnEndpoint | undefined;
  if (!child) {
    throw new Error('construct has no default child');
  }
  return stack.resolve(child.logicalId) as string;
}

// ---------------------------------------------------------------------------------------------
// Errors: what the contract allows a construct to throw.

/** The prop an error names: the first name in backticks, as every validation error starts. */
export function namedProp(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /`([^`]+)`/.exec(message)?.[1];
}

/** TypeError, RangeError and friends are crashes, not validation. */
export function isCrash(error: unknown): boolean {
  return !(error instanceof Error)
    || error instanceof TypeError
    || error instanceof RangeError
    || error instanceof ReferenceError
    || error instanceof SyntaxError
    || error.name === 'TypeError'
    || error.name === 'RangeError';
}

/** Describes an error for a failed property, with the first stack frame for crashes. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return `non-Error thrown: ${String(error)}`;
  }
  const frame = error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();
  return `${error.constructor.name}: ${error.message}${frame ? ` (${frame})` : ''}`;
}

/** True when the named prop is `prop` or one of its parts (`prop.part`, `prop[0]`). */
export function namesProp(named: string | undefined, prop: string): boolean {
  return named !== undefined && (named === prop || named.startsWith(`${prop}.`) || named.startsWith(`${prop}[`));
}

/**
 * Checks that the error is a validation error naming one of the props (or a part of one), in
 * the contract's shape: prop in backticks, then the rule, then the value received.
 */
export function validationFailure(error: unknown, expected: readonly string[]): string | undefined {
  if (isCrash(error)) {
    return `expected an Error naming ${expected.map((p) => `\`${p}\``).join(' or ')}, got a crash: ${describeError(error)}`;
  }
  const prop = namedProp(error);
  if (!expected.some((e) => namesProp(prop, e))) {
    return `expected an Error naming ${expected.map((p) => `\`${p}\``).join(' or ')}, got: ${describeError(error)}`;
  }
  return undefined;
}

export class PropertyViolation extends Error {
  constructor(violations: string[]) {
    super(violations.join('\n'));
    this.name = 'PropertyViolation';
  }
}

export function failIf(violations: string[]): void {
  if (violations.length > 0) {
    throw new PropertyViolation(violations);
  }
}

// ---------------------------------------------------------------------------------------------
// An independent CIDR oracle.

export interface ParsedCidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

const V4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

export function parseIpv4(text: string): bigint | undefined {
  const match = V4.exec(text);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) {
    return undefined;
  }
  return octets.reduce((acc, octet) => acc * 256n + BigInt(octet), 0n);
}

export function parseIpv6(text: string): bigint | undefined {
  if (isIP(text) !== 6 || text.includes('%')) {
    return undefined;
  }
  let groups: string[];
  let tail: bigint | undefined;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(body.slice(lastColon + 1));
    if (tail === undefined) {
      return undefined;
    }
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length === 2) {
    const head = halves[0] === '' ? [] : halves[0].split(':');
    const rest = halves[1] === '' ? [] : halves[1].split(':');
    groups = [...head, ...new Array(8 - head.length - rest.length).fill('0'), ...rest];
  } else {
    groups = body.split(':');
  }
  if (groups.length !== 8) {
    return undefined;
  }
  const value = groups.reduce((acc, group) => acc * 65536n + BigInt(parseInt(group, 16)), 0n);
  return tail === undefined ? value : value + tail;
}

/** A network in CIDR notation with no host bits set; undefined for anything else. */
export function parseNetwork(text: unknown, families: ReadonlyArray<4 | 6> = [4, 6]): ParsedCidr | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  const match = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!match) {
    return undefined;
  }
  const family: 4 | 6 = match[1].includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(match[2]);
  if (!families.includes(family) || prefix > bits) {
    return undefined;
  }
  const address = family === 4 ? parseIpv4(match[1]) : parseIpv6(match[1]);
  if (address === undefined) {
    return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  if (address % (1n << hostBits) !== 0n) {
    return undefined;
  }
  return { family, address, prefix };
}

export function overlaps(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) {
    return false;
  }
  const bits = a.family === 4 ? 32 : 128;
  const shift = BigInt(bits - Math.min(a.prefix, b.prefix));
  return a.address >> shift === b.address >> shift;
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 255n).toString()).join('.');
}

/** The textual forms of an IPv6 address a user may write: compressed, full, upper case. */
export type Ipv6Form = 'compressed' | 'full' | 'upper';

export function formatIpv6(value: bigint, form: Ipv6Form = 'compressed'): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(((value >> shift) & 0xffffn).toString(16));
  }
  if (form === 'full') {
    return groups.map((g) => g.padStart(4, '0')).join(':');
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') {
      length++;
    }
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const text = bestStart === -1
    ? groups.join(':')
    : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
  return form === 'upper' ? text.toUpperCase() : text;
}

function mask(value: bigint, bits: number, prefix: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

/** Any IPv4 network, host bits clear. */
export function ipv4Network(prefix: fc.Arbitrary<number> = fc.integer({ min: 0, max: 32 })): fc.Arbitrary<string> {
  return fc.tuple(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), prefix)
    .map(([address, p]) => `${formatIpv4(mask(address, 32, p))}/${p}`);
}

/** Any IPv6 network, host bits clear, in any of the usual textual forms. */
export function ipv6Network(): fc.Arbitrary<string> {
  return fc.tuple(
    fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    fc.integer({ min: 0, max: 128 }),
    fc.constantFrom<Ipv6Form>('compressed', 'compressed', 'full', 'upper'),
  ).map(([address, p, form]) => `${formatIpv6(mask(address, 128, p), form)}/${p}`);
}

/** An IPv4 or IPv6 network. */
export function anyNetwork(): fc.Arbitrary<string> {
  return fc.oneof(
    ipv4Network(),
    ipv6Network(),
    fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/16', '192.168.1.0/24', '2001:db8::/32', '255.255.255.255/32'),
  );
}

/** Strings that are not networks in CIDR notation: typos, host bits, ranges, bare addresses. */
export function notANetwork(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '', ' ', '10.0.0.0', '10.0.0.0/', '/16', '10.0.0/16', '10.0.0.0.0/16', '256.0.0.0/8', '10.0.0.0/33',
      '10.0.0.1/16', '10.0.0.0/016', '010.0.0.0/16', '10.0.0.0 /16', ' 10.0.0.0/16', '10.0.0.0/16 ', '10.0.0.0/-1',
      '10.0.0.0-10.0.0.255', '10.0.0.0/255.255.0.0', 'fe80::/129', 'fe80::1/64', 'fe80::%eth0/64', '::ffff:10.0.0.1/96',
      '2001:db8::/32/1', 'localhost/8', '１０.0.0.0/16', '10.0.0.0/1٦', '0x0a.0.0.0/8', 'null', 'undefined',
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
    // A network with host bits set.
    fc.tuple(fc.bigInt({ min: 1n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 31 }))
      .filter(([address, p]) => mask(address, 32, p) !== address)
      .map(([address, p]) => `${formatIpv4(address)}/${p}`),
  ).filter((text) => parseNetwork(text) === undefined);
}

// ---------------------------------------------------------------------------------------------
// Strings and values.

/** Code points, as a user counts characters. */
export function codePoints(text: string): number {
  return Array.from(text).length;
}

/** True when the string has no lone surrogate, so it can be encoded as UTF-8. */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * aws-cdk-lib encodes number tokens as doubles around -1e289, and when it resolves a string it
 * takes any text of the form `-1.<10 to 16 digits>e+289` for such a token (its
 * STRINGIFIED_NUMBER_PATTERN): synthesis then fails with UnrecognizedTokenKey, in any construct.
 * A literal number in that range (once turned into JSON) or a string with that text cannot be told
 * from a token, so the generators leave them out.
 */
const STRINGIFIED_NUMBER_TOKEN = /-1\.\d{10,16}e\+289/;

export function holdsTokenDouble(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') {
    return Token.isUnresolved(value) || STRINGIFIED_NUMBER_TOKEN.test(String(value));
  }
  if (typeof value === 'string') {
    return STRINGIFIED_NUMBER_TOKEN.test(value);
  }
  if (depth > 8 || typeof value !== 'object' || value === null) {
    return false;
  }
  try {
    return Object.values(value).some((item) => holdsTokenDouble(item, depth + 1))
      || (value instanceof Map && [...value.entries()].some((entry) => holdsTokenDouble(entry, depth + 1)))
      || (value instanceof Set && [...value].some((item) => holdsTokenDouble(item, depth + 1)))
      || (value instanceof Number && holdsTokenDouble(value.valueOf(), depth + 1));
  } catch {
    return false;
  }
}

/** Every kind of JavaScript value, including the ones JSON cannot hold (but no number aws-cdk-lib takes for a token). */
export function anything(): fc.Arbitrary<unknown> {
  return fc.anything({
    maxDepth: 2,
    maxKeys: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  }).filter((value) => !holdsTokenDouble(value));
}

/** A short printable label for counterexamples of values that print poorly. */
export function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === null) {
    return 'null-prototype object';
  }
  return typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
}
