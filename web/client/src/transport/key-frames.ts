import type { ClientFrame, KeyPackageUpload, ServerFrame } from '@cipherlink/proto';
import { SendRejectedError } from '../errors';
import { NotConnectedError } from './socket-client';

/** Packages per `keys.distribute` frame: about 520 characters each, well inside the 64 KiB frame cap. */
export const PACKAGES_PER_FRAME = 60;
/** Conversations per `keys.request` frame (the frame's limit). */
export const CONVERSATIONS_PER_REQUEST = 500;
const MAX_RATE_LIMITED_RETRIES = 3;

export interface KeyFramesOptions {
  sendFrame: (frame: ClientFrame) => Promise<void>;
  /** How long to wait for `keys.distributed`. Default 15 s. */
  timeoutMs?: number;
  newId?: () => string;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The key frames of protocol v1 on the socket: `keys.distribute` as a request answered by `keys.distributed` (or an
 * `error` frame naming it), split into frames of PACKAGES_PER_FRAME; `keys.request` fire-and-forget.
 */
export class KeyFrames {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly opts: KeyFramesOptions) {}

  /** Upload packages of one conversation and epoch; resolves when the server stored them (refused ones included). */
  async distribute(conversationId: string, epoch: number, packages: KeyPackageUpload[]): Promise<void> {
    for (let i = 0; i < packages.length; i += PACKAGES_PER_FRAME) {
      await this.distributeOne(conversationId, epoch, packages.slice(i, i + PACKAGES_PER_FRAME));
    }
  }

  /** Ask this user's other online devices for their sender keys of these conversations. */
  async request(conversationIds: string[]): Promise<void> {
    for (let i = 0; i < conversationIds.length; i += CONVERSATIONS_PER_REQUEST) {
      await this.opts.sendFrame({ type: 'keys.request', id: this.newId(), conversationIds: conversationIds.slice(i, i + CONVERSATIONS_PER_REQUEST) });
    }
  }

  /** Take the frames that answer a distribution; returns true when the frame was one. */
  onFrame(frame: ServerFrame): boolean {
    if (frame.type === 'keys.distributed') {
      const w = this.take(frame.id);
      w?.resolve();
      return w !== undefined;
    }
    if (frame.type === 'error' && frame.ref) {
      const w = this.take(frame.ref);
      w?.reject(new SendRejectedError(frame.code, frame.message, frame.retryAfterSeconds));
      return w !== undefined;
    }
    return false;
  }

  failAll(err: Error = new NotConnectedError('socket closed')): void {
    for (const id of [...this.waiting.keys()]) this.take(id)?.reject(err);
  }

  private async distributeOne(conversationId: string, epoch: number, packages: KeyPackageUpload[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send({ type: 'keys.distribute', id: this.newId(), conversationId, epoch, packages });
      } catch (err) {
        if (!(err instanceof SendRejectedError) || err.code !== 'rate_limited' || attempt >= MAX_RATE_LIMITED_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, (err.retryAfterSeconds ?? 1) * 1000));
      }
    }
  }

  private send(frame: Extract<ClientFrame, { type: 'keys.distribute' }>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.take(frame.id);
        reject(new NotConnectedError('no answer to the key distribution'));
      }, this.opts.timeoutMs ?? 15_000);
      this.waiting.set(frame.id, { resolve, reject, timer });
    });
    this.opts.sendFrame(frame).catch((err: unknown) => this.take(frame.id)?.reject(err as Error));
    return done;
  }

  private take(id: string): Waiter | undefined {
    const w = this.waiting.get(id.toLowerCase()) ?? this.waiting.get(id);
    if (!w) return undefined;
    clearTimeout(w.timer);
    this.waiting.delete(id.toLowerCase());
    this.waiting.delete(id);
    return w;
  }

  private newId(): string {
    return (this.opts.newId ?? (() => globalThis.crypto.randomUUID()))().toLowerCase();
  }
}
