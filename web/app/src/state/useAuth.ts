import { useCallback, useEffect, useRef, useState } from 'react';
import type { EncryptionState, Session, SignInResult } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { signOutNotice } from '../lib/security';

/** A signed-in session and the end-to-end state the sign-in reported (the live state follows `useEncryption`). */
export interface SignedInSession extends Session {
  encryption: EncryptionState;
}

export type AuthState =
  | { status: 'resuming' }
  /** `notice`: why the user is looking at the sign-in screen, when they did not just sign out here themselves. */
  | { status: 'signedOut'; notice: string | null }
  /**
   * `recoveryKey`: set only right after the sign-in that created the user's keys (or a key reset): the app shows it
   * once and forgets it when the user confirms they wrote it down. Kept out of `session` so it goes no further.
   */
  | { status: 'signedIn'; session: SignedInSession; recoveryKey: string | null };

export interface Auth {
  state: AuthState;
  signIn(username: string, password: string): Promise<void>;
  /** Create the account, then sign in with it (which creates its keys and its recovery key). */
  register(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Show a recovery key once (after a reset of the identity on this device). */
  showRecoveryKey(recoveryKey: string): void;
  /** The user confirmed they wrote the recovery key down: forget it. */
  recoveryKeySaved(): void;
}

function signedIn(result: SignInResult): AuthState {
  const { recoveryKey, ...session } = result;
  return { status: 'signedIn', session, recoveryKey: recoveryKey ?? null };
}

/**
 * Session lifecycle: resume once on load (refresh cookie), then follow the SDK's `signedOut` event, whatever
 * caused it (this tab, another tab, or the server ending the session).
 */
export function useAuth(): Auth {
  const client = useClient();
  const [state, setState] = useState<AuthState>(() =>
    client.session
      ? { status: 'signedIn', session: { ...client.session, encryption: client.encryptionState }, recoveryKey: null }
      : { status: 'resuming' },
  );
  // Refresh tokens rotate: two concurrent resume() calls (StrictMode runs effects twice) could look like reuse.
  const resumeStarted = useRef(false);

  useEffect(() => {
    const unsubscribe = client.on('signedOut', ({ reason }) => setState({ status: 'signedOut', notice: signOutNotice(reason) }));
    if (!resumeStarted.current && !client.session) {
      resumeStarted.current = true;
      client
        .resume()
        .then((result) => setState(result ? signedIn(result) : { status: 'signedOut', notice: null }))
        .catch((err: unknown) => {
          console.warn('could not resume the session', err);
          setState({ status: 'signedOut', notice: null });
        });
    }
    return unsubscribe;
  }, [client]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      setState(signedIn(await client.login(username, password)));
    },
    [client],
  );

  const register = useCallback(
    async (username: string, password: string) => {
      await client.register(username, password);
      setState(signedIn(await client.login(username, password)));
    },
    [client],
  );

  const signOut = useCallback(async () => {
    try {
      await client.logout();
    } finally {
      setState({ status: 'signedOut', notice: null });
    }
  }, [client]);

  const showRecoveryKey = useCallback((recoveryKey: string) => {
    setState((prev) => (prev.status === 'signedIn' ? { ...prev, recoveryKey } : prev));
  }, []);

  const recoveryKeySaved = useCallback(() => {
    setState((prev) => (prev.status === 'signedIn' ? { ...prev, recoveryKey: null } : prev));
  }, []);

  return { state, signIn, register, signOut, showRecoveryKey, recoveryKeySaved };
}
