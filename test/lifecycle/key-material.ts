/**
 * The key-material scan (construct API, ClientVpnCertificateAuthority: "No private key ever appears
 * in a template, the cloud assembly, a custom-resource request or response, a log line or a stack
 * output"). It looks in those places for:
 *
 * - PEM armour: `PRIVATE KEY` anywhere, except in the code of a bundled handler, which names the
 *   label to write keys (there, only an armour line `-----BEGIN … PRIVATE KEY-----` counts);
 * - runs of every private key the fakes hold (every version of every secret, every private key
 *   ImportCertificate was sent): its DER as base64 (the PEM body, however wrapped or JSON-escaped),
 *   as hex (a Buffer dump), the PEM text as base64 (an SDK blob), and the key's private components
 *   (JWK d, p, q, dp, dq, qi) as base64url, base64 and hex.
 *
 * Only bytes of the private components are searched for: a key's DER also holds its public modulus,
 * which certificates and signing requests carry legitimately. Whitespace and escaped line breaks are
 * removed before the search, so a run split over lines still matches; any run of 47 characters or
 * more of one representation is found.
 */
import { createPrivateKey, KeyObject } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Harness } from './harness';
import { evaluateConditions, resolve, ResolutionError, Scope } from './intrinsics';
import { ScheduledRun } from './schedules';
import { SynthesizedStack } from './stack-records';
import { ACCOUNT } from './wire';

/** A private key the fakes hold, and where. */
export interface HeldKey {
  readonly pem: string;
  /** e.g. `secret CaSecret3C982D97-… version 2`, `ACM ImportCertificate call 1 (arn:…)`. */
  readonly heldIn: string;
}

/** A text the scan looks at, and where it came from. */
export interface Place {
  readonly where: string;
  readonly text: string;
  /** The code of a bundled handler: the label `PRIVATE KEY` is allowed, armour lines are not. */
  readonly code?: boolean;
}

/** Window of the search, in characters: 24 bytes in base64, 16 in hex. */
const WINDOW = 32;
/** Windows start this far apart: any run of WINDOW + STRIDE - 1 characters contains a whole one. */
const STRIDE = 16;
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const ARMOUR = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const LABEL = /PRIVATE\s*KEY/;
const PRIVATE_COMPONENTS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const CODE_FILE = /\.(m|c)?js$/;

/** Every private key the fakes hold: the values of all secret versions, and the keys sent to ACM. */
export function heldKeys(h: Harness): HeldKey[] {
  const held: HeldKey[] = [];
  for (const view of h.fake.secretsManager.all()) {
    const stored = h.fake.secretsManager.stored(view.arn)!;
    stored.versions.forEach((version, index) => {
      for (const pem of pemKeysIn(version.value)) {
        held.push({ pem, heldIn: `secret ${stored.name} version ${index + 1}` });
      }
    });
  }
  h.fake.callsOf('ImportCertificate').forEach((call, index) => {
    try {
      const { PrivateKey: key, CertificateArn: arn } = JSON.parse(call.body) as { PrivateKey?: string; CertificateArn?: string };
      for (const pem of pemKeysIn(Buffer.from(key ?? '', 'base64').toString('utf8'))) {
        held.push({ pem, heldIn: `ACM ImportCertificate call ${index + 1}${arn ? ` (${arn})` : ''}` });
      }
    } catch {
      // A body that is not JSON carries no key this scan could name.
    }
  });
  for (const certificate of h.fake.acm.certificates()) {
    for (const pem of pemKeysIn(certificate.privateKeyPem)) {
      held.push({ pem, heldIn: `ACM ${certificate.arn}` });
    }
  }
  return held;
}

/** The PEM private keys in a text, or in the string values of the JSON it is. */
function pemKeysIn(text: string): string[] {
  let texts = [text];
  try {
    texts = stringLeaves(JSON.parse(text));
  } catch {
    // Not JSON: the text itself is searched.
  }
  return [...new Set(texts.flatMap((candidate) => candidate.match(PEM_PRIVATE_KEY) ?? []))];
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(stringLeaves) : [];
}

/** The places the scan looks at, for the stacks synthesized and the schedule runs of a test. */
export interface ScanScope {
  readonly stacks: readonly SynthesizedStack[];
  readonly runs?: readonly ScheduledRun[];
  /** Stack outputs as `stackOutputs` read them after each operation. */
  readonly outputs?: readonly Place[];
}

