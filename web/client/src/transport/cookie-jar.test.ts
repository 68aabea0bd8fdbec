import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar';

describe('CookieJar', () => {
  it('stores, path-matches, replaces and expires cookies', () => {
    let now = 1_000_000;
    const jar = new CookieJar(() => now);
    jar.store(['cl_rt=one; Path=/api/auth; HttpOnly; Max-Age=60'], '/api/auth/login');
    expect(jar.header('/api/auth/refresh')).toBe('cl_rt=one');
    expect(jar.header('/api/auth')).toBe('cl_rt=one');
    expect(jar.header('/api/authx')).toBeUndefined();
    expect(jar.header('/api/messages/x')).toBeUndefined();
    jar.store(['cl_rt=two; Path=/api/auth; Max-Age=60'], '/api/auth/refresh');
    expect(jar.header('/api/auth/refresh')).toBe('cl_rt=two');
    now += 61_000;
    expect(jar.header('/api/auth/refresh')).toBeUndefined();
  });

  it('deletes a cookie cleared by the server (Max-Age=0 or a past Expires)', () => {
    const jar = new CookieJar();
    jar.store(['cl_rt=x; Path=/api/auth'], '/api/auth/login');
    jar.store(['cl_rt=; Path=/api/auth; Max-Age=0'], '/api/auth/logout');
    expect(jar.header('/api/auth/refresh')).toBeUndefined();
    jar.store(['a=1; Path=/'], '/');
    jar.store(['a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], '/');
    expect(jar.header('/')).toBeUndefined();
  });

  it('defaults the path to the request directory', () => {
    const jar = new CookieJar();
    jar.store(['s=1'], '/api/auth/login');
    expect(jar.header('/api/auth/refresh')).toBe('s=1');
    expect(jar.header('/api/directory')).toBeUndefined();
  });
});
