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
 * Requests made in the same turn of the event loop travel in one message per endpoint (each endpoint gets the
 * requests while it has the fewest outstanding), and each reply carries a batch of answers.
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
  private flushScheduled = false;

  constructor(endpoints: readonly VerifierEndpoint[]) {
    if (endpoints.length === 0) throw new SignatureVerifierError('a verifier pool needs at least one endpoint');
    this.lanes = endpoints.map((endpoint) => {
      const lane: Lane = { endpoint, keys: new Set(), outstanding: new Map(), batch: [] };
      endpoint.addEventListener('message', (event) => this.onReply(lane, event.data));
      endpoint.addEventListener('error', () => this.fail(lane, new SignatureVerifierError('a signature verifier endpoint failed')));
      return lane;
    });
  }

  /** Requests sent and not yet answered, over all endpoints. */
  get pending(): number {
    return this.lanes.reduce((n, lane) => n + lane.outstanding.size + lane.batch.length, 0);
  }

  verify(key: VerificationKey, signedBytes: Bytes, signature: Bytes): Promise<boolean> {
    const lane = this.leastLoaded();
    if (!lane) return Promise.reject(new SignatureVerifierError('every signature verifier endpoint failed'));
    const id = this.nextId++;
    const point = lane.keys.has(key.id) ? null : key.publicKeyRaw;
    lane.keys.add(key.id);
    lane.batch.push([id, key.id, point, signedBytes, signature]);
    this.scheduleFlush();
    return new Promise<boolean>((resolve, reject) => lane.outstanding.set(id, { resolve, reject }));
  }

  private leastLoaded(): Lane | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes) {
      if (lane.failed) continue;
      if (!best || lane.outstanding.size < best.outstanding.size) best = lane;
    }
    return best;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      for (const lane of this.lanes) {
        if (lane.batch.length === 0 || lane.failed) continue;
        const message: RequestMessage = { t: 'cipherlink/v1/verify', requests: lane.batch };
        lane.batch = [];
        try {
          lane.endpoint.postMessage(message);
        } catch (err) {
          this.fail(lane, new SignatureVerifierError('could not post to a signature verifier endpoint', { cause: err }));
        }
      }
    });
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

/**
 * The worker side: answer a SignatureVerifierPool's requests on `scope` (a worker's `self`). Each sender key's
 * point is imported once and kept for the worker's life (the pool sends it once per endpoint): as many keys as
 * the page verified through this worker, a few hundred bytes each.
 */
export function serveSignatureVerification(scope: VerifierScope): void {
  const keys = new Map<string, Promise<CryptoKey | undefined>>();
  const keyFor = (keyId: string, point: Bytes | null): Promise<CryptoKey | undefined> => {
    if (point) keys.set(keyId, importP256PublicKey(point, 'ECDSA').catch(() => undefined));
    return keys.get(keyId) ?? Promise.resolve(undefined);
  };
  scope.addEventListener('message', (event) => {
    const message = event.data as Partial<RequestMessage> | null;
    if (message?.t !== 'cipherlink/v1/verify' || !Array.isArray(message.requests)) return;
    const checks = message.requests.map(async ([id, keyId, point, signedBytes, signature]): Promise<[number, boolean]> => {
      const key = await keyFor(keyId, point);
      // An unknown or invalid key verifies nothing.
      return [id, key !== undefined && (await verifyEcdsaP256(key, signedBytes, signature).catch(() => false))];
    });
    void Promise.all(checks).then((results) => scope.postMessage({ t: 'cipherlink/v1/verified', results } satisfies ReplyMessage));
  });
}
