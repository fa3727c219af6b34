/**
 * Synthesis benchmark: how long it takes to construct and synthesize N Client VPN endpoints
 * (mutual TLS, logging, two subnets, two ingress authorizations plus the default VPC-CIDR rule,
 * one route), built four ways in one process:
 *
 *   (a)  this library
 *   (b)  aws-cdk-lib's `ec2.ClientVpnEndpoint` with the equivalent configuration
 *   (c)  the L1 floor: `Cfn*` resources written by hand to produce (a)'s template
 *   (a') this library with the custom resource in use (`endpoint.dnsName` is read)
 *
 * Usage (see the `bench` and `bench:smoke` tasks in .projenrc.ts):
 *   node --expose-gc -r ts-node/register bench/synth.ts [--rounds 25] [--sizes 1,10,50] [--smoke] [--write] [--source-maps]
 *
 * Each endpoint gets its own VPC, imported with literal ids (`Vpc.fromVpcAttributes`), so every
 * variant shares the same fixture and the templates hold only what the variant itself writes.
 * The fixture (app, stack, VPCs, certificates) is built outside the timed region; what is timed
 * is constructing the endpoints plus `app.synth()`. Timings are wall clock, not asserted anywhere.
 *
 * CDK captures a stack trace for every CfnElement it creates. ts-node installs source-map-support,
 * which formats each of those traces through source maps: about a tenth of the run, more for
 * frames in .ts files (this library, this script) than for aws-cdk-lib's plain JS. So the benchmark
 * restores V8's own stack trace formatting unless `--source-maps` is given.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ClientVpnEndpoint, ClientVpnRouteTarget } from '../src';

const ROOT = path.join(__dirname, '..');
const BENCHMARKS_FILE = path.join(ROOT, 'BENCHMARKS.md');
const HANDLER_ASSET_DIR = path.join(ROOT, 'assets', 'custom-resource', 'endpoint-settings.lambda');
const STACK_NAME = 'Bench';
const ENV = { account: '123456789012', region: 'us-east-1' };
const ZONES = ['us-east-1a', 'us-east-1b'];
const SERVER_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/server';
const CLIENT_ROOT_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/client-root';
// Outside every VPC CIDR of the fixture (all in 10.0.0.0/8).
const CLIENT_CIDR = '172.16.0.0/22';
const AUTHORIZED_CIDRS = ['192.168.0.0/16', '172.31.0.0/16'];
const ROUTE_CIDR = '192.168.0.0/16';
const SANITY_N = 2;
// CloudFormation's limit. (a') at N = 50 exceeds it; this is a synthesis benchmark, so the check is
// switched off for every variant alike and the tables flag templates that would not deploy.
const CLOUDFORMATION_MAX_RESOURCES = 500;
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
const MAX_N = 1000;

// The issue's goals.
const GOAL_A_OVER_B = 1.0;
const GOAL_A_OVER_B_AT_N = 50;
const GOAL_A_OVER_C = 1.2;
const GOAL_FLAT_FROM_N = 10;
const GOAL_FLAT_TO_N = 50;
const GOAL_FLAT_FACTOR = 1.2;
const GOAL_HANDLER_BYTES = 8 * 1024;
const GOAL_LAMBDAS_PER_STACK = 1;

// ---------------------------------------------------------------------------------------------
// Fixture and the three (four) builders
// ---------------------------------------------------------------------------------------------

interface EndpointFixture {
  readonly vpc: ec2.IVpc;
  readonly vpcCidr: string;
  readonly subnets: ec2.ISubnet[];
}

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly serverCertificate: acm.ICertificate;
  readonly clientRootCertificate: acm.ICertificate;
  readonly endpoints: EndpointFixture[];
}

function buildFixture(app: App, n: number): Fixture {
  const stack = new Stack(app, STACK_NAME, { env: ENV });
  const endpoints: EndpointFixture[] = [];
  for (let i = 0; i < n; i++) {
    const vpcCidr = `10.${Math.floor(i / 250)}.${i % 250}.0/24`;
    const suffix = i.toString(16).padStart(8, '0');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, `Vpc${i}`, {
      vpcId: `vpc-${suffix}`,
      vpcCidrBlock: vpcCidr,
      availabilityZones: ZONES,
      privateSubnetIds: ZONES.map((_, z) => `subnet-${z}${suffix}`),
      privateSubnetRouteTableIds: ZONES.map((_, z) => `rtb-${z}${suffix}`),
    });
    endpoints.push({ vpc, vpcCidr, subnets: vpc.privateSubnets });
  }
  return {
    app,
    stack,
    serverCertificate: acm.Certificate.fromCertificateArn(stack, 'ServerCertificate', SERVER_CERTIFICATE_ARN),
    clientRootCertificate: acm.Certificate.fromCertificateArn(stack, 'ClientRootCertificate', CLIENT_ROOT_CERTIFICATE_ARN),
    endpoints,
  };
}

/** (a) and (a'): this library. */
function buildLibrary(fixture: Fixture, useCustomResource: boolean): void {
  fixture.endpoints.forEach((f, i) => {
    const endpoint = new ClientVpnEndpoint(fixture.stack, `Endpoint${i}`, {
      vpc: f.vpc,
      serverCertificate: fixture.serverCertificate,
      clientRootCertificate: fixture.clientRootCertificate,
      clientCidrBlock: CLIENT_CIDR,
      vpcSubnets: { subnets: f.subnets },
    });
    AUTHORIZED_CIDRS.forEach((cidr, r) => endpoint.addIngressAuthorization(`Auth${r}`, { cidr, authorizeAllGroups: true }));
    endpoint.addRoute('Route', { cidr: ROUTE_CIDR, target: ClientVpnRouteTarget.subnet(f.subnets[0]) });
    if (useCustomResource) {
      // Reading the attribute is what adds the custom resource.
      void endpoint.dnsName;
    }
  });
}

