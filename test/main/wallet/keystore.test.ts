import { describe, expect, it } from 'vitest';
import { privateKeyToAddress } from 'viem/accounts';
import { decryptKeystore, encryptKeystore, KeystoreError } from '../../../src/main/wallet/keystore';

const fast = { n: 2 ** 10, r: 8, p: 1 };

// The PBKDF2 vector of the Web3 Secret Storage Definition (ethereum.org), as go-ethereum's
// accounts/keystore/testdata/v3_test_vector.json carries it. The spec's scrypt vector uses n = 2^18 with r = 1,
// which breaks RFC 7914 (n < 2^(16·r)); OpenSSL (node:crypto) refuses it, so the scrypt path is checked against
// go-ethereum's own scrypt keystores below instead.
const specPbkdf2 = {
  json: {
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: '6087dab2f9fdbbfaddc31a909735c1e6' },
      ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
      kdf: 'pbkdf2',
      kdfparams: {
        c: 262144,
        dklen: 32,
        prf: 'hmac-sha256',
        salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd',
      },
      mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
    },
    id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
    version: 3,
  },
  password: 'testpassword',
  priv: '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d',
};

// go-ethereum accounts/keystore/testdata/keystore/aaa (password "foobar"): scrypt n = 8, r = 8, p = 16.
const gethScrypt = {
  address: 'f466859ead1932d743d622cb74fc058882e8648a',
  crypto: {
    cipher: 'aes-128-ctr',
    ciphertext: 'cb664472deacb41a2e995fa7f96fe29ce744471deb8d146a0e43c7898c9ddd4d',
    cipherparams: { iv: 'dfd9ee70812add5f4b8f89d0811c9158' },
    kdf: 'scrypt',
    kdfparams: {
      dklen: 32,
      n: 8,
      p: 16,
      r: 8,
      salt: '0d6769bf016d45c479213990d6a08d938469c4adad8a02ce507b4a4e7b7739f1',
    },
    mac: 'bac9af994b15a45dd39669fc66f9aa8a3b9dd8c22cb16e4d8d7ea089d0f1a1a9',
  },
  id: '472e8b3d-afb6-45b5-8111-72c89895099a',
  version: 3,
};

// go-ethereum v3_test_vector.json "31_byte_key": a key stored without its leading zero byte.
const geth31 = {
  json: {
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: 'e0c41130a323adc1446fc82f724bca2f' },
      ciphertext: '9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984',
      kdf: 'scrypt',
      kdfparams: {
        dklen: 32,
        n: 2,
        r: 8,
        p: 1,
        salt: '711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63',
      },
      mac: 'd5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5',
    },
    id: 'fecfc4ce-e956-48fd-953b-30f8b52ed66c',
    version: 3,
  },
  password: 'foo',
  priv: '0x00fa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35',
};

describe('Web3 secret storage v3 keystore', () => {
  it('opens the spec’s PBKDF2 test vector', async () => {
    expect(await decryptKeystore(specPbkdf2.json, specPbkdf2.password)).toBe(specPbkdf2.priv);
  });

  it('opens a go-ethereum scrypt keystore and finds its address', async () => {
    const key = await decryptKeystore(gethScrypt, 'foobar');
    expect(privateKeyToAddress(key).toLowerCase()).toBe(`0x${gethScrypt.address}`);
  });

  it('left-pads a key stored in 31 bytes', async () => {
    expect(await decryptKeystore(geth31.json, geth31.password)).toBe(geth31.priv);
  });

  it('round-trips its own keystores, with a fresh salt and IV each time', async () => {
    const key = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
    const a = await encryptKeystore(key, 'correct horse', fast);
    const b = await encryptKeystore(key, 'correct horse', fast);
    expect(a.crypto.kdf).toBe('scrypt');
    expect(a.address).toBe(privateKeyToAddress(key).slice(2).toLowerCase());
    expect(a.crypto.ciphertext).not.toBe(b.crypto.ciphertext);
    expect(JSON.stringify(a)).not.toContain(key.slice(2));
    expect(await decryptKeystore(JSON.parse(JSON.stringify(a)), 'correct horse')).toBe(key);
  });

  it('tells a wrong passphrase from a damaged file', async () => {
    const ks = await encryptKeystore(
      '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
      'pw-12345678',
      fast,
    );
    await expect(decryptKeystore(ks, 'pw-87654321')).rejects.toMatchObject({
      failure: 'wrong-passphrase',
      code: 'BAD_INPUT',
      shortMessage: 'Wrong passphrase.',
    });
    await expect(
      decryptKeystore({ ...ks, crypto: { ...ks.crypto, mac: 'zz' } }, 'pw-12345678'),
    ).rejects.toMatchObject({
      failure: 'damaged',
      code: 'IO_FAILED',
    });
    // A flipped ciphertext byte fails the MAC: the keystore cannot tell that from a wrong passphrase, and says so
    // as a wrong passphrase rather than decrypting garbage.
    const flipped = ks.crypto.ciphertext.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await expect(
      decryptKeystore({ ...ks, crypto: { ...ks.crypto, ciphertext: flipped } }, 'pw-12345678'),
    ).rejects.toBeInstanceOf(KeystoreError);
    // An address that does not belong to the key is damage, not a key to use.
    await expect(
      decryptKeystore({ ...ks, address: '0000000000000000000000000000000000000001' }, 'pw-12345678'),
    ).rejects.toMatchObject({ failure: 'damaged' });
  });

  it('refuses parameters that would take gigabytes or an unknown KDF', async () => {
    await expect(
      decryptKeystore(
        {
          ...gethScrypt,
          crypto: { ...gethScrypt.crypto, kdfparams: { ...gethScrypt.crypto.kdfparams, n: 2 ** 30 } },
        },
        'x',
      ),
    ).rejects.toMatchObject({ failure: 'damaged' });
    await expect(
      decryptKeystore({ ...gethScrypt, crypto: { ...gethScrypt.crypto, kdf: 'argon2' } }, 'x'),
    ).rejects.toMatchObject({ failure: 'unsupported' });
  });
});
