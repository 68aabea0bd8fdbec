import type { CipherLinkClient, ClientEvents } from '@cipherlink/client';

/** Resolves with the first `name` event of `client` that satisfies `pred`; rejects after `timeoutMs`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: CipherLinkClient,
  name: K,
  pred: (e: ClientEvents[K]) => boolean,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for '${String(name)}'`));
    }, timeoutMs);
    const off = client.on(name, (e) => {
      if (pred(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}
