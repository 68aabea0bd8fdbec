import { type ErrorBody, type ErrorCode, httpStatusOf } from '@cipherlink/proto';

/**
 * An error that is safe to show to a client: a stable code, a human message and optional details.
 * Anything else that escapes a handler is reported as `internal` with a generic message; the cause goes to the log.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get status(): number {
    return httpStatusOf[this.code];
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export class BadRequestError extends AppError {
  override name = 'BadRequestError';
  constructor(message: string, details?: unknown) {
    super('bad_request', message, details);
  }
}
export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(message = 'authentication required', options?: { cause?: unknown }) {
    super('unauthorized', message, undefined, options);
  }
}
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message = 'forbidden') {
    super('forbidden', message);
  }
}
export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(message = 'not found') {
    super('not_found', message);
  }
}
export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}
export class RateLimitedError extends AppError {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'too many requests', { retryAfterSeconds });
  }
}
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  constructor(message = 'service unavailable', options?: { cause?: unknown }) {
    super('unavailable', message, undefined, options);
  }
}

/** Turn any thrown value into a client-safe AppError (unknown errors become `internal`). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('internal', 'internal error', undefined, { cause: err });
}
