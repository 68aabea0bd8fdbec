import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoParameterError } from './errors';
import { MIN_BACKUP_ITERATIONS, pbkdf2Sha256 } from './pbkdf2';
import { randomBytes } from './random';

const password = new TextEncoder().encode('correct horse battery staple, twice');

describe('pbkdf2Sha256', () => {
  it('agrees with node:crypto at the backup iteration count', async () => {
    expect(MIN_BACKUP_ITERATIONS).toBe(600_000);
    const salt = randomBytes(16);
    const dk = await pbkdf2Sha256(password, { salt, iterations: MIN_BACKUP_ITERATIONS, byteLength: 32 });
    expect(Buffer.from(dk)).toEqual(pbkdf2Sync(password, salt, MIN_BACKUP_ITERATIONS, 32, 'sha256'));
  });

  it('the iteration count and salt change the key', async () => {
    const salt = randomBytes(16);
    const a = await pbkdf2Sha256(password, { salt, iterations: 1000, byteLength: 32 });
    const b = await pbkdf2Sha256(password, { salt, iterations: 1001, byteLength: 32 });
    const c = await pbkdf2Sha256(password, { salt: randomBytes(16), iterations: 1000, byteLength: 32 });
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses non-positive or fractional iterations and bad lengths', async () => {
    const salt = randomBytes(16);
    for (const iterations of [0, -1, 1.5, Number.NaN, 2 ** 32]) {
      await expect(pbkdf2Sha256(password, { salt, iterations, byteLength: 32 })).rejects.toBeInstanceOf(CryptoParameterError);
    }
    for (const byteLength of [0, 1025, 2.5]) {
      await expect(pbkdf2Sha256(password, { salt, iterations: 1, byteLength })).rejects.toBeInstanceOf(CryptoParameterError);
    }
  });
});
