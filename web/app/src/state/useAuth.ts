import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '@cipherlink/client';
import { useClient } from './ClientContext';

export type AuthState = { status: 'resuming' } | { status: 'signedOut' } | { status: 'signedIn'; session: Session };

export interface Auth {
  state: AuthState;
  signIn(username: string, password: string): Promise<void>;
  /** Create the account, then sign in with it. */
  register(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Session lifecycle: resume once on load (refresh cookie), then follow the SDK's `signedOut` event. */
export function useAuth(): Auth {
  const client = useClient();
  const [state, setState] = useState<AuthState>(() =>
    client.session ? { status: 'signedIn', session: client.session } : { status: 'resuming' },
  );
  // Refresh tokens rotate: two concurrent resume() calls (StrictMode runs effects twice) could look like reuse.
  const resumeStarted = useRef(false);

  useEffect(() => {
    const unsubscribe = client.on('signedOut', () => setState({ status: 'signedOut' }));
    if (!resumeStarted.current && !client.session) {
      resumeStarted.current = true;
      client
        .resume()
        .then((session) => setState(session ? { status: 'signedIn', session } : { status: 'signedOut' }))
        .catch((err: unknown) => {
          console.warn('could not resume the session', err);
          setState({ status: 'signedOut' });
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
      setState({ status: 'signedOut' });
    }
  }, [client]);

  return { state, signIn, register, signOut };
}
