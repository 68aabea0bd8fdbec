import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { signOutNotice } from '../lib/security';

export type AuthState =
  | { status: 'resuming' }
  /** `notice`: why the user is looking at the sign-in screen, when they did not just sign out here themselves. */
  | { status: 'signedOut'; notice: string | null }
  | { status: 'signedIn'; session: Session };

export interface Auth {
  state: AuthState;
  signIn(username: string, password: string): Promise<void>;
  /** Create the account, then sign in with it. */
  register(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/**
 * Session lifecycle: resume once on load (refresh cookie), then follow the SDK's `signedOut` event, whatever
 * caused it (this tab, another tab, or the server ending the session).
 */
export function useAuth(): Auth {
  const client = useClient();
  const [state, setState] = useState<AuthState>(() =>
    client.session ? { status: 'signedIn', session: client.session } : { status: 'resuming' },
  );
  // Refresh tokens rotate: two concurrent resume() calls (StrictMode runs effects twice) could look like reuse.
  const resumeStarted = useRef(false);

  useEffect(() => {
    const unsubscribe = client.on('signedOut', ({ reason }) => setState({ status: 'signedOut', notice: signOutNotice(reason) }));
    if (!resumeStarted.current && !client.session) {
      resumeStarted.current = true;
      client
        .resume()
        .then((session) => setState(session ? { status: 'signedIn', session } : { status: 'signedOut', notice: null }))
        .catch((err: unknown) => {
          console.warn('could not resume the session', err);
          setState({ status: 'signedOut', notice: null });
        });
    }
    return unsubscribe;
  }, [client]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const session = await client.login(username, password);
      setState({ status: 'signedIn', session });
    },
    [client],
  );

  const register = useCallback(
    async (username: string, password: string) => {
      await client.register(username, password);
      const session = await client.login(username, password);
      setState({ status: 'signedIn', session });
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

  return { state, signIn, register, signOut };
}
