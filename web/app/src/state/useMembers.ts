import { useCallback, useEffect, useState } from 'react';
import type { Conversation } from '@cipherlink/proto';
import type { RoomMember } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { useTrustRevision } from './TrustContext';
import { describeError } from '../lib/errors';

export interface Members {
  members: RoomMember[];
  loading: boolean;
  error: string | null;
  reload(): Promise<void>;
}

/**
 * The members of a room with roles, trust and devices. Re-read when the membership changes (the conversation's
 * membership version, or member ids, from the SDK's conversation list) and when trust may have changed.
 */
export function useMembers(conversation: Conversation): Members {
  const client = useClient();
  const { revision } = useTrustRevision();
  const [members, setMembers] = useState<RoomMember[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const membership = `${conversation.membershipVersion ?? ''}:${conversation.members.map((m) => `${m.id}=${m.role ?? ''}`).join(',')}`;

  const reload = useCallback(async () => {
    try {
      const list = await client.listMembers(conversation.id);
      setMembers(list);
      setError(null);
    } catch (err) {
      setError(describeError(err, 'Could not load the members.'));
    } finally {
      setLoading(false);
    }
  }, [client, conversation.id]);

  useEffect(() => {
    void reload();
  }, [reload, membership, revision]);

  return { members, loading, error, reload };
}