/** (b): aws-cdk-lib's L2, configured the same way (its defaults otherwise). */
function buildAwsCdkLib(fixture: Fixture): void {
  fixture.endpoints.forEach((f, i) => {
    const endpoint = new ec2.ClientVpnEndpoint(fixture.stack, `Endpoint${i}`, {
      vpc: f.vpc,
      serverCertificateArn: fixture.serverCertificate.certificateArn,
      clientCertificateArn: fixture.clientRootCertificate.certificateArn,
      cidr: CLIENT_CIDR,
      logging: true,
      vpcSubnets: { subnets: f.subnets },
    });
    AUTHORIZED_CIDRS.forEach((cidr, r) => endpoint.addAuthorizationRule(`Auth${r}`, { cidr }));
    endpoint.addRoute('Route', { cidr: ROUTE_CIDR, target: ec2.ClientVpnRouteTarget.subnet(f.subnets[0]) });
  });
}

/**
 * (c): the L1 floor. The same resources (a) writes, in the same construct paths so the logical
 * ids match: endpoint, log group, security group, associations, authorization rules (the
 * default VPC-CIDR rule too), route, with the same DependsOn.
 */
function buildL1(fixture: Fixture): void {
  fixture.endpoints.forEach((f, i) => {
    const scope = new Construct(fixture.stack, `Endpoint${i}`);
    const securityGroup = new ec2.CfnSecurityGroup(new Construct(scope, 'SecurityGroup'), 'Resource', {
      groupDescription: 'Client VPN endpoint',
      securityGroupEgress: [{ cidrIp: '0.0.0.0/0', description: 'Allow all outbound traffic by default', ipProtocol: '-1' }],
      vpcId: f.vpc.vpcId,
    });
    const logGroup = new logs.CfnLogGroup(new Construct(scope, 'LogGroup'), 'Resource', { retentionInDays: 365 });
    logGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const endpoint = new ec2.CfnClientVpnEndpoint(scope, 'Resource', {
      vpcId: f.vpc.vpcId,
      serverCertificateArn: fixture.serverCertificate.certificateArn,
      clientCidrBlock: CLIENT_CIDR,
      authenticationOptions: [{
        type: 'certificate-authentication',
        mutualAuthentication: { clientRootCertificateChainArn: fixture.clientRootCertificate.certificateArn },
      }],
      connectionLogOptions: { enabled: true, cloudwatchLogGroup: logGroup.ref },
      securityGroupIds: [securityGroup.attrGroupId],
      selfServicePortal: 'disabled',
    });
    endpoint.addDependency(logGroup);
    const associations = f.subnets.map((subnet, index) =>
      new ec2.CfnClientVpnTargetNetworkAssociation(scope, `Association${index}`, {
        clientVpnEndpointId: endpoint.ref,
        subnetId: subnet.subnetId,
      }));
    const rule = (id: string, cidr: string, description?: string) => {
      const resource = new ec2.CfnClientVpnAuthorizationRule(new Construct(scope, id), 'Resource', {
        clientVpnEndpointId: endpoint.ref,
        targetNetworkCidr: cidr,
        authorizeAllGroups: true,
        description,
      });
      associations.forEach((association) => resource.addDependency(association));
    };
    rule('AuthorizeAll', f.vpcCidr, 'Allow all users to the VPC');
    AUTHORIZED_CIDRS.forEach((cidr, r) => rule(`Auth${r}`, cidr));
    const route = new ec2.CfnClientVpnRoute(new Construct(scope, 'Route'), 'Resource', {
      clientVpnEndpointId: endpoint.ref,
      destinationCidrBlock: ROUTE_CIDR,
      targetVpcSubnetId: f.subnets[0].subnetId,
    });
    associations.forEach((association) => route.addDependency(association));
  });
}

