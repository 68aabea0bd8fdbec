import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppError} from './errors';
import { BadRequestError, NotFoundError, toAppError } from './errors';
import { parseOrThrow } from './validation';

describe('errors', () => {
  it('render the one error shape with the right status', () => {
    const e = new NotFoundError('no such user');
    expect(e.status).toBe(404);
    expect(e.toBody()).toEqual({ error: { code: 'not_found', message: 'no such user' } });
  });
  it('hide unknown errors behind internal and keep the cause', () => {
    const cause = new Error('db password is hunter2');
    const e = toAppError(cause);
    expect(e.code).toBe('internal');
    expect(e.status).toBe(500);
    expect(JSON.stringify(e.toBody())).not.toContain('hunter2');
    expect(e.cause).toBe(cause);
  });
  it('parseOrThrow names paths but never echoes values', () => {
    try {
      parseOrThrow(z.object({ n: z.number() }), { n: 'secret-value' }, 'body');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestError);
      const body = (err as AppError).toBody();
      expect(body.error.message).toBe('invalid body');
      expect(JSON.stringify(body)).not.toContain('secret-value');
      expect(body.error.details).toEqual([{ path: 'n', message: expect.any(String) }]);
    }
  });
});