export function placesToScan(h: Harness, options: ScanScope): Place[] {
  const places: Place[] = [];
  const directories = new Set(options.stacks.map(assemblyDirectory));
  for (const directory of directories) {
    for (const file of filesUnder(directory)) {
      const relative = path.relative(directory, file);
      places.push({ where: `cloud assembly ${path.basename(directory)}/${relative}`, text: fs.readFileSync(file, 'utf8'), code: isHandlerCode(relative) });
    }
  }
  for (const record of h.cfn.protocol.records) {
    const what = `${record.event.RequestType} of ${record.logicalId} (${record.phase})`;
    places.push({ where: `request: ${what}`, text: JSON.stringify(record.event) });
    if (record.response) {
      places.push({ where: `response: ${what}`, text: JSON.stringify(record.response) });
    }
    if (record.outcome) {
      places.push({ where: `outcome: ${what}`, text: JSON.stringify(record.outcome) });
    }
    record.invocations.forEach((invocation, attempt) => invocation.logs.forEach((line, index) =>
      places.push({ where: `log line ${index + 1} of ${what}, attempt ${attempt + 1}`, text: line })));
  }
  for (const response of h.fake.responses) {
    places.push({ where: `response PUT for ${response.requestId}`, text: JSON.stringify(response.body ?? null) });
  }
  for (const operation of h.cfn.operations) {
    for (const event of operation.events.filter((candidate) => candidate.reason)) {
      places.push({ where: `stack event ${event.logicalId} ${event.status} (operation ${operation.index})`, text: event.reason! });
    }
  }
  for (const run of options.runs ?? []) {
    places.push({ where: `scheduled event of ${run.ruleLogicalId}`, text: JSON.stringify(run.event) });
    if (run.error) {
      places.push({ where: `error of the scheduled run of ${run.ruleLogicalId}`, text: run.error });
    }
    run.invocations.forEach((invocation, attempt) => invocation.logs.forEach((line, index) =>
      places.push({ where: `log line ${index + 1} of the scheduled run of ${run.ruleLogicalId}, attempt ${attempt + 1}`, text: line })));
  }
  places.push(...options.outputs ?? []);
  return places;
}

/** The stack's outputs as deployed now, resolved against the deployed resources (none once it is deleted). */
export function stackOutputs(h: Harness): Place[] {
  const template = h.cfn.template;
  if (!template?.Outputs) {
    return [];
  }
  const parameters = Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([name, definition]) => [name, definition.Default ?? '']));
  const base: Omit<Scope, 'conditions'> = {
    pseudo: { region: h.fake.region, accountId: ACCOUNT, stackName: h.cfn.stackName, stackId: h.cfn.stackId },
    parameters,
    mappings: template.Mappings,
    ref: (logicalId) => existing(h, logicalId).physicalId,
    getAtt: (logicalId, attribute) => existing(h, logicalId).attributes[attribute] ?? `${existing(h, logicalId).physicalId}:${attribute}`,
  };
  const scope: Scope = { ...base, conditions: evaluateConditions(template, base) };
  return Object.entries(template.Outputs)
    .filter(([, output]) => output.Condition === undefined || scope.conditions[output.Condition])
    .map(([name, output]) => ({ where: `stack output ${name} (operation ${h.cfn.operations.length - 1})`, text: JSON.stringify(resolve(output.Value, scope)) }));
}

function existing(h: Harness, logicalId: string) {
  const record = h.cfn.resources.get(logicalId);
  if (!record) {
    throw new ResolutionError(`${logicalId} does not exist`);
  }
  return record;
}

/** What the scan found, one sentence each; empty is the pass. */
export function scanForKeyMaterial(places: readonly Place[], keys: readonly HeldKey[]): string[] {
  const needles = new Map<string, string>();
  for (const key of keys) {
    for (const [needle, representation] of needlesOf(key.pem)) {
      if (!needles.has(needle)) {
        needles.set(needle, `a run of the private key held in ${key.heldIn} (${representation})`);
      }
    }
  }
  const findings: string[] = [];
  for (const place of places) {
    const found = new Set<string>();
    if (place.code ? ARMOUR.test(place.text) : LABEL.test(place.text)) {
      found.add(place.code ? 'a PEM private key armour line' : '`PRIVATE KEY`');
    }
    for (const run of normalized(place.text).match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []) {
      for (let offset = 0; offset + WINDOW <= run.length; offset++) {
        const window = run.slice(offset, offset + WINDOW);
        const what = needles.get(window) ?? needles.get(window.toLowerCase());
        if (what) {
          found.add(what);
        }
      }
    }
    findings.push(...[...found].map((what) => `${place.where}: ${what}`));
  }
  return findings;
}

