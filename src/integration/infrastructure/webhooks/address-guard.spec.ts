import type { LookupAddress } from 'node:dns';
import {
  checkHostname,
  forbiddenAddress,
  ForbiddenAddressError,
  guardedLookup,
} from './address-guard';
import type { Resolve } from './address-guard';

const resolvingTo =
  (...addresses: string[]): Resolve =>
  (_hostname, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('forbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '224.0.0.1',
    '255.255.255.255',
  ])('refuses %s', (address) => {
    expect(forbiddenAddress(address)).toBeDefined();
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(forbiddenAddress(address)).toBeUndefined();
    },
  );
});

describe('guardedLookup (the address connected to)', () => {
  const lookup = (resolve: Resolve, all: boolean) =>
    new Promise<{ error: unknown; address: string | LookupAddress[] }>((done) =>
      guardedLookup(resolve)('hooks.example', { all }, (error, address) =>
        done({ error, address }),
      ),
    );

  it('passes public addresses through, one or all as asked', async () => {
    expect(await lookup(resolvingTo('93.184.215.14'), false)).toEqual({
      error: null,
      address: '93.184.215.14',
    });
    expect((await lookup(resolvingTo('93.184.215.14', '8.8.8.8'), true)).address).toHaveLength(2);
  });

  it('refuses a name that resolves (or rebinds) to a private or metadata address', async () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1']) {
      const { error } = await lookup(resolvingTo('93.184.215.14', address), false);
      expect(error).toBeInstanceOf(ForbiddenAddressError);
    }
  });

  it('checkHostname says why a name is refused', async () => {
    expect(await checkHostname('x', resolvingTo('10.0.0.1'))).toBe('10.0.0.1 is a private address');
    expect(await checkHostname('x', resolvingTo('8.8.8.8'))).toBeUndefined();
  });
});