export interface Variant {
  readonly key: string;
  readonly label: string;
  readonly build: (fixture: Fixture) => void;
}

const LIBRARY: Variant = { key: 'a', label: '(a) this library', build: (f) => buildLibrary(f, false) };
const AWS_CDK_LIB: Variant = { key: 'b', label: '(b) aws-cdk-lib ec2.ClientVpnEndpoint', build: buildAwsCdkLib };
const L1_FLOOR: Variant = { key: 'c', label: '(c) L1 floor (Cfn*)', build: buildL1 };
const LIBRARY_CR: Variant = { key: "a'", label: "(a') this library + custom resource", build: (f) => buildLibrary(f, true) };
export const VARIANTS: Variant[] = [LIBRARY, AWS_CDK_LIB, L1_FLOOR, LIBRARY_CR];

// ---------------------------------------------------------------------------------------------
// One run: construct + synthesize, timed
// ---------------------------------------------------------------------------------------------

export type Template = { Resources?: Record<string, { Type: string }> };

export interface RunResult {
  /** Wall time of construction + synthesis. */
  readonly ms: number;
  readonly templateBytes: number;
  readonly template: Template;
}

export function runOnce(variant: Variant, n: number): RunResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-client-vpn-bench-'));
  try {
    const app = new App({ outdir, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 } });
    const fixture = buildFixture(app, n);
    const start = process.hrtime.bigint();
    variant.build(fixture);
    const assembly = app.synth();
    const end = process.hrtime.bigint();
    const artifact = assembly.getStackByName(STACK_NAME);
    const templateBytes = fs.statSync(path.join(assembly.directory, artifact.templateFile)).size;
    return { ms: Number(end - start) / 1e6, templateBytes, template: artifact.template };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('global.gc is missing: run with `node --expose-gc` (npm run bench does)');
  }
  gc();
}

function resourceCounts(template: Template): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of Object.values(template.Resources ?? {})) {
    counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Sanity check: (c) must write what (a) writes
// ---------------------------------------------------------------------------------------------

/** Returns what it found, in one line. */
function sanityCheck(): string {
  const templates = new Map(VARIANTS.map((v) => [v.key, runOnce(v, SANITY_N).template]));
  const counts = new Map(VARIANTS.map((v) => [v.key, resourceCounts(templates.get(v.key)!)]));
  const types = [...new Set(VARIANTS.flatMap((v) => [...counts.get(v.key)!.keys()]))].sort();

  console.log(`Sanity check: resource types and counts at N = ${SANITY_N}`);
  console.log(table(
    ['Resource type', ...VARIANTS.map((v) => v.key)],
    types.map((type) => [type, ...VARIANTS.map((v) => String(counts.get(v.key)!.get(type) ?? 0))]),
  ));
  const a = counts.get(LIBRARY.key)!;
  const c = counts.get(L1_FLOOR.key)!;
  const mismatched = types.filter((type) => a.get(type) !== c.get(type));
  if (mismatched.length > 0) {
    throw new Error(`(a) and (c) differ in resource types or counts: ${mismatched.join(', ')}. Update buildL1 to write what the library writes.`);
  }
  const identical = JSON.stringify(templates.get(LIBRARY.key)) === JSON.stringify(templates.get(L1_FLOOR.key));
  const verdict = `(a) and (c) at N = ${SANITY_N}: same resource types and counts ✓; templates ${identical ? 'identical ✓' : 'differ in properties'}`;
  console.log(verdict);
  if (!identical) {
    const ra = templates.get(LIBRARY.key)!.Resources ?? {};
    const rc = templates.get(L1_FLOOR.key)!.Resources ?? {};
    const ids = [...new Set([...Object.keys(ra), ...Object.keys(rc)])]
      .filter((id) => JSON.stringify(ra[id]) !== JSON.stringify(rc[id]));
    console.log(`  differing logical ids: ${ids.join(', ')}`);
  }
  console.log('');
  return verdict;
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------------------------

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * q;
  const lower = Math.floor(pos);
  const upper = Math.ceil(pos);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (pos - lower);
}

const median = (values: number[]) => quantile(values, 0.5);
const ms = (value: number) => value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const ratio = (value: number) => value.toFixed(2);
// Three decimals, so that 1.004 does not read as a failed 1.00.
const goalRatio = (value: number) => value.toFixed(3);
const check = (ok: boolean) => ok ? '✓' : '✗';

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => i === 0 ? ' --- ' : ' ---: ').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

