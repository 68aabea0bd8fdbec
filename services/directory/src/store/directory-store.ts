import type { PgPool } from '@cipherlink/kit';
import { createConversationStore, type ConversationStore } from './conversation-store';
import { createDeviceStore, type DeviceStore } from './device-store';
import { createIdentityStore, type IdentityStore } from './identity-store';
import { createKeyBackupStore, type KeyBackupStore } from './key-backup-store';
import { createRoomStore, type RoomStore } from './room-store';
import { createUserStore, type UserStore } from './user-store';

/** Everything the directory keeps in PostgreSQL, behind one small interface per table group. */
export interface DirectoryStore {
  users: UserStore;
  devices: DeviceStore;
  identities: IdentityStore;
  conversations: ConversationStore;
  rooms: RoomStore;
  keyBackups: KeyBackupStore;
  /** Cheap round trip for readiness. */
  ping(): Promise<void>;
}

export function createDirectoryStore(pool: PgPool): DirectoryStore {
  return {
    users: createUserStore(pool),
    devices: createDeviceStore(pool),
    identities: createIdentityStore(pool),
    conversations: createConversationStore(pool),
    rooms: createRoomStore(pool),
    keyBackups: createKeyBackupStore(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
  };
}
