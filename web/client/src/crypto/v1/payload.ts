/**
 * The plaintext of a v1 message: everything the user authors (text, reply reference and quote, reactions, edits,
 * delete intents) and nothing the server needs. Plain TypeScript types (no zod: this runs before any schema
 * library is loaded and must not accept what it does not know).
 *
 * Encoding: UTF-8 JSON with fixed member names and order, produced by `encodePayload` only (docs/protocol-v1.md,
 * "Plaintext"). `decodePayload` is strict: exact members per type, UUID message ids in lowercase, length limits,
 * well-formed Unicode, and the input must be byte-for-byte what `encodePayload` makes of the result (so duplicate
 * members, other member orders, whitespace and alternative escapes are refused). Then padded (padding.ts).
 */
import { canonicalUuid, fromUtf8, hasLoneSurrogate, isUuid, utf8 } from './bytes';
import { CryptoParameterError, InvalidPayloadError } from './errors';
import { padPlaintext, unpadPlaintext } from './padding';
import type { Bytes } from './webcrypto';

/**
 * Largest encoded payload: padded it fills the 32 KiB bucket, whose ciphertext (32,784 bytes) is the largest that
 * fits proto's envelope limit (MAX_CIPHERTEXT_CHARS, 48 KiB). Raise both together.
 */
export const MAX_PAYLOAD_BYTES = 32_767;
/** Longest quote kept with a reply, in UTF-16 code units (a preview, not a copy of the message). */
export const MAX_QUOTE_CHARS = 4096;
/** Longest reaction, in UTF-16 code units (room for long emoji ZWJ and tag sequences). */
export const MAX_REACTION_CHARS = 64;

/** The message this one answers, with an optional quoted excerpt. */
export interface ReplyReference {
  messageId: string;
  quote?: string;
}

export interface TextPayload {
  type: 'text';
  text: string;
  reply?: ReplyReference;
}

/** Add or remove one reaction of the sender to a message. */
export interface ReactionPayload {
  type: 'reaction';
  messageId: string;
  emoji: string;
  remove: boolean;
}

/** Replace the text of one of the sender's earlier messages. */
export interface EditPayload {
  type: 'edit';
  messageId: string;
  text: string;
}

/** Ask the members' clients to delete one of the sender's earlier messages. */
export interface DeletePayload {
  type: 'delete';
  messageId: string;
}

export type MessagePayload = TextPayload | ReactionPayload | EditPayload | DeletePayload;

/** The canonical UTF-8 JSON of a payload; CryptoParameterError if a field breaks a rule. */
export function encodePayload(payload: MessagePayload): Bytes {
  const bytes = utf8(JSON.stringify(wireForm(payload)));
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new CryptoParameterError(`the message is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  return bytes;
}

/** Parse a payload strictly (see the module comment); InvalidPayloadError for anything else. */
export function decodePayload(bytes: Uint8Array): MessagePayload {
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new InvalidPayloadError('payload is too large');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    throw new InvalidPayloadError('payload is not UTF-8 JSON', { cause: err });
  }
  const payload = fromWire(json);
  let canonical: Bytes;
  try {
    canonical = encodePayload(payload);
  } catch (err) {
    throw new InvalidPayloadError('payload breaks a field rule', { cause: err });
  }
  if (!sameBytes(canonical, bytes)) throw new InvalidPayloadError('payload is not in canonical form');
  return payload;
}

/** Plain equality (the payload is not secret from its own sender, the only one who can shape it). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** encodePayload + padPlaintext: the bytes that get encrypted. */
export function encodePaddedPayload(payload: MessagePayload): Bytes {
  return padPlaintext(encodePayload(payload));
}

/** unpadPlaintext + decodePayload. */
export function decodePaddedPayload(padded: Uint8Array): MessagePayload {
  return decodePayload(unpadPlaintext(padded));
}

function wireForm(p: MessagePayload): Record<string, unknown> {
  switch (p.type) {
    case 'text': {
      const out: Record<string, unknown> = { t: 'text', text: text(p.text, 'text') };
      if (p.reply !== undefined) {
        const reply: Record<string, unknown> = { id: canonicalUuid(p.reply.messageId, 'reply message id') };
        if (p.reply.quote !== undefined) reply.quote = text(p.reply.quote, 'quote', MAX_QUOTE_CHARS);
        out.reply = reply;
      }
      return out;
    }
    case 'reaction':
      if (typeof p.remove !== 'boolean') throw new CryptoParameterError('remove must be a boolean');
      return { t: 'reaction', id: canonicalUuid(p.messageId, 'reaction message id'), emoji: text(p.emoji, 'emoji', MAX_REACTION_CHARS), remove: p.remove };
    case 'edit':
      return { t: 'edit', id: canonicalUuid(p.messageId, 'edited message id'), text: text(p.text, 'text') };
    case 'delete':
      return { t: 'delete', id: canonicalUuid(p.messageId, 'deleted message id') };
    default:
      throw new CryptoParameterError('unknown payload type');
  }
}

/** A non-empty, well-formed string of at most `max` UTF-16 code units. */
function text(value: unknown, what: string, max = MAX_PAYLOAD_BYTES): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || hasLoneSurrogate(value)) {
    throw new CryptoParameterError(`${what} must be a non-empty well-formed string of at most ${max} characters`);
  }
  return value;
}

function fromWire(json: unknown): MessagePayload {
  const o = object(json, 'payload');
  switch (o.t) {
    case 'text': {
      members(o, ['t', 'text'], ['reply']);
      const payload: TextPayload = { type: 'text', text: string(o.text, 'text') };
      if ('reply' in o) {
        const r = object(o.reply, 'reply');
        members(r, ['id'], ['quote']);
        payload.reply = { messageId: id(r.id) };
        if ('quote' in r) payload.reply.quote = string(r.quote, 'quote');
      }
      return payload;
    }
    case 'reaction':
      members(o, ['t', 'id', 'emoji', 'remove'], []);
      if (typeof o.remove !== 'boolean') throw new InvalidPayloadError('remove must be a boolean');
      return { type: 'reaction', messageId: id(o.id), emoji: string(o.emoji, 'emoji'), remove: o.remove };
    case 'edit':
      members(o, ['t', 'id', 'text'], []);
      return { type: 'edit', messageId: id(o.id), text: string(o.text, 'text') };
    case 'delete':
      members(o, ['t', 'id'], []);
      return { type: 'delete', messageId: id(o.id) };
    default:
      throw new InvalidPayloadError('unknown payload type');
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidPayloadError(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function members(o: Record<string, unknown>, required: string[], optional: string[]): void {
  for (const k of required) if (!(k in o)) throw new InvalidPayloadError(`payload member ${k} is missing`);
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) throw new InvalidPayloadError('payload has an unknown member');
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidPayloadError(`${what} must be a string`);
  return value;
}

function id(value: unknown): string {
  if (!isUuid(value) || value !== value.toLowerCase()) throw new InvalidPayloadError('message ids must be lowercase UUIDs');
  return value;
}
