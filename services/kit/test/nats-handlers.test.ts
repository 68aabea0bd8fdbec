import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RpcEndpoint } from '@cipherlink/proto';
import { callRpc, connectNats, publishEphemeral, serveRpc, subscribeEphemeral, type Nats } from '../src/nats';
import { createLogger } from '../src/logger';

/**
 * A failing handler must never take the process or the NATS connection down with it. Runs against the real NATS
 * server (its default max_payload is 1 MiB).
 */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const logger = createLogger({ name: 'nats-handlers-test', level: 'silent' });
const suffix = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

let nats: Nats;
beforeAll(async () => {
  nats = await connectNats({ url: NATS_URL, name: 'nats-handlers-test', logger });
});
afterAll(async () => {
  await nats?.close();
});

describe('serveRpc', () => {
  it('answers internal (and does not reject unobserved) when the reply cannot be published', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const endpoint: RpcEndpoint<z.ZodObject<{ size: z.ZodNumber }>, z.ZodString> = {
      subject: `test.kit.rpc.big.${suffix}`,
      request: z.object({ size: z.number() }),
      response: z.string(),
    };
    const sub = serveRpc(nats, endpoint, async ({ size }) => 'x'.repeat(size), { queue: 'test', logger });
    try {
      await nats.nc.flush();
      expect(await callRpc(nats, endpoint, { size: 10 })).toBe('x'.repeat(10));
      // Larger than the server's max_payload: publishing the reply throws.
      await expect(callRpc(nats, endpoint, { size: 2 * 1024 * 1024 }, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'internal' });
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      // The endpoint keeps serving.
      expect(await callRpc(nats, endpoint, { size: 3 })).toBe('xxx');
    } finally {
      sub.unsubscribe();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('subscribeEphemeral', () => {
  it('survives a handler that throws synchronously: later events and requests still arrive', async () => {
    const subject = `test.kit.sub.throws.${suffix}`;
    const seen: number[] = [];
    const sub = subscribeEphemeral(
      nats,
      subject,
      z.object({ n: z.number() }),
      (e) => {
        if (e.n === 1) throw new Error('handler bug');
        seen.push(e.n);
      },
      { logger },
    );
    try {
      await nats.nc.flush();
      publishEphemeral(nats, subject, z.object({ n: z.number() }), { n: 1 });
      publishEphemeral(nats, subject, z.object({ n: z.number() }), { n: 2 });
      const deadline = Date.now() + 3_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([2]);
    } finally {
      sub.unsubscribe();
    }
  });
});
