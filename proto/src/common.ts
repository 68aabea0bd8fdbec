import { z } from 'zod';

/** A UUID (any version) in canonical lowercase-insensitive form. */
export const Uuid = z.uuid();
export type Uuid = z.infer<typeof Uuid>;

/** UUIDv7: client-generated message ids, time-ordered. */
export const UuidV7 = z.uuid({ version: 'v7' });

/** Unpadded base64url, as produced by the client SDK for every binary field. */
export const Base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

/** Base64url of exactly `bytes` bytes. */
export const base64UrlOfBytes = (bytes: number) =>
  Base64Url.length(Math.ceil((bytes * 4) / 3), `must encode exactly ${bytes} bytes`);

/** Characters of unpadded base64url that encode `bytes` bytes. */
export const base64UrlChars = (bytes: number) => Math.ceil((bytes * 4) / 3);

/**
 * Base64url of `minBytes..maxBytes` bytes. A length of 4k+1 characters encodes no whole number of bytes and is
 * refused, so every accepted string decodes.
 */
export const base64UrlOfAtMostBytes = (maxBytes: number, minBytes = 1) =>
  Base64Url.min(base64UrlChars(minBytes), `must encode at least ${minBytes} bytes`)
    .max(base64UrlChars(maxBytes), `must encode at most ${maxBytes} bytes`)
    .refine((s) => s.length % 4 !== 1, 'is not a whole number of bytes');

/**
 * Usernames: 3-32 characters, lowercase letters, digits, `_`, `.` and `-`, starting with a letter or digit.
 * Uniqueness is case-insensitive; the canonical form is lowercase.
 */
export const Username = z
  .string()
  .trim()
  .min(3, 'username must be at least 3 characters')
  .max(32, 'username must be at most 32 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'username may contain letters, digits, "_", "." and "-", starting with a letter or digit')
  .transform((s) => s.toLowerCase());

/** Shortest password accepted for a new account or a password change (NIST SP 800-63B-4, single-factor). */
export const PASSWORD_MIN_CHARS = 15;
/** Longest password accepted (NIST asks for at least 64). */
export const PASSWORD_MAX_CHARS = 256;

/**
 * NIST SP 800-63B-4: length, not composition. 15..256 characters counted as Unicode code points, any characters
 * (spaces and emoji included), no rules about character classes. Context checks (not the username, not a single
 * repeated character, not the product name) need the username and live in the auth service's password policy.
 */
export const Password = z
  .string()
  .refine((s) => [...s].length >= PASSWORD_MIN_CHARS, `password must be at least ${PASSWORD_MIN_CHARS} characters`)
  .refine((s) => [...s].length <= PASSWORD_MAX_CHARS, `password must be at most ${PASSWORD_MAX_CHARS} characters`);

/** Stable machine-readable error codes, shared by HTTP, WebSocket and NATS RPC. */
export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error body used everywhere: `{ "error": { "code", "message", "details"? } }`. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** HTTP status for each error code. */
export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A sender key's epoch (protocol v1): u32 on the wire, numbered per sending device and conversation. */
export const Epoch = z.number().int().min(0).max(0xffff_ffff);

/** ISO-8601 timestamp string. */
export const Timestamp = z.iso.datetime({ offset: true });
