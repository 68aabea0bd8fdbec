import type { PresenceChangedEvent, PresenceState } from '@cipherlink/proto';

/**
 * Which of the requested users a user may watch: people sharing a conversation with them (their contacts) and
 * themselves. Everyone else is dropped, so presence never leaks to strangers.
 */
export function allowedWatchIds(selfId: string, requested: readonly string[], contacts: readonly string[]): { allowed: string[]; denied: string[] } {
  const visible = new Set([...contacts, selfId].map((id) => id.toLowerCase()));
  const allowed: string[] = [];
  const denied: string[] = [];
  for (const id of new Set(requested.map((r) => r.toLowerCase()))) (visible.has(id) ? allowed : denied).push(id);
  return { allowed, denied };
}

/** The client-facing state for a presence transition: the transition time is when the user was last seen. */
export function presenceStateOf(event: PresenceChangedEvent): PresenceState {
  return { userId: event.userId, online: event.online, lastSeenAt: event.at };
}
