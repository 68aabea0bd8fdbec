/**
 * Sender-key signature checks spread over Web Workers (or any message endpoints), for bulk work such as a page of
 * history: browsers run Web Crypto's ECDSA on the thread that calls it, so on the page's thread 10,000 verifies
 * cost 10,000 verifies of that one thread; a pool runs them on other cores while the page walks the chains and
 * runs AES-GCM.
 *
 * Only public data crosses: the sender key's id and public point (once per endpoint), the signed bytes (header,
 * IV, ciphertext) and the signature; never a secret key or a plaintext. The worker imports each public point
 * through the same validation as everywhere else (importP256PublicKey) and verifies with verifyEcdsaP256, so a
 * pool answers exactly what `localSignatureVerifier` would. Its answer is trusted as the local one is: the worker
 * runs our own same-origin code.
 *
 *   page:   const pool = new SignatureVerifierPool([new Worker(url, { type: 'module' }), ...]);
 *           await decryptHistory(ring, page, { verifier: pool });
 *   worker: serveSignatureVerification(self);
 *
 * Messages between threads are not cheap (in Chromium, one postMessage per request cost the page about as much as
 * the verify it carried), so requests travel in batches: an endpoint's batch goes out when it holds
 * MAX_REQUEST_BATCH requests, or on the next timer turn (within about a millisecond); each reply carries up to 16
 * answers. That suits bulk work with many checks in flight (decryptHistory with a high concurrency); a single
 * interactive message is better verified locally.
 */
import { verifyEcdsaP256 } from './ecdsa';
import { importP256PublicKey } from './public-key';
import type { SignatureVerifier, VerificationKey } from './signature-verifier';
import type { Bytes } from './webcrypto';

/** What the pool needs of a Worker (or MessagePort): post messages to it and hear its replies and failures. */
export interface VerifierEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

/** What the worker side needs of its scope (`self` in a worker, or a MessagePort). */
export interface VerifierScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** [request id, key id, public point (first use of the key on this endpoint) or null, signed bytes, signature]. */
type VerifyRequest = [number, string, Bytes | null, Bytes, Bytes];
interface RequestMessage {
  t: 'cipherlink/v1/verify';
  requests: VerifyRequest[];
}
/** [request id, valid]. */
interface ReplyMessage {
  t: 'cipherlink/v1/verified';
  results: [number, boolean][];
}

/** Signature verification failed to run (the worker died or answered nonsense); not a verdict on the signature. */
export class SignatureVerifierError extends Error {
  override name = 'SignatureVerifierError';
}

/** Requests an endpoint gets in one message at most. */
export const MAX_REQUEST_BATCH = 64;

interface Pending {
  resolve: (valid: boolean) => void;
  reject: (err: Error) => void;
}

interface Lane {
  endpoint: VerifierEndpoint;
  /** Keys whose point this endpoint has been sent. */
  keys: Set<string>;
  outstanding: Map<number, Pending>;
  batch: VerifyRequest[];
  failed?: Error;
}

export class SignatureVerifierPool implements SignatureVerifier {
  private readonly lanes: Lane[];
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(endpoints: readonly VerifierEndpoint[]) {
    if (endpoints.length === 0) throw new SignatureVerifierError('a verifier pool needs at least one endpoint');
    this.lanes = endpoints.map((endpoint) => {
      const lane: Lane = { endpoint, keys: new Set(), outstanding: new Map(), batch: [] };
      endpoint.addEventListener('message', (event) => this.onReply(lane, event.data));
      endpoint.addEventListener('error', () => this.fail(lane, new SignatureVerifierError('a signature verifier endpoint failed')));
      return lane;
    });
  }

  /** Checks asked for and not yet answered, over all endpoints. */
  get pending(): number {
    return this.lanes.reduce((n, lane) => n + lane.outstanding.size, 0);
  }

