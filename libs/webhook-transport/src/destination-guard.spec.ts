import { checkDestinationUrl, checkResolvedDestination, guardedLookup, isForbiddenAddress } from './destination-guard';

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address, strict)).toBe(true);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) => {
    expect(isForbiddenAddress(address, strict)).toBe(false);
  });

  // Every IPv6 form that carries an IPv4 address is judged by that address, however it is written.
  it.each([
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['IPv4-compatible loopback, hex (what URL parsing gives)', '::7f00:1'],
    ['IPv4-compatible metadata', '::a9fe:a9fe'],
    ['IPv4-compatible private', '::10.0.0.1'],
    ['IPv4-compatible 0.0.0.2', '::2'],
    ['IPv4-mapped metadata, hex', '::ffff:a9fe:a9fe'],
    ['IPv4-translated loopback', '::ffff:0:7f00:1'],
    ['NAT64 loopback', '64:ff9b::7f00:1'],
    ['NAT64 private', '64:ff9b::192.168.0.1'],
    ['local-use NAT64, even of a public address', '64:ff9b:1::808:808'],
    ['6to4 of loopback', '2002:7f00:1::'],
    ['6to4 of metadata', '2002:a9fe:a9fe::1'],
    ['Teredo with a private server', '2001:0:a00:1::f7f7:f7f7'],
    ['Teredo with a loopback client', '2001:0:808:808::80ff:fffe'],
  ])('refuses %s (%s)', (_form, address) => {
    expect(isForbiddenAddress(address, strict)).toBe(true);
  });

  it.each([
    ['IPv4-compatible', '::8.8.8.8'],
    ['IPv4-mapped, hex', '::ffff:808:808'],
    ['IPv4-translated', '::ffff:0:808:808'],
    ['NAT64', '64:ff9b::1.1.1.1'],
    ['6to4', '2002:808:808::1'],
    ['Teredo, public server and client', '2001:0:808:808::f7f7:f7f7'],
  ])('allows %s of a public address (%s)', (_form, address) => {
    expect(isForbiddenAddress(address, strict)).toBe(false);
  });

  it('allows loopback only with the explicit allowance, and nothing else private', () => {
    expect(isForbiddenAddress('127.0.0.1', dev)).toBe(false);
    expect(isForbiddenAddress('::1', dev)).toBe(false);
    expect(isForbiddenAddress('10.0.0.1', dev)).toBe(true);
    expect(isForbiddenAddress('169.254.169.254', dev)).toBe(true);
  });
});

describe('checkDestinationUrl', () => {
  it('wants https and no credentials', () => {
    expect(() => checkDestinationUrl('http://example.com/hook', strict)).toThrow('must use https');
    expect(() => checkDestinationUrl('ftp://example.com', strict)).toThrow('must use https');
    expect(() => checkDestinationUrl('https://user:pw@example.com', strict)).toThrow('credentials');
    expect(() => checkDestinationUrl('not a url', strict)).toThrow('not a valid URL');
    expect(checkDestinationUrl('https://example.com/hook', strict).hostname).toBe('example.com');
  });

  it('refuses private IP literals, bracketed IPv6 included', () => {
    expect(() => checkDestinationUrl('https://127.0.0.1/', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://[::ffff:127.0.0.1]/', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://169.254.169.254/latest/meta-data', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://[::127.0.0.1]/', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://[::a9fe:a9fe]/', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://[64:ff9b::a9fe:a9fe]/', strict)).toThrow(/not publicly routable/);
    expect(() => checkDestinationUrl('https://[2002:a00:1::]/', strict)).toThrow(/not publicly routable/);
    expect(checkDestinationUrl('https://[2002:808:808::1]/', strict).hostname).toBe('[2002:808:808::1]');
  });

  it('lets plain http reach loopback only under the allowance', () => {
    expect(() => checkDestinationUrl('http://127.0.0.1:8080/', strict)).toThrow();
    expect(checkDestinationUrl('http://127.0.0.1:8080/', dev).port).toBe('8080');
    expect(() => checkDestinationUrl('http://10.0.0.1/', dev)).toThrow('must use https');
    expect(() => checkDestinationUrl('http://93.184.216.34/', dev)).toThrow('must use https');
  });
});

describe('guardedLookup', () => {
  const resolve = (host: string, policy = strict) =>
    new Promise<unknown>((ok, fail) => guardedLookup(policy)(host, { all: true }, (error, addresses) => (error ? fail(error) : ok(addresses))));

  it('refuses a name that resolves to loopback (the DNS-rebinding case)', async () => {
    await expect(resolve('localhost')).rejects.toThrow(/not publicly routable/);
    await expect(checkResolvedDestination('https://localhost/hook', strict)).rejects.toThrow(/not publicly routable/);
  });

  it('passes it with the loopback allowance', async () => {
    await expect(resolve('localhost', dev)).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });
});
