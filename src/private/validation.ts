// CIDR arithmetic is bit arithmetic on addresses.
/* eslint-disable no-bitwise */
import { isIP } from 'net';
import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ClientVpnValidationError } from './client-vpn-validation-error';

/** Renders a received value for an error message, whatever its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const length = characterCount(value);
    return length > 80 ? `a string of ${length} characters` : `'${value}'`;
  }
  if (typeof value === 'function') {
    return 'a function';
  }
  try {
    const json = JSON.stringify(value);
    if (json === undefined) {
      return String(value);
    }
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return describeWithoutJson(value);
  }
}

/** For cycles and BigInts; an object without a prototype has no toString either. */
function describeWithoutJson(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'an object that cannot be shown';
  }
}

/**
 * Checks that a value given where a CDK resource is expected is a construct whose named
 * attributes are strings (tokens included), so a look-alike object fails here with the
 * prop's name instead of a TypeError deep inside aws-cdk-lib.
 */
export function requireResource(prop: string, value: unknown, what: string, attributes: string[], methods: string[] = []): void {
  const candidate = value as { [key: string]: unknown } | undefined;
  const isConstruct = typeof candidate === 'object' && candidate !== null && Construct.isConstruct(candidate);
  if (!isConstruct
    || attributes.some((name) => typeof candidate![name] !== 'string')
    || methods.some((name) => typeof candidate![name] !== 'function')) {
    throw invalid(prop, `must be ${what}`, value);
  }
}

/** The one shape every validation error has: prop in backticks, the rule, the value received. */
export function invalid(prop: string, rule: string, value: unknown): Error {
  // The construct's path is added where the construct rejects its props (construct-rejection.ts).
  return new ClientVpnValidationError('', `\`${prop}\` ${rule}, got ${describeValue(value)}`);
}

/**
 * What AWS accepts but is probably a mistake: reported as a warning the app can acknowledge with
 * `Annotations.of(scope).acknowledgeWarning('cdk-client-vpn:<rule>')`, never as an error.
 */
export interface Caution {
  readonly rule: string;
  readonly prop: string;
  readonly advice: string;
  readonly value: unknown;
}

/**
 * Warns about each caution on `resource`, the construct's CloudFormation resource: an
 * acknowledgement on the construct (after creating it) or on its stack (at any time) covers it.
 */
export function warnAbout(constructPath: string, resource: Construct, cautions: readonly Caution[]): void {
  for (const { rule, prop, advice, value } of cautions) {
    Annotations.of(resource).addWarningV2(`cdk-client-vpn:${rule}`, `${constructPath}: \`${prop}\` ${advice}, got ${describeValue(value)}`);
  }
}

export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

export function requireBoolean(prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean' && !isUnresolved(value)) {
    throw invalid(prop, 'must be true or false', value);
  }
}

export function requireString(prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') {
    throw invalid(prop, 'must be a string', value);
  }
}

export function requireNonEmptyString(prop: string, value: unknown): void {
  requireString(prop, value);
  if (value === '') {
    throw invalid(prop, 'must not be empty', value);
  }
}

/** For enums: JavaScript and Python callers can pass any value where TypeScript allows only members. */
export function requireOneOf<T>(prop: string, value: T | undefined, allowed: readonly T[]): void {
  if (value === undefined || isUnresolved(value) || allowed.includes(value)) {
    return;
  }
  throw invalid(prop, `must be one of ${allowed.map(describeValue).join(', ')}`, value);
}

export function requireArray(prop: string, value: unknown): void {
  if (value !== undefined && !Array.isArray(value) && !isUnresolved(value)) {
    throw invalid(prop, 'must be a list', value);
  }
}

/** Counts characters as users see them (code points), not UTF-16 units. */
export function characterCount(value: string): number {
  return Array.from(value).length;
}

/** A CIDR block, parsed: the address as a number, its width in bits and the prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly bits: number;
  /** True when no host bits are set (the form AWS asks for). */
  readonly isNetworkAddress: boolean;
  /** The same block with host bits cleared, for suggestions in error messages. */
  readonly canonical: string;
}

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function ipv4ToBigInt(address: string): bigint | undefined {
  const octets = address.split('.');
  if (octets.length !== 4 || !octets.every((o) => IPV4_OCTET.test(o))) {
    return undefined;
  }
  return octets.reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
}

function ipv6ToBigInt(address: string): bigint | undefined {
  if (isIP(address) !== 6 || address.includes('%')) {
    return undefined;
  }
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToBigInt(tail);
    if (v4 === undefined) {
      return undefined;
    }
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const restParts = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headParts.length - restParts.length;
  const parts = rest === undefined ? headParts : [...headParts, ...Array(missing).fill('0'), ...restParts];
  return parts.reduce((acc, p) => (acc << 16n) + BigInt(parseInt(p, 16)), 0n);
}

function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
  }
  const hextets: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    hextets.push(((value >> shift) & 0xffffn).toString(16));
  }
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && hextets[start + length] === '0') {
      length++;
    }
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart === -1) {
    return hextets.join(':');
  }
  return `${hextets.slice(0, bestStart).join(':')}::${hextets.slice(bestStart + bestLength).join(':')}`;
}

/** Parses `address/prefix`; undefined when it is not a CIDR block of the given families. */
export function parseCidr(text: string, families: ReadonlyArray<4 | 6> = [4, 6]): Cidr | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match) {
    return undefined;
  }
  const [, address, prefixText] = match;
  const family: 4 | 6 = address.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (!families.includes(family) || prefix > bits || (prefixText.length > 1 && prefixText.startsWith('0'))) {
    return undefined;
  }
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  if (value === undefined) {
    return undefined;
  }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = value & ~hostMask;
  return {
    family,
    network,
    prefix,
    bits,
    isNetworkAddress: network === value,
    // Only error messages need it, and formatting is the costly part of parsing.
    get canonical() {
      return `${formatAddress(family, network)}/${prefix}`;
    },
  };
}

/** True when the two blocks share any address (one contains the other). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) {
    return false;
  }
  const shorter = Math.min(a.prefix, b.prefix);
  const shift = BigInt(a.bits - shorter);
  return a.network >> shift === b.network >> shift;
}

/**
 * Checks that a value is a network address in CIDR form (host bits clear),
 * IPv4 and/or IPv6 as allowed. Tokens pass.
 */
export function requireNetworkCidr(prop: string, value: unknown, families: ReadonlyArray<4 | 6> = [4, 6]): Cidr | undefined {
  if (value === undefined || isUnresolved(value)) {
    return undefined;
  }
  const kind = families.length === 2 ? 'an IPv4 or IPv6' : `an IPv${families[0]}`;
  if (typeof value !== 'string') {
    throw invalid(prop, `must be ${kind} network in CIDR notation`, value);
  }
  const cidr = parseCidr(value, families);
  if (!cidr) {
    throw invalid(prop, `must be ${kind} network in CIDR notation, such as ${families[0] === 4 ? '10.0.0.0/16' : '2001:db8::/64'}`, value);
  }
  if (!cidr.isNetworkAddress) {
    throw invalid(prop, `must be a network address with no host bits set (did you mean ${cidr.canonical}?)`, value);
  }
  return cidr;
}

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** A subnet as a reader knows it: its id when literal, else where it is defined. */
export function describeSubnet(subnet: ec2.ISubnet): string {
  return isUnresolved(subnet.subnetId) ? `the subnet at ${subnet.node.path}` : subnet.subnetId;
}
