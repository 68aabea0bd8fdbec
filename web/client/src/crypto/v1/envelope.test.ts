import { describe, expect, it } from 'vitest';
import { messageHeaderBytes, messageSignedBytes, parseEnvelopeV1, toEnvelopeV1, type EnvelopeV1, type MessageHeader } from './envelope';
import { MessageRejectedError } from './errors';

const header: MessageHeader = {
  conversationId: '0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b',
  epoch: 0x01020304,
  senderDeviceId: '11111111-2222-4333-8444-555555555555',
  messageId: '0190a6b2-0000-7000-8000-000000000001',
  chainIndex: 0xfffffffe,
  prev: new Uint8Array(32).fill(0xab),
};
const iv = new Uint8Array(12).fill(7);
const ct = new Uint8Array(256 + 16).fill(9);
const sig = new Uint8Array(64).fill(5);

function code(json: unknown): string {
  try {
    parseEnvelopeV1(json);
    return 'accepted';
  } catch (e) {
    return e instanceof MessageRejectedError ? e.code : String(e);
  }
}

describe('v1 envelope', () => {
  it('header bytes: label, version, conversation, epoch, sender device, message id, chain index, prev', () => {
    const label = 'cipherlink/v1/message-header';
    const expected = Buffer.concat([
      Buffer.from([label.length]),
      Buffer.from(label),
      Buffer.from([1]),
      Buffer.from('0190a6b23c4d7e5f8a9b0c1d2e3f4a5b', 'hex'),
      Buffer.from('01020304', 'hex'),
      Buffer.from('11111111222243338444555555555555', 'hex'),
      Buffer.from('0190a6b2000070008000000000000001', 'hex'),
      Buffer.from('fffffffe', 'hex'),
      Buffer.alloc(32, 0xab),
    ]);
    expect(expected.length).toBe(118);
    expect(Buffer.from(messageHeaderBytes(header)).equals(expected)).toBe(true);
    const signed = messageSignedBytes(messageHeaderBytes(header), iv, ct);
    const sigLabel = 'cipherlink/v1/message-signature';
    expect(Buffer.from(signed).equals(Buffer.concat([Buffer.from([sigLabel.length]), Buffer.from(sigLabel), expected, iv, ct]))).toBe(true);
  });

  it('JSON round trip; uppercase ids come back canonical', () => {
    const env = toEnvelopeV1({ header: { ...header, conversationId: header.conversationId.toUpperCase() }, iv, ciphertext: ct, signature: sig });
    expect(env.conversationId).toBe(header.conversationId);
    const parsed = parseEnvelopeV1(JSON.parse(JSON.stringify(env)));
    expect(parsed.header).toEqual(header);
    expect(parsed.iv).toEqual(iv);
    expect(parsed.ciphertext).toEqual(ct);
    expect(parsed.signature).toEqual(sig);
  });

  it('conversation and message ids may travel beside the envelope: then they come from the routing', () => {
    const env = toEnvelopeV1({ header, iv, ciphertext: ct, signature: sig });
    const { conversationId: _c, messageId: _m, ...bare } = env;
    const routing = { conversationId: header.conversationId.toUpperCase(), messageId: header.messageId };
    expect(parseEnvelopeV1(bare, routing).header).toEqual(header);
    // When present, the envelope's own ids are what the header holds (the receiver then compares them with the routing).
    expect(parseEnvelopeV1(env, { ...routing, messageId: '0190a6b2-0000-7000-8000-000000000009' }).header).toEqual(header);
  });

  it('the parser refuses every other shape', () => {
    const env: Required<EnvelopeV1> = toEnvelopeV1({ header, iv, ciphertext: ct, signature: sig });
    const b64 = (n: number) => Buffer.alloc(n).toString('base64url');
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...env, v: 0 },
      { ...env, v: '1' },
      { ...env, extra: true },
      (({ sig: _s, ...rest }) => rest)(env),
      { ...env, conversationId: 'nope' },
      { ...env, messageId: `${env.messageId} ` },
      { ...env, epoch: -1 },
      { ...env, epoch: 2 ** 32 },
      { ...env, epoch: 1.5 },
      { ...env, epoch: '1' },
      { ...env, chainIndex: 2 ** 32 },
      (({ prev: _p, ...rest }) => rest)(env),
      { ...env, prev: b64(31) },
      { ...env, prev: b64(33) },
      { ...env, prev: null },
      { ...env, iv: b64(11) },
      { ...env, iv: b64(16) },
      { ...env, sig: b64(63) },
      { ...env, sig: b64(72) },
      { ...env, ct: b64(16) },
      { ...env, ct: b64(300) },
      { ...env, ct: `${env.ct}=` },
      { ...env, ct: env.ct.replace(/.$/, '+') },
    ];
    for (const b of bad) expect([b, code(b)]).toEqual([b, 'malformed']);
    const { conversationId: _c, messageId: _m, ...bare } = env;
    expect(code(bare)).toBe('malformed'); // ids neither in the envelope nor given by the routing
    expect(code((({ messageId: _x, ...rest }) => rest)(env))).toBe('malformed');
    expect(code(env)).toBe('accepted');
    expect(code({ ...env, ct: b64(512 + 16) })).toBe('accepted');
  });
});