interface Options {
  readonly rounds: number;
  readonly warmup: number;
  readonly sizes: number[];
  readonly smoke: boolean;
  readonly write: boolean;
  readonly sourceMaps: boolean;
}

function parseArgs(argv: string[]): Options {
  // The issue asks for at least 15; on a 2-core machine the medians of 25 settle within a few percent.
  let rounds = 25;
  let sizes = [1, 10, 50];
  let smoke = false;
  let write = false;
  let sourceMaps = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const text = inline ?? argv[++i];
      if (text === undefined) {
        throw new Error(`${flag} needs a value`);
      }
      return text;
    };
    switch (flag) {
      case '--rounds':
        rounds = Number(value());
        if (!Number.isInteger(rounds) || rounds < 1) {
          throw new Error(`--rounds must be a whole number, at least 1, got ${rounds}`);
        }
        break;
      case '--sizes':
        sizes = value().split(',').map((s) => Number(s.trim()));
        if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_N)) {
          throw new Error(`--sizes must list whole numbers from 1 to ${MAX_N}, such as 1,10,50`);
        }
        sizes = [...new Set(sizes)].sort((x, y) => x - y);
        break;
      case '--smoke':
        smoke = true;
        break;
      case '--write':
        write = true;
        break;
      case '--source-maps':
        sourceMaps = true;
        break;
      default:
        throw new Error(`Unknown argument ${argv[i]}. Usage: bench/synth.ts [--rounds N] [--sizes 1,10,50] [--smoke] [--write] [--source-maps]`);
    }
  }
  if (smoke) {
    if (write) {
      console.log('--smoke does not write BENCHMARKS.md; ignoring --write');
    }
    return { rounds: 1, warmup: 0, sizes: [1], smoke, write: false, sourceMaps };
  }
  return { rounds, warmup: 2, sizes, smoke, write, sourceMaps };
}

