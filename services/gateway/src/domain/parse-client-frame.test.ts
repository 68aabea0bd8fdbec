import { describe, expect, it } from 'vitest';
import { frameRef, parseClientFrame } from './parse-client-frame';

const uuid = '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10';
const conv = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const envelope = { v: 0, senderDeviceId: conv, recipientDeviceId: conv, iv: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(22) };

describe('parseClientFrame', () => {
  it('accepts a valid ping and a valid message.send', () => {
    expect(parseClientFrame('{"type":"ping"}', false)).toEqual({ ok: true, frame: { type: 'ping' } });
    const send = parseClientFrame(Buffer.from(JSON.stringify({ type: 'message.send', id: uuid, conversationId: conv, envelope })), false);
    expect(send.ok && send.frame.type).toBe('message.send');
  });

  it('rejects binary frames', () => {
    expect(parseClientFrame(Buffer.from('{"type":"ping"}'), true)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('rejects non-JSON text without a ref', () => {
    const r = parseClientFrame('{not json', false);
    expect(r).toMatchObject({ ok: false, error: { type: 'error', code: 'bad_request', message: 'frame is not valid JSON' } });
    expect(!r.ok && r.error.ref).toBeUndefined();
  });

  it('rejects unknown types and echoes the id as ref', () => {
    const r = parseClientFrame(JSON.stringify({ type: 'teleport', id: 'abc' }), false);
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request', ref: 'abc' } });
  });

  it('rejects a message.send with a non-v7 id, keeping the ref', () => {
    const bad = { type: 'message.send', id: conv, conversationId: conv, envelope };
    expect(parseClientFrame(JSON.stringify(bad), false)).toMatchObject({ ok: false, error: { code: 'bad_request', ref: conv } });
  });

  it('rejects extra fields (strict frames) and JSON that is not an object', () => {
    expect(parseClientFrame('{"type":"ping","x":1}', false).ok).toBe(false);
    expect(parseClientFrame('[1,2]', false).ok).toBe(false);
    expect(parseClientFrame('null', false).ok).toBe(false);
  });

  it('ignores ids that are not short strings for ref', () => {
    const r = parseClientFrame(JSON.stringify({ type: 'x', id: 'z'.repeat(65) }), false);
    expect(!r.ok && r.error.ref).toBeUndefined();
  });

  it('handles fragmented buffers', () => {
    expect(parseClientFrame([Buffer.from('{"type":'), Buffer.from('"ping"}')], false).ok).toBe(true);
  });
});

describe('frameRef', () => {
  it('reads a short string id from any JSON object frame, valid or not', () => {
    expect(frameRef(JSON.stringify({ type: 'message.send', id: uuid }), false)).toBe(uuid);
    expect(frameRef(Buffer.from('{"type":"teleport","id":"frame-7"}'), false)).toBe('frame-7');
  });
  it('is undefined for binary, non-JSON, id-less and over-long ids', () => {
    expect(frameRef(Buffer.from('{"id":"x"}'), true)).toBeUndefined();
    expect(frameRef('{not json', false)).toBeUndefined();
    expect(frameRef('{"type":"ping"}', false)).toBeUndefined();
    expect(frameRef(JSON.stringify({ id: 'x'.repeat(65) }), false)).toBeUndefined();
    expect(frameRef('["id"]', false)).toBeUndefined();
  });
});
