/** When a signing key may sign: from `notBefore` until `retiredAt` (exclusive; null = not scheduled to retire). */
export interface SigningKeyWindow {
  kid: string;
  notBefore: Date;
  retiredAt: Date | null;
}

/**
 * The key to sign with at `now`: the newest key (by `notBefore`) whose window contains `now`. A rotation inserts
 * a key with a future `notBefore` and retires the old one at that same instant, so there is one signing key at any
 * time and the switch happens at the same moment on every instance (given synchronised clocks), without a restart.
 */
export function pickSigningKey<K extends SigningKeyWindow>(keys: readonly K[], now: Date): K | undefined {
  const t = now.getTime();
  let best: K | undefined;
  for (const k of keys) {
    if (k.notBefore.getTime() > t || (k.retiredAt && k.retiredAt.getTime() <= t)) continue;
    if (!best || k.notBefore.getTime() > best.notBefore.getTime() || (k.notBefore.getTime() === best.notBefore.getTime() && k.kid > best.kid)) best = k;
  }
  return best;
}

/**
 * The schedule of a rotation at `now`: the new key signs from `now + publishSeconds` (every verifier has fetched
 * the key set by then, since it is published at once), and every key still signing then retires at that instant.
 */
export function rotationSchedule(now: Date, publishSeconds: number): { notBefore: Date; retireOthersAt: Date } {
  const notBefore = new Date(now.getTime() + Math.max(0, publishSeconds) * 1000);
  return { notBefore, retireOthersAt: notBefore };
}
