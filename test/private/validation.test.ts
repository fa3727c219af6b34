import { Fn, Lazy, Token } from 'aws-cdk-lib';
import {
  characterCount,
  cidrsOverlap,
  describeValue,
  invalid,
  isIpAddress,
  parseCidr,
  requireArray,
  requireBoolean,
  requireNetworkCidr,
  requireNonEmptyString,
  requireOneOf,
  requireString,
} from '../../src/private/validation';

/** An IPv6 address written out in full (eight four-digit hextets), as a number. */
function hextets(full: string): bigint {
  if (!/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/.test(full)) {
    throw new Error(`test fixture ${full} is not eight four-digit hextets`);
  }
  return BigInt(`0x${full.replace(/:/g, '')}`);
}

/** Parses a CIDR the test knows to be valid. */
function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) {
    throw new Error(`test fixture ${text} did not parse`);
  }
  return parsed;
}

describe('parseCidr', () => {
  test.each([
    // text, family, network, prefix, bits
    ['10.0.0.0/16', 4, 0x0a000000n, 16, 32],
    ['0.0.0.0/0', 4, 0n, 0, 32],
    ['255.255.255.255/32', 4, 0xffffffffn, 32, 32],
    ['192.168.1.0/24', 4, 0xc0a80100n, 24, 32],
    ['172.16.0.0/12', 4, 0xac100000n, 12, 32],
  ] as const)('parses IPv4 %s', (text, family, network, prefix, bits) => {
    expect(parseCidr(text)).toEqual({
      family,
      network,
      prefix,
      bits,
      isNetworkAddress: true,
      canonical: text,
    });
  });

  test.each([
    // text, network, prefix, canonical
    ['::/0', 0n, 0, '::/0'],
    ['2001:db8::/32', hextets('2001:0db8:0000:0000:0000:0000:0000:0000'), 32, '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', hextets('2001:0db8:0000:0000:0000:0000:0000:0000'), 32, '2001:db8::/32'],
    ['2001:DB8::/32', hextets('2001:0db8:0000:0000:0000:0000:0000:0000'), 32, '2001:db8::/32'],
    ['::1/128', 1n, 128, '::1/128'],
    ['fe80::/10', hextets('fe80:0000:0000:0000:0000:0000:0000:0000'), 10, 'fe80::/10'],
    ['2001:db8:0:0:1:0:0:1/128', hextets('2001:0db8:0000:0000:0001:0000:0000:0001'), 128, '2001:db8::1:0:0:1/128'],
    ['2001:db8:0:1:1:1:1:1/128', hextets('2001:0db8:0000:0001:0001:0001:0001:0001'), 128, '2001:db8:0:1:1:1:1:1/128'],
    ['1:2:3:4:5:6:7::/128', hextets('0001:0002:0003:0004:0005:0006:0007:0000'), 128, '1:2:3:4:5:6:7:0/128'],
  ] as const)('parses IPv6 %s', (text, network, prefix, canonical) => {
    expect(parseCidr(text)).toEqual({
      family: 6,
      network,
      prefix,
      bits: 128,
      isNetworkAddress: true,
      canonical,
    });
  });

  test.each([
    // text, isNetworkAddress, canonical
    ['10.0.0.1/16', false, '10.0.0.0/16'],
    ['10.0.255.255/16', false, '10.0.0.0/16'],
    ['10.0.0.0/8', true, '10.0.0.0/8'],
    ['10.1.0.0/8', false, '10.0.0.0/8'],
    ['192.168.1.1/32', true, '192.168.1.1/32'],
    ['1.2.3.4/0', false, '0.0.0.0/0'],
    ['2001:db8::1/64', false, '2001:db8::/64'],
    ['2001:db8:1::/32', false, '2001:db8::/32'],
    ['2001:db8::/64', true, '2001:db8::/64'],
  ] as const)('%s: isNetworkAddress %s, canonical %s', (text, isNetworkAddress, canonical) => {
    const parsed = parseCidr(text);
    expect(parsed?.isNetworkAddress).toBe(isNetworkAddress);
    expect(parsed?.canonical).toBe(canonical);
  });

  test.each([
    // An IPv4 tail counts as the last two hextets.
    ['::ffff:10.0.0.0/104', hextets('0000:0000:0000:0000:0000:ffff:0a00:0000'), true],
    ['::ffff:10.0.0.1/104', hextets('0000:0000:0000:0000:0000:ffff:0a00:0000'), false],
    ['::ffff:10.1.0.0/104', hextets('0000:0000:0000:0000:0000:ffff:0a00:0000'), false],
    ['::ffff:192.168.1.0/120', hextets('0000:0000:0000:0000:0000:ffff:c0a8:0100'), true],
    ['64:ff9b::192.0.2.0/120', hextets('0064:ff9b:0000:0000:0000:0000:c000:0200'), true],
  ] as const)('parses the IPv4-embedded IPv6 block %s', (text, network, isNetworkAddress) => {
    const parsed = parseCidr(text);
    expect(parsed).toMatchObject({ family: 6, bits: 128, network, isNetworkAddress });
    // Whatever notation the canonical form uses, it is the same network, host bits clear.
    expect(parseCidr(parsed!.canonical)).toMatchObject({ family: 6, network, prefix: parsed!.prefix, isNetworkAddress: true });
  });

  test('host bits are cleared in the network value', () => {
    expect(parseCidr('10.0.0.1/16')?.network).toBe(0x0a000000n);
    expect(parseCidr('2001:db8::1/64')?.network).toBe(hextets('2001:0db8:0000:0000:0000:0000:0000:0000'));
  });

  test.each([
    ['not a cidr', 'not-a-cidr'],
    ['empty', ''],
    ['no prefix', '10.0.0.0'],
    ['empty prefix', '10.0.0.0/'],
    ['two slashes', '10.0.0.0/16/16'],
    ['leading space', ' 10.0.0.0/16'],
    ['trailing space', '10.0.0.0/16 '],
    ['inner space', '10.0.0.0 /16'],
    ['IPv4 prefix over 32', '10.0.0.0/33'],
    ['IPv6 prefix over 128', '2001:db8::/129'],
    ['four-digit prefix', '10.0.0.0/1000'],
    ['leading zero in prefix', '10.0.0.0/01'],
    ['leading zeros in prefix', '10.0.0.0/016'],
    ['leading zero in IPv6 prefix', '2001:db8::/032'],
    ['negative prefix', '10.0.0.0/-1'],
    ['non-numeric prefix', '10.0.0.0/a'],
    ['leading zero in first octet', '010.0.0.0/8'],
    ['leading zero in last octet', '10.0.0.00/8'],
    ['leading zero in middle octet', '10.01.0.0/16'],
    ['octet over 255', '256.0.0.0/8'],
    ['octet 300', '10.300.0.0/16'],
    ['three octets', '10.0.0/16'],
    ['five octets', '10.0.0.0.0/16'],
    ['empty octet', '10..0.0/16'],
    ['hex octet', '0x0a.0.0.0/8'],
    ['signed octet', '+10.0.0.0/8'],
    ['two double colons', '2001::db8::/32'],
    ['IPv6 hextet over four digits', '2001:db80000::/32'],
    ['IPv6 non-hex', '2001:dg8::/32'],
    ['IPv6 too many groups', '1:2:3:4:5:6:7:8:9/128'],
    ['IPv6 too few groups', '1:2:3:4:5:6:7/128'],
    ['IPv6 zone index', 'fe80::%eth0/64'],
    ['IPv6 with bad IPv4 tail', '::ffff:10.0.0.256/104'],
    ['IPv6 with leading zero in IPv4 tail', '::ffff:010.0.0.0/104'],
    ['bare address', '::'],
  ])('rejects %s (%p)', (_, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test('accepts the largest prefixes', () => {
    expect(parseCidr('10.0.0.0/32')?.prefix).toBe(32);
    expect(parseCidr('::/128')?.prefix).toBe(128);
  });

  test.each([
    ['10.0.0.0/16', [4] as const, 4],
    ['10.0.0.0/16', [6] as const, undefined],
    ['2001:db8::/32', [6] as const, 6],
    ['2001:db8::/32', [4] as const, undefined],
    ['2001:db8::/32', [4, 6] as const, 6],
  ])('%s with families %p has family %p', (text, families, expected) => {
    expect(parseCidr(text, families)?.family).toBe(expected);
  });
});

describe('cidrsOverlap', () => {
  test.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['192.168.0.0/16', '0.0.0.0/0', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.0.0/8', '11.0.0.0/8', false],
    ['10.255.255.255/32', '10.0.0.0/8', true],
    ['10.0.0.0/22', '10.0.4.0/22', false],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8:1::/48', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db9::/32', false],
    ['::/0', '2001:db8::/32', true],
    // Different families never overlap, even when the numbers would.
    ['0.0.0.0/0', '::/0', false],
    ['::/0', '0.0.0.0/0', false],
    ['10.0.0.0/8', '::ffff:10.0.0.0/104', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(expected);
  });
});

describe('requireNetworkCidr', () => {
  test.each([
    ['not a cidr', 'x', undefined, "`cidr` must be an IPv4 or IPv6 network in CIDR notation, such as 10.0.0.0/16, got 'x'"],
    ['IPv6 where only IPv4 is allowed', '2001:db8::/32', [4], "`cidr` must be an IPv4 network in CIDR notation, such as 10.0.0.0/16, got '2001:db8::/32'"],
    ['IPv4 where only IPv6 is allowed', '10.0.0.0/16', [6], "`cidr` must be an IPv6 network in CIDR notation, such as 2001:db8::/64, got '10.0.0.0/16'"],
    ['IPv4 host bits', '10.0.0.1/16', undefined, "`cidr` must be a network address with no host bits set (did you mean 10.0.0.0/16?), got '10.0.0.1/16'"],
    ['IPv6 host bits', '2001:db8::1/32', undefined, "`cidr` must be a network address with no host bits set (did you mean 2001:db8::/32?), got '2001:db8::1/32'"],
    ['a number', 42, undefined, '`cidr` must be an IPv4 or IPv6 network in CIDR notation, got 42'],
    ['null', null, undefined, '`cidr` must be an IPv4 or IPv6 network in CIDR notation, got null'],
    ['an object', { cidr: '10.0.0.0/16' }, [4], '`cidr` must be an IPv4 network in CIDR notation, got {"cidr":"10.0.0.0/16"}'],
  ] as const)('rejects %s with a precise message', (_, value, families, message) => {
    expect(() => requireNetworkCidr('cidr', value, families as Array<4 | 6> | undefined)).toThrow(new Error(message));
  });

  test('names the prop it is given', () => {
    expect(() => requireNetworkCidr('clientCidrBlock', 'bad', [4])).toThrow(/^`clientCidrBlock` must be an IPv4 network/);
  });

  test.each([
    ['an IPv4 network', '10.0.0.0/16', 4],
    ['an IPv6 network', '2001:db8::/32', 6],
    ['the IPv4 default route', '0.0.0.0/0', 4],
    ['the IPv6 default route', '::/0', 6],
  ] as const)('returns the parsed block for %s', (_, value, family) => {
    const parsed = requireNetworkCidr('cidr', value);
    expect(parsed?.family).toBe(family);
    expect(parsed?.canonical).toBe(value);
  });

  test.each([
    ['undefined', undefined],
    ['a string token', Token.asString(Fn.importValue('Cidr'))],
    ['a lazy string', Lazy.string({ produce: () => 'not a cidr' })],
    ['a resolvable object', Lazy.any({ produce: () => 'not a cidr' })],
    ['a Fn::Select of Fn::Cidr', Fn.select(0, Fn.cidr('10.0.0.0/16', 1, '8'))],
  ])('passes %s without checking it', (_, value) => {
    expect(requireNetworkCidr('cidr', value, [4])).toBeUndefined();
  });
});

describe('describeValue', () => {
  test.each([
    ['a short string', 'abc', "'abc'"],
    ['an empty string', '', "''"],
    ['an 80-character string', 'a'.repeat(80), `'${'a'.repeat(80)}'`],
    ['an 81-character string', 'a'.repeat(81), 'a string of 81 characters'],
    ['a long string of emoji, counted in code points', '😀'.repeat(100), 'a string of 100 characters'],
    ['a number', 42, '42'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an object', { a: 1, b: 'x' }, '{"a":1,"b":"x"}'],
    ['an array', ['10.0.0.0/16', 2], '["10.0.0.0/16",2]'],
    ['an empty object', {}, '{}'],
    ['a function', () => 1, 'a function'],
    ['a bigint', 10n, '10'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
  ])('describes %s', (_, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  test('summarises long strings without quoting their content', () => {
    const secret = 'x'.repeat(500);
    expect(describeValue(secret)).toBe('a string of 500 characters');
    expect(describeValue(secret)).not.toContain('xxx');
  });

  test('shortens long JSON to 120 characters ending in an ellipsis', () => {
    const value = { list: Array.from({ length: 100 }, (_, i) => i) };
    const described = describeValue(value);
    expect(described).toHaveLength(120);
    expect(described.startsWith('{"list":[0,1,2,')).toBe(true);
    expect(described.endsWith('...')).toBe(true);
  });

  test('keeps JSON of exactly 120 characters whole', () => {
    const value = { k: 'v'.repeat(112) }; // {"k":"vvv..."} is 8 + 112 characters
    expect(JSON.stringify(value)).toHaveLength(120);
    expect(describeValue(value)).toBe(JSON.stringify(value));
  });

  test('falls back to String() for values JSON cannot render', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeValue(circular)).toBe('[object Object]');
  });
});

describe('invalid', () => {
  test('names the prop in backticks, the rule and the value', () => {
    const error = invalid('port', 'must be one of 443, 1194', 80);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('`port` must be one of 443, 1194, got 80');
  });
});

describe('requireOneOf', () => {
  test.each([
    ['a member', 443, [443, 1194]],
    ['another member', 'udp', ['tcp', 'udp']],
    ['undefined', undefined, [443, 1194]],
    ['a number token', Token.asNumber(Fn.importValue('Port')), [443, 1194]],
    ['a string token', Fn.importValue('Protocol'), ['tcp', 'udp']],
  ])('accepts %s', (_, value, allowed) => {
    expect(() => requireOneOf<unknown>('prop', value, allowed)).not.toThrow();
  });

  test.each([
    ['a number outside the list', 'port', 80, [443, 1194], '`port` must be one of 443, 1194, got 80'],
    ['the wrong case', 'transportProtocol', 'TCP', ['tcp', 'udp'], "`transportProtocol` must be one of 'tcp', 'udp', got 'TCP'"],
    ['a string where numbers are allowed', 'port', '443', [443, 1194], "`port` must be one of 443, 1194, got '443'"],
    ['null', 'port', null, [443, 1194], '`port` must be one of 443, 1194, got null'],
  ])('rejects %s', (_, prop, value, allowed, message) => {
    expect(() => requireOneOf<unknown>(prop, value, allowed)).toThrow(new Error(message));
  });
});

describe('requireBoolean', () => {
  test.each([
    ['true', true],
    ['false', false],
    ['undefined', undefined],
    ['a resolvable token', Lazy.any({ produce: () => true })],
    ['a string token', Fn.importValue('Flag')],
  ])('accepts %s', (_, value) => {
    expect(() => requireBoolean('splitTunnel', value)).not.toThrow();
  });

  test.each([
    ["the string 'true'", 'true', "`splitTunnel` must be true or false, got 'true'"],
    ['1', 1, '`splitTunnel` must be true or false, got 1'],
    ['0', 0, '`splitTunnel` must be true or false, got 0'],
    ['null', null, '`splitTunnel` must be true or false, got null'],
    ['an object', { enabled: true }, '`splitTunnel` must be true or false, got {"enabled":true}'],
  ])('rejects %s', (_, value, message) => {
    expect(() => requireBoolean('splitTunnel', value)).toThrow(new Error(message));
  });
});

describe('requireString and requireNonEmptyString', () => {
  test.each([
    ['a string', 'x'],
    ['undefined', undefined],
    ['a string token', Fn.importValue('Text')],
  ])('requireString accepts %s', (_, value) => {
    expect(() => requireString('description', value)).not.toThrow();
  });

  test.each([
    ['a number', 1, '`description` must be a string, got 1'],
    ['an object', { a: 1 }, '`description` must be a string, got {"a":1}'],
    ['null', null, '`description` must be a string, got null'],
  ])('requireString rejects %s', (_, value, message) => {
    expect(() => requireString('description', value)).toThrow(new Error(message));
  });

  test('requireNonEmptyString rejects the empty string', () => {
    expect(() => requireNonEmptyString('accessGroupId', '')).toThrow(new Error("`accessGroupId` must not be empty, got ''"));
  });

  test('requireNonEmptyString still rejects non-strings', () => {
    expect(() => requireNonEmptyString('accessGroupId', 7)).toThrow(new Error('`accessGroupId` must be a string, got 7'));
  });

  test.each([['a string', 'g'], ['undefined', undefined], ['a token', Fn.importValue('Group')]])('requireNonEmptyString accepts %s', (_, value) => {
    expect(() => requireNonEmptyString('accessGroupId', value)).not.toThrow();
  });
});

describe('requireArray', () => {
  test.each([['an array', []], ['undefined', undefined], ['a list token', Token.asList(Fn.importValue('List'))], ['a resolvable', Lazy.any({ produce: () => [] })]])(
    'accepts %s', (_, value) => {
      expect(() => requireArray('dnsServers', value)).not.toThrow();
    });

  test("rejects a string: `dnsServers` must be a list, got '10.0.0.2'", () => {
    expect(() => requireArray('dnsServers', '10.0.0.2')).toThrow(new Error("`dnsServers` must be a list, got '10.0.0.2'"));
  });
});

describe('characterCount', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['😀😀😀', 3],
    ['é', 1], // precomposed U+00E9
    ['e\u0301', 2], // e + combining acute: two code points
    ['👍🏽', 2], // thumbs up + skin tone modifier
    ['日本語', 3],
    ['𝔘𝔫𝔦', 3],
  ])('%p has %i code points', (text, count) => {
    expect(characterCount(text)).toBe(count);
  });

  test('differs from UTF-16 length for astral characters', () => {
    const text = '😀'.repeat(1400);
    expect(text.length).toBe(2800);
    expect(characterCount(text)).toBe(1400);
  });
});

describe('isIpAddress', () => {
  test.each([
    ['10.0.0.2', true],
    ['2001:db8::1', true],
    ['10.0.0.0/16', false],
    ['example.com', false],
    ['', false],
  ])('%p: %s', (value, expected) => {
    expect(isIpAddress(value)).toBe(expected);
  });
});
