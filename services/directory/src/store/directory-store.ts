import type { PgPool } from '@cipherlink/kit';
import { createConversationStore, type ConversationStore } from './conversation-store';
import { createDeviceStore, type DeviceStore } from './device-store';
import { createUserStore, type UserStore } from './user-store';

/** Everything the directory keeps in PostgreSQL, behind one small interface per table group. */
export interface DirectoryStore {
  users: UserStore;
  devices: DeviceStore;
  conversations: ConversationStore;
  /** Cheap round trip for readiness. */
  ping(): Promise<void>;
}

export function createDirectoryStore(pool: PgPool): DirectoryStore {
  return {
    users: createUserStore(pool),
    devices: createDeviceStore(pool),
    conversations: createConversationStore(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
  };
}