function commandLine(): string {
  const script = path.relative(process.cwd(), process.argv[1]);
  const env = ['TS_NODE_PROJECT', 'TS_NODE_TRANSPILE_ONLY']
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}=${process.env[name]}`);
  const node = [...env, 'node', ...process.execArgv, script, ...process.argv.slice(2)].join(' ');
  const npmScript = process.env.npm_lifecycle_event;
  return npmScript ? `npm run ${npmScript}  (runs: ${node})` : node;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/** The 1-minute load average: other work on the machine skews the absolute numbers more than the ratios. */
function loadavg(): string {
  return os.loadavg()[0].toFixed(2);
}

function percentMore(value: number, base: number): string {
  return `${Math.round((value / base - 1) * 100)} %`;
}

function handlerAssetBytes(): { raw: number; gzip: number } {
  if (!fs.existsSync(HANDLER_ASSET_DIR)) {
    throw new Error(`${path.relative(ROOT, HANDLER_ASSET_DIR)} is missing: run \`npx projen bundle\` first (npm run bench does)`);
  }
  let raw = 0;
  let gzip = 0;
  for (const file of fs.readdirSync(HANDLER_ASSET_DIR)) {
    const content = fs.readFileSync(path.join(HANDLER_ASSET_DIR, file));
    raw += content.length;
    gzip += zlib.gzipSync(content, { level: 9 }).length;
  }
  return { raw, gzip };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (!options.sourceMaps) {
    // Undoes source-map-support (see the top of this file): V8 formats stack traces itself again.
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
  }
  const started = Date.now();
  const loadAtStart = loadavg();
  if (os.loadavg()[0] > os.cpus().length / 2) {
    console.log(`Note: load average ${loadAtStart} on ${os.cpus().length} cores; other work skews the timings (the paired ratios less).`);
  }
  collectGarbage();
  const asset = handlerAssetBytes();

  // Also warms up module loading: aws-cdk-lib loads its modules lazily, on first use.
  const sanity = sanityCheck();

  const samples = new Map<string, number[]>();
  const templateBytes = new Map<string, number>();
  const resources = new Map<string, number>();
  const lambdas = new Map<number, number>();
  const key = (variant: Variant, n: number) => `${variant.key}@${n}`;

  // One size at a time: runs of 50 endpoints just before a run of 1 leave the heap and the JIT in
  // a state that skews the small run by more than the differences measured.
  const totalRounds = options.warmup + options.rounds;
  for (const n of options.sizes) {
    for (let round = 0; round < totalRounds; round++) {
      // a b c a', then a' c b a, ...: no variant always runs first or last.
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        collectGarbage();
        const result = runOnce(variant, n);
        if (round < options.warmup) {
          continue;
        }
        // Indexed by round, so runs of one round can be paired.
        samples.set(key(variant, n), [...samples.get(key(variant, n)) ?? [], result.ms]);
        templateBytes.set(key(variant, n), result.templateBytes);
        resources.set(key(variant, n), Object.keys(result.template.Resources ?? {}).length);
        if (variant === LIBRARY_CR) {
          lambdas.set(n, resourceCounts(result.template).get('AWS::Lambda::Function') ?? 0);
        }
      }
    }
    process.stderr.write(`N = ${n}: ${options.warmup} warm-up and ${options.rounds} measured rounds done (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }

  const med = (variant: Variant, n: number) => median(samples.get(key(variant, n))!);
  // The median of the per-round ratios: runs of one round are seconds apart at most, so a burst of
  // other work on the machine slows both sides of a pair. Steadier than the ratio of the medians.
  const paired = (x: Variant, y: Variant, n: number) => {
    const ys = samples.get(key(y, n))!;
    return median(samples.get(key(x, n))!.map((value, round) => value / ys[round]));
  };
  const spread = (variant: Variant, n: number) => {
    const values = samples.get(key(variant, n))!;
    return values.length > 1 ? ` (${ms(quantile(values, 0.25))}–${ms(quantile(values, 0.75))})` : '';
  };

  const timesTable = table(
    ['N', ...VARIANTS.map((v) => `${v.key} ms`), 'a/b', 'a/c', "a'/b", "a'/a"],
    options.sizes.map((n) => [
      String(n),
      ...VARIANTS.map((v) => `${ms(med(v, n))}${spread(v, n)}`),
      ratio(med(LIBRARY, n) / med(AWS_CDK_LIB, n)),
      ratio(med(LIBRARY, n) / med(L1_FLOOR, n)),
      ratio(med(LIBRARY_CR, n) / med(AWS_CDK_LIB, n)),
      ratio(med(LIBRARY_CR, n) / med(LIBRARY, n)),
    ]),
  );
  const pairedTable = table(
    ['N', 'a/b', 'a/c', "a'/b", "a'/a"],
    options.sizes.map((n) => [
      String(n),
      ratio(paired(LIBRARY, AWS_CDK_LIB, n)),
      ratio(paired(LIBRARY, L1_FLOOR, n)),
      ratio(paired(LIBRARY_CR, AWS_CDK_LIB, n)),
      ratio(paired(LIBRARY_CR, LIBRARY, n)),
    ]),
  );
  const perEndpointTable = table(
    ['N', ...VARIANTS.map((v) => `${v.key} ms/endpoint`)],
    options.sizes.map((n) => [String(n), ...VARIANTS.map((v) => ms(med(v, n) / n))]),
  );
  const largest = options.sizes[options.sizes.length - 1];
  const smallest = options.sizes[0];
  const bytesTable = table(
    [
      'Variant',
      `resources at N = ${largest}`,
      `template bytes at N = ${largest}`,
      'bytes / endpoint',
      ...(largest > smallest ? [`marginal bytes / endpoint (N ${smallest}→${largest})`] : []),
    ],
    VARIANTS.map((v) => {
      const count = resources.get(key(v, largest))!;
      const total = templateBytes.get(key(v, largest))!;
      const marginal = (total - templateBytes.get(key(v, smallest))!) / (largest - smallest);
      return [
        v.label,
        count > CLOUDFORMATION_MAX_RESOURCES ? `${count} (over CloudFormation's ${CLOUDFORMATION_MAX_RESOURCES})` : String(count),
        String(total),
        (total / largest).toFixed(0),
        ...(largest > smallest ? [marginal.toFixed(0)] : []),
      ];
    }),
  );
  const lambdasText = options.sizes.map((n) => `${lambdas.get(n)} at N = ${n}`).join(', ');

  // Goals
  const goals: string[] = [];
  if (options.sizes.includes(GOAL_A_OVER_B_AT_N)) {
    const value = med(LIBRARY, GOAL_A_OVER_B_AT_N) / med(AWS_CDK_LIB, GOAL_A_OVER_B_AT_N);
    goals.push(`${check(value <= GOAL_A_OVER_B)} a/b ≤ ${GOAL_A_OVER_B.toFixed(2)} at N = ${GOAL_A_OVER_B_AT_N}: ${goalRatio(value)}`
      + ` (paired: ${goalRatio(paired(LIBRARY, AWS_CDK_LIB, GOAL_A_OVER_B_AT_N))})`);
  } else {
    goals.push(`– a/b ≤ ${GOAL_A_OVER_B.toFixed(2)} at N = ${GOAL_A_OVER_B_AT_N}: not measured (N = ${GOAL_A_OVER_B_AT_N} not in --sizes)`);
  }
  const aOverC = options.sizes.map((n) => med(LIBRARY, n) / med(L1_FLOOR, n));
  goals.push(`${check(aOverC.every((v) => v <= GOAL_A_OVER_C))} a/c ≤ ${GOAL_A_OVER_C.toFixed(2)} at every N: `
    + options.sizes.map((n, i) => `${goalRatio(aOverC[i])} at N = ${n}`).join(', ')
    + ` (paired: ${options.sizes.map((n) => goalRatio(paired(LIBRARY, L1_FLOOR, n))).join(', ')})`);
  if (options.sizes.includes(GOAL_FLAT_FROM_N) && options.sizes.includes(GOAL_FLAT_TO_N)) {
    for (const v of [LIBRARY, LIBRARY_CR]) {
      const from = med(v, GOAL_FLAT_FROM_N) / GOAL_FLAT_FROM_N;
      const to = med(v, GOAL_FLAT_TO_N) / GOAL_FLAT_TO_N;
      goals.push(`${check(to <= GOAL_FLAT_FACTOR * from)} per-endpoint cost of ${v.key} at N = ${GOAL_FLAT_TO_N} within ${GOAL_FLAT_FACTOR}× of N = ${GOAL_FLAT_FROM_N}: `
        + `${ms(to)} vs ${ms(from)} ms (${goalRatio(to / from)}×)`);
    }
  } else {
    goals.push(`– per-endpoint cost flat: not measured (needs N = ${GOAL_FLAT_FROM_N} and ${GOAL_FLAT_TO_N} in --sizes)`);
  }
  goals.push(`${check(asset.raw <= GOAL_HANDLER_BYTES)} handler asset ≤ ${GOAL_HANDLER_BYTES} bytes (8 KiB): ${asset.raw} bytes (${asset.gzip} gzipped)`);
  goals.push(`${check([...lambdas.values()].every((count) => count === GOAL_LAMBDAS_PER_STACK))} one Lambda per stack (a'): ${lambdasText}`);
  // Not a synthesis measure: the handler tests count the calls, against mocked clients and over HTTP.
  goals.push('– one API call (DescribeClientVpnEndpoints, for fresh attributes) on an Update with nothing changed: '
    + 'counted by the handler tests, not here (test/custom-resource/endpoint-settings.lambda.test.ts and handler-http.test.ts)');

  const cpus = os.cpus();
  const awsCdkLibVersion = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, `
    + `${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}, aws-cdk-lib ${awsCdkLibVersion}; `
    + `load average ${loadAtStart} at start, ${loadavg()} at end`;
  const stackTraces = options.sourceMaps
    ? 'Stack traces (CDK captures one per CfnElement) went through ts-node\'s source-map-support (`--source-maps`).'
    : 'ts-node\'s source-map-support is switched off, so the stack traces CDK captures (one per CfnElement) cost what they cost in compiled JavaScript.';
  const rounds = `${options.rounds} round${options.rounds === 1 ? '' : 's'}${options.warmup ? ` after ${options.warmup} warm-up round${options.warmup === 1 ? '' : 's'}` : ''}`;

  const report = [
    '## Construction + synthesis time, median ms (interquartile range)',
    '',
    timesTable,
    '',
    '## Paired ratios: median of the per-round ratios',
    '',
    'Runs of one round are seconds apart, so other work on the machine slows both sides of a pair alike:',
    'steadier than the ratios of the medians above when the machine is not idle.',
    '',
    pairedTable,
    '',
    '## Per endpoint, median ms / N',
    '',
    perEndpointTable,
    '',
    '## Size',
    '',
    `- Handler asset (\`assets/custom-resource/endpoint-settings.lambda\`): ${asset.raw} bytes, ${asset.gzip} gzipped`,
    `- Lambda functions per stack (a'): ${lambdasText}`,
    `- Sanity check: ${sanity}`,
    '',
    bytesTable,
    '',
    '## Goals',
    '',
    ...goals.map((goal) => `- ${goal}`),
    '',
    '## Where (a) costs more than (b)',
    '',
    `(a) writes ${percentMore(templateBytes.get(key(LIBRARY, largest))!, templateBytes.get(key(AWS_CDK_LIB, largest))!)} more template`
    + ` than (b) at N = ${largest}, and synthesis cost follows the template: (c), which writes what (a) writes`
    + ' with no L2 construct at all, is the floor for that template. What (a) writes beyond (b), each on purpose:',
    '',
    '- `DependsOn` from every authorization rule to the target network associations: a rule added before',
    '  them stays `authorizing`;',
    '- `SelfServicePortal: disabled`, written out because the API enables the portal when it is left out;',
    '- `DependsOn` from the endpoint to its log group, and a description on the VPC-CIDR rule.',
    '',
    'Medians of runs of a quarter of a second on a 2-core machine vary by about ±5 % from one run of this',
    'script to the next, which is as much as the a/b goal\'s margin.',
  ].join('\n');

  console.log(report);
  console.log('');
  console.log(`${rounds}, sizes ${options.sizes.join(', ')}; ${machine}`);
  console.log(stackTraces);
  console.log(`Total ${((Date.now() - started) / 1000).toFixed(1)} s`);

  if (options.write) {
    fs.writeFileSync(BENCHMARKS_FILE, [
      '# Synthesis benchmark',
      '',
      '<!-- Generated by bench/synth.ts (npm run bench): do not edit by hand. -->',
      '',
      'Construction plus `app.synth()` of N Client VPN endpoints in one stack, each with mutual TLS, logging,',
      'two subnets, two ingress authorizations (plus the default VPC-CIDR rule) and one route, built four ways',
      'in one process:',
      '',
      '- **(a)** this library;',
      '- **(b)** aws-cdk-lib\'s `ec2.ClientVpnEndpoint` with the equivalent configuration;',
      '- **(c)** the L1 floor: `Cfn*` resources written by hand to the same template as (a) (checked at startup);',
      '- **(a\')** this library with the custom resource in use (`endpoint.dnsName` read).',
      '',
      'Each endpoint has its own VPC, imported with literal ids, so the templates hold only what each variant',
      'writes; building that fixture is not timed. Runs are interleaved (a b c a\', then a\' c b a, …) with',
      `garbage collected before each; ${rounds} per variant and N, one N after the other.`,
      stackTraces,
      'A forced collection leaves V8 less warm than back-to-back runs would (runs here take about twice as long),',
      'so the numbers are nearer a one-shot `cdk synth` than a hot loop.',
      `CDK's ${CLOUDFORMATION_MAX_RESOURCES}-resource check is off for every variant, since (a') exceeds CloudFormation's limit at N = 50.`,
      '',
      report,
      '',
      '## Run',
      '',
      `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
      `- Machine: ${machine}`,
      `- Command: \`${commandLine()}\``,
      '',
    ].join('\n'));
    console.log(`Wrote ${path.relative(process.cwd(), BENCHMARKS_FILE)}`);
  }
}

// Importable (for profiling one variant, say) without running the benchmark.
if (require.main === module) {
  main();
}