  verify(key: VerificationKey, signedBytes: Bytes, signature: Bytes): Promise<boolean> {
    const lane = this.leastLoaded();
    if (!lane) return Promise.reject(new SignatureVerifierError('every signature verifier endpoint failed'));
    const id = this.nextId++;
    const point = lane.keys.has(key.id) ? null : key.publicKeyRaw;
    lane.keys.add(key.id);
    const answer = new Promise<boolean>((resolve, reject) => lane.outstanding.set(id, { resolve, reject }));
    lane.batch.push([id, key.id, point, signedBytes, signature]);
    if (lane.batch.length >= MAX_REQUEST_BATCH) this.flush(lane);
    else this.timer ??= setTimeout(() => this.flushAll(), 0);
    return answer;
  }

  private leastLoaded(): Lane | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.failed) continue;
      if (!best || lane.outstanding.size < best.outstanding.size) best = lane;
    }
    return best;
  }

  private flushAll(): void {
    this.timer = undefined;
    for (const lane of this.lanes) this.flush(lane);
  }

  private flush(lane: Lane): void {
    if (lane.batch.length === 0 || lane.failed) return;
    const message: RequestMessage = { t: 'cipherlink/v1/verify', requests: lane.batch };
    lane.batch = [];
    try {
      lane.endpoint.postMessage(message);
    } catch (err) {
      this.fail(lane, new SignatureVerifierError('could not post to a signature verifier endpoint', { cause: err }));
    }
  }

  private onReply(lane: Lane, data: unknown): void {
    const reply = data as Partial<ReplyMessage> | null;
    if (reply?.t !== 'cipherlink/v1/verified' || !Array.isArray(reply.results)) return;
    for (const [id, valid] of reply.results) {
      const pending = lane.outstanding.get(id);
      if (!pending) continue;
      lane.outstanding.delete(id);
      // Only a literal true is a valid signature.
      pending.resolve(valid === true);
    }
  }

  private fail(lane: Lane, err: Error): void {
    lane.failed = err;
    const orphans = [...lane.outstanding.values()];
    lane.outstanding.clear();
    lane.batch = [];
    for (const pending of orphans) pending.reject(err);
  }
}

/** Answers a worker sends in one reply at most; it also replies whenever its queue runs dry. */
const MAX_REPLY_BATCH = 16;

/**
 * The worker side: answer a SignatureVerifierPool's requests on `scope` (a worker's `self`), one check at a time
 * in arrival order, replying every few answers (and whenever the queue runs dry) rather than once per request
 * message: browsers run the ECDSA work synchronously in the call, so a whole batch checked at once would hold
 * every answer back until the last one. Each sender key's point is imported once and kept for the worker's life
 * (the pool sends it once per endpoint): as many keys as the page verified through this worker, a few hundred
 * bytes each.
 */
export function serveSignatureVerification(scope: VerifierScope): void {
  const keys = new Map<string, Promise<CryptoKey | undefined>>();
  const queue: VerifyRequest[] = [];
  let outbox: [number, boolean][] = [];
  let running = false;
  const reply = () => {
    if (outbox.length === 0) return;
    scope.postMessage({ t: 'cipherlink/v1/verified', results: outbox } satisfies ReplyMessage);
    outbox = [];
  };
  const check = async ([id, keyId, , signedBytes, signature]: VerifyRequest): Promise<[number, boolean]> => {
    const key = await keys.get(keyId);
    // An unknown or invalid key verifies nothing.
    return [id, key !== undefined && (await verifyEcdsaP256(key, signedBytes, signature).catch(() => false))];
  };
  const drain = async () => {
    running = true;
    try {
      while (queue.length > 0) {
        outbox.push(await check(queue.shift()!));
        if (outbox.length >= MAX_REPLY_BATCH) reply();
      }
    } finally {
      reply();
      running = false;
    }
  };
  scope.addEventListener('message', (event) => {
    const message = event.data as Partial<RequestMessage> | null;
    if (message?.t !== 'cipherlink/v1/verify' || !Array.isArray(message.requests)) return;
    for (const request of message.requests) {
      const [, keyId, point] = request;
      // Imported in arrival order, so a key's first request (which carries the point) comes before its others.
      if (point) keys.set(keyId, importP256PublicKey(point, 'ECDSA').catch(() => undefined));
      queue.push(request);
    }
    if (!running) void drain();
  });
}
