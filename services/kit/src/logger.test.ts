import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ name: 't', level: 'debug', destination }), text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('never writes secrets, tokens, ciphertext or key material', () => {
    const { logger, text } = capture();
    logger.info({ password: 'hunter2-secret', token: 'tok-secret', accessToken: 'at-secret', refreshToken: 'rt-secret' }, 'a');
    logger.info({ body: { password: 'nested-secret' }, envelope: { ct: 'ct-secret' }, jwk: { d: 'd-secret' } }, 'b');
    logger.info({ message: { envelope: { iv: 'iv-secret', ct: 'ct2-secret' } } }, 'c');
    logger.info({ req: { method: 'POST', url: '/api/auth/login?x=query-secret', headers: { authorization: 'Bearer h-secret' } } }, 'd');
    const out = text();
    for (const secret of ['hunter2', 'tok-secret', 'at-secret', 'rt-secret', 'nested-secret', 'ct-secret', 'd-secret', 'ct2-secret', 'iv-secret', 'query-secret', 'h-secret']) {
      expect(out, secret).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out).toContain('/api/auth/login');
  });
});
