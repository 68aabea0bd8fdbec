import { describe, expect, it } from 'vitest';
import type { ClientFrame, KeyPackageUpload } from '@cipherlink/proto';
import { SendRejectedError } from '../errors';
import { KeyFrames, PACKAGES_PER_FRAME } from './key-frames';

const CONV = '0190a6e0-0000-4000-8000-0000000000c1';
const pkg = (i: number): KeyPackageUpload => ({ recipientDeviceId: `0190a6e0-0000-4000-8000-${String(i).padStart(12, '0')}`, blob: 'AAAA' });

describe('KeyFrames', () => {
  it('splits a distribution into frames and resolves when each is answered by keys.distributed', async () => {
    const sent: ClientFrame[] = [];
    const frames: KeyFrames = new KeyFrames({
      sendFrame: async (f) => {
        sent.push(f);
        if (f.type === 'keys.distribute') queueMicrotask(() => frames.onFrame({ type: 'keys.distributed', id: f.id, conversationId: CONV, epoch: f.epoch, stored: [], refused: [] }));
      },
    });
    await frames.distribute(CONV, 2, Array.from({ length: PACKAGES_PER_FRAME + 5 }, (_, i) => pkg(i)));
    expect(sent.map((f) => (f.type === 'keys.distribute' ? f.packages.length : 0))).toEqual([PACKAGES_PER_FRAME, 5]);
    expect(new Set(sent.map((f) => (f as { id: string }).id)).size).toBe(2);
  });

  it('rejects on an error frame naming it, waits out rate limits, and gives up on silence', async () => {
    let answer: 'forbidden' | 'rate_limited' = 'forbidden';
    const sent: ClientFrame[] = [];
    const frames: KeyFrames = new KeyFrames({
      timeoutMs: 50,
      sendFrame: async (f) => {
        sent.push(f);
        const id = (f as { id: string }).id;
        if (answer === 'forbidden') queueMicrotask(() => frames.onFrame({ type: 'error', code: 'forbidden', message: 'not a member', ref: id }));
        else if (sent.length === 1) queueMicrotask(() => frames.onFrame({ type: 'error', code: 'rate_limited', message: 'slow down', ref: id, retryAfterSeconds: 0 }));
        else queueMicrotask(() => frames.onFrame({ type: 'keys.distributed', id, conversationId: CONV, epoch: 0, stored: [], refused: [] }));
      },
    });
    await expect(frames.distribute(CONV, 0, [pkg(1)])).rejects.toMatchObject({ name: 'SendRejectedError', code: 'forbidden' });
    sent.length = 0;
    answer = 'rate_limited';
    await expect(frames.distribute(CONV, 0, [pkg(1)])).resolves.toBeUndefined();
    expect(sent).toHaveLength(2);
    const silent = new KeyFrames({ timeoutMs: 20, sendFrame: async () => undefined });
    await expect(silent.distribute(CONV, 0, [pkg(1)])).rejects.toMatchObject({ name: 'NotConnectedError' });
    // Frames that answer nothing of ours are not taken.
    expect(frames.onFrame({ type: 'error', code: 'forbidden', message: 'x', ref: CONV })).toBe(false);
    expect(new SendRejectedError('rate_limited', 'x', 3).retryAfterSeconds).toBe(3);
  });
});
