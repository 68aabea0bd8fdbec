/**
 * A signature verifier worker for the browser bench (and the shape an app's worker takes): it announces that it
 * is ready, then answers a SignatureVerifierPool.
 */
import { serveSignatureVerification, type VerifierScope } from '../../web/client/src/crypto/v1/index';

const scope = globalThis as unknown as VerifierScope;
serveSignatureVerification(scope);
scope.postMessage({ t: 'ready' });