/** The scan of everything a test produced: the places of `placesToScan`, the keys of `heldKeys`. */
export function keyMaterialFindings(h: Harness, options: ScanScope): string[] {
  return scanForKeyMaterial(placesToScan(h, options), heldKeys(h));
}

/** Without whitespace and escaped line breaks (`\n`, `\\n`, `\r`). */
function normalized(text: string): string {
  return text.replace(/\\+[nr]|\s+/g, '');
}

/** The windows of a key's private bytes in each representation a leak could take. */
function needlesOf(pem: string): Array<[string, string]> {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // Not a key node can read: its PEM body is searched whole.
    return windows(normalized(pem.replace(/-----[A-Z0-9 ]+-----/g, '')), 4, () => true).map((window) => [window, 'PEM body']);
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const jwk = key.export({ format: 'jwk' }) as { [name: string]: string | undefined };
  const components = PRIVATE_COMPONENTS.flatMap((name) => jwk[name] ? [Buffer.from(jwk[name]!, 'base64url')] : []);
  const privateRanges = components.map((bytes) => der.indexOf(bytes)).map((start, index) => [start, start + components[index].length])
    .filter(([start]) => start >= 0);
  const isPrivate = (first: number, last: number) => privateRanges.some(([start, end]) => first >= start && last < end);
  const base64 = der.toString('base64');
  const pemText = `-----BEGIN PRIVATE KEY-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  // Which DER byte each character of the PEM text encodes (-1 for armour and line breaks).
  const derByteOfPemChar: number[] = [];
  let b64Index = 0;
  const bodyStart = pemText.indexOf('\n') + 1;
  const bodyEnd = pemText.indexOf('-----END');
  for (let index = 0; index < pemText.length; index++) {
    const inBody = index >= bodyStart && index < bodyEnd && pemText[index] !== '\n';
    derByteOfPemChar.push(inBody ? Math.floor(b64Index++ * 3 / 4) : -1);
  }
  const pemTextBytesPrivate = (first: number, last: number) => {
    const bytes = derByteOfPemChar.slice(first, last + 1);
    return bytes.length > 0 && bytes.every((byte) => byte >= 0) && isPrivate(Math.min(...bytes), Math.max(...bytes));
  };
  return [
    ...windows(base64, 4, (char) => isPrivate(Math.floor(char * 3 / 4), Math.floor((char + WINDOW) * 3 / 4) - 1)).map((w): [string, string] => [w, 'DER in base64']),
    ...windows(der.toString('hex'), 2, (char) => isPrivate(char / 2, (char + WINDOW) / 2 - 1)).map((w): [string, string] => [w, 'DER in hex']),
    ...windows(Buffer.from(pemText).toString('base64'), 4,
      (char) => pemTextBytesPrivate(Math.floor(char * 3 / 4), Math.floor((char + WINDOW) * 3 / 4) - 1)).map((w): [string, string] => [w, 'PEM text in base64']),
    ...components.flatMap((bytes) => [
      ...windows(bytes.toString('base64url'), 4, () => true).map((w): [string, string] => [w, 'private component in base64url']),
      ...windows(bytes.toString('base64'), 4, () => true).map((w): [string, string] => [w, 'private component in base64']),
      ...windows(bytes.toString('hex'), 2, () => true).map((w): [string, string] => [w, 'private component in hex']),
    ]),
  ];
}

/** Windows of WINDOW characters every STRIDE characters (starting on multiples of `align`) that `keep` accepts by start. */
function windows(text: string, align: number, keep: (start: number) => boolean): string[] {
  const found: string[] = [];
  for (let start = 0; start + WINDOW <= text.length; start += STRIDE) {
    if (start % align === 0 && keep(start)) {
      found.push(text.slice(start, start + WINDOW));
    }
  }
  return found;
}

/** The cloud assembly directory a synthesized stack's files are in (the one with manifest.json). */
export function assemblyDirectory(stack: SynthesizedStack): string {
  for (const file of stack.assets.values()) {
    for (let directory = path.dirname(file); directory !== path.dirname(directory); directory = path.dirname(directory)) {
      if (fs.existsSync(path.join(directory, 'manifest.json'))) {
        return directory;
      }
    }
  }
  throw new Error(`no cloud assembly directory holds the assets of ${stack.stackName}`);
}

function filesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/** A bundled handler's code, in an asset directory of the assembly. */
function isHandlerCode(relative: string): boolean {
  return relative.split(path.sep)[0].startsWith('asset.') && CODE_FILE.test(relative);
}
