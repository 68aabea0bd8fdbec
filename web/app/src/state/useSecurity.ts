import { useCallback, useEffect, useRef, useState } from 'react';
import type { SecurityEvent, SessionInfo } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { describeError } from '../lib/errors';

export interface Security {
  sessions: SessionInfo[];
  events: SecurityEvent[];
  /** The first load has not finished yet. */
  loading: boolean;
  error: string | null;
  reload(): Promise<void>;
  /** End another session; the list is reloaded afterwards. */
  revoke(sessionId: string): Promise<void>;
  /** End every other session; resolves with how many were ended. */
  revokeOthers(): Promise<number>;
  /** End every session, this one included (the SDK then signs this tab out). */
  logoutEverywhere(): Promise<number>;
  changePassword(current: string, next: string): Promise<void>;
  deleteAccount(password: string): Promise<void>;
}

/** The signed-in user's sessions and security events, and the actions on them, all through the SDK. */
export function useSecurity(): Security {
  const client = useClient();
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [events, setEvents] = useState<SecurityEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);

  const reload = useCallback(async () => {
    try {
      const res = await client.listSessions();
      if (!mounted.current) return;
      setSessions(res.sessions);
      setEvents(res.events);
      setError(null);
    } catch (err) {
      if (mounted.current) setError(describeError(err, 'Could not load your sessions.'));
    } finally {
      if (mounted.current) setLoading(false);
    }
  }, [client]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);

  const revoke = useCallback(
    async (sessionId: string) => {
      await client.revokeSession(sessionId);
      await reload();
    },
    [client, reload],
  );

  const revokeOthers = useCallback(async () => {
    const revoked = await client.revokeOtherSessions();
    await reload();
    return revoked;
  }, [client, reload]);

  const logoutEverywhere = useCallback(() => client.logoutEverywhere(), [client]);

  const changePassword = useCallback(
    async (current: string, next: string) => {
      await client.changePassword(current, next);
      await reload();
    },
    [client, reload],
  );

  const deleteAccount = useCallback((password: string) => client.deleteAccount(password), [client]);

  return { sessions, events, loading, error, reload, revoke, revokeOthers, logoutEverywhere, changePassword, deleteAccount };
}
