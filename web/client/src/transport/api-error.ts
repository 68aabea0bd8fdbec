import { ErrorBody, type ErrorCode } from '@cipherlink/proto';

/** A failed REST call: HTTP status (0 when the network failed) plus the server's stable error code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Build from a non-2xx response body; falls back to a code derived from the status when the body is not ours. */
  static fromResponse(status: number, body: unknown): ApiError {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) return new ApiError(status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    return new ApiError(status, codeForStatus(status), `request failed with status ${status}`);
  }
}

/** The response was 2xx but did not match its proto schema (server and client disagree on the contract). */
export class InvalidResponseError extends Error {
  override name = 'InvalidResponseError';
  constructor(
    readonly path: string,
    readonly issues: unknown,
  ) {
    super(`response of ${path} does not match its contract`);
  }
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'internal';
  }
}
