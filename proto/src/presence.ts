import { z } from 'zod';
import { Timestamp, Uuid } from './common';

export const PresenceState = z.object({
  userId: Uuid,
  online: z.boolean(),
  /** When the user was last seen online; null if never. */
  lastSeenAt: Timestamp.nullable(),
});
export type PresenceState = z.infer<typeof PresenceState>;
