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
