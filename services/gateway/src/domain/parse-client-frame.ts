import { ClientFrame, type ErrorFrame } from '@cipherlink/proto';
import { describeIssues } from '@cipherlink/kit';

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

const MAX_REF_CHARS = 64;

/**
 * Decode one WebSocket message into a validated ClientFrame, or the ErrorFrame to answer it with. Binary frames,
 * non-JSON text and schema violations are all `bad_request`; the error echoes the frame's `id` as `ref` when it has
 * a short string one, so a client can match the failure to what it sent. The rejected value is never echoed.
 */
export function parseClientFrame(data: Buffer | ArrayBuffer | Buffer[] | string, isBinary: boolean): ParsedFrame {
  if (isBinary) return badRequest('binary frames are not supported');
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : toBuffer(data).toString('utf8'));
  } catch {
    return badRequest('frame is not valid JSON');
  }
  const ref = refOf(json);
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) {
    const first = describeIssues(parsed.error)[0];
    const where = first ? `${first.path || '(frame)'}: ${first.message}` : 'invalid frame';
    return badRequest(`invalid frame (${where})`, ref);
  }
  return { ok: true, frame: parsed.data };
}

/**
 * The `id` of a frame that will not be handled (dropped by the rate limit), so its error can carry a `ref`; undefined
 * for binary, non-JSON or id-less frames. Nothing else of the frame is looked at.
 */
export function frameRef(data: Buffer | ArrayBuffer | Buffer[] | string, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  try {
    return refOf(JSON.parse(typeof data === 'string' ? data : toBuffer(data).toString('utf8')));
  } catch {
    return undefined;
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function refOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const id = (json as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_REF_CHARS ? id : undefined;
}

function badRequest(message: string, ref?: string): ParsedFrame {
  return { ok: false, error: { type: 'error', code: 'bad_request', message, ...(ref === undefined ? {} : { ref }) } };
}
