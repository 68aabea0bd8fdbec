import type { BroadcastChannelLike, LockManagerLike } from './token-sync';

/**
 * Stand-ins for the browser's Web Locks and BroadcastChannel, for unit tests of the SDK's own cross-tab logic:
 * an exclusive FIFO lock per name, and a channel hub that delivers a structured clone of each message to every
 * other channel after `deliveryDelayMs` (a real channel message and a lock grant travel separately).
 */
export class FakeLocks implements LockManagerLike {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Names currently held, for assertions. */
  readonly held = new Set<string>();

  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const before = this.tails.get(name) ?? Promise.resolve();
    const run = before.then(async () => {
      this.held.add(name);
      try {
        return await callback();
      } finally {
        this.held.delete(name);
      }
    });
    this.tails.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }
}

export class FakeChannelHub {
  private readonly channels = new Set<FakeChannel>();
  constructor(readonly deliveryDelayMs = 0) {}

  channel(): FakeChannel {
    const c = new FakeChannel(this);
    this.channels.add(c);
    return c;
  }

  /** @internal */
  deliver(from: FakeChannel, message: unknown): void {
    const copy = structuredClone(message);
    for (const c of this.channels) {
      if (c === from) continue;
      setTimeout(() => c.receive(copy), this.deliveryDelayMs);
    }
  }

  /** @internal */
  remove(c: FakeChannel): void {
    this.channels.delete(c);
  }
}

export class FakeChannel implements BroadcastChannelLike {
  private readonly listeners: ((e: { data: unknown }) => void)[] = [];
  private closed = false;
  readonly posted: unknown[] = [];

  constructor(private readonly hub: FakeChannelHub) {}

  postMessage(message: unknown): void {
    if (this.closed) throw new Error('channel closed');
    this.posted.push(message);
    this.hub.deliver(this, message);
  }

  addEventListener(_type: 'message', listener: (e: { data: unknown }) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.hub.remove(this);
  }

  /** Deliver a message as if another tab (or a foreign script on the origin) had posted it. */
  receive(data: unknown): void {
    if (this.closed) return;
    for (const l of this.listeners) l({ data });
  }
}
