/**
 * Every NATS subject and JetStream stream name CipherLink uses, built in one place.
 *
 * Shape: `cl.<evt|rpc|cmd>.<domain>.v<major>.<name>[.<id>]` — lowercase tokens, ids last so that `*` wildcards and
 * per-id permissions work. Events are named in the past tense.
 */

const TOKEN = /^[a-z0-9-]+$/;

function id(token: string): string {
  const t = token.toLowerCase();
  if (!TOKEN.test(t)) throw new Error(`invalid subject token: ${JSON.stringify(token)}`);
  return t;
}

export const subjects = {
  rpc: {
    /** auth: the JSON Web Key Set that verifies access tokens. */
    authJwks: 'cl.rpc.auth.v1.jwks',
    /** directory: the conversations a user belongs to (with members). */
    directoryConversationsOfUser: 'cl.rpc.directory.v1.conversations-of-user',
    /** directory: is this user a member of this conversation? */
    directoryMembership: 'cl.rpc.directory.v1.membership',
    /** directory: user ids sharing at least one conversation with a user (who may see their presence). */
    directoryContacts: 'cl.rpc.directory.v1.contacts',
    /** presence: current online state of some users. */
    presenceQuery: 'cl.rpc.presence.v1.query',
    /** presence: a gateway reports a live connection (connect and heartbeat). */
    presenceHeartbeat: 'cl.rpc.presence.v1.heartbeat',
    /** presence: a gateway reports a closed connection. */
    presenceDisconnect: 'cl.rpc.presence.v1.disconnect',
    /** directory: does this device belong to this user? */
    directoryDeviceCheck: 'cl.rpc.directory.v1.device-check',
    /** directory: is a user a member, and which of some devices belong to current members (key distribution)? */
    directoryMemberDevices: 'cl.rpc.directory.v1.member-devices',
    /** message-store: store sender-key distribution packages, one per recipient device. */
    messageStoreKeyPackages: 'cl.rpc.message.v1.store-key-packages',
  },
  cmd: {
    /** gateway -> message-store (JetStream): store this ciphertext. */
    messageSend: (conversationId: string) => `cl.cmd.message.v1.send.${id(conversationId)}`,
    messageSendAll: 'cl.cmd.message.v1.send.*',
  },
  evt: {
    /** auth (JetStream): an account was created. */
    userRegistered: 'cl.evt.auth.v1.user-registered',
    /** auth (JetStream): an account was deleted. */
    userDeleted: 'cl.evt.auth.v1.user-deleted',
    /** auth (core, fan-out): sessions ended; every gateway closes their sockets. Not in a stream on purpose. */
    sessionsRevoked: 'cl.evt.session.v1.revoked',
    /** auth (core, fan-out): the signing key set changed; verifiers refetch the JWKS. */
    signingKeysChanged: 'cl.evt.session.v1.signing-keys-changed',
    /** message-store (JetStream): a message was stored and got its sequence number. */
    messageStored: (conversationId: string) => `cl.evt.message.v1.stored.${id(conversationId)}`,
    messageStoredAll: 'cl.evt.message.v1.stored.*',
    /** directory (JetStream): a user joined a conversation (DM creation adds both). */
    memberAdded: (conversationId: string) => `cl.evt.directory.v1.member-added.${id(conversationId)}`,
    memberAddedAll: 'cl.evt.directory.v1.member-added.*',
    /** directory (JetStream): a user left or was removed from a conversation. */
    memberRemoved: (conversationId: string) => `cl.evt.directory.v1.member-removed.${id(conversationId)}`,
    memberRemovedAll: 'cl.evt.directory.v1.member-removed.*',
    /** directory (JetStream): a user's device set changed (a device registered or removed). */
    devicesChanged: (userId: string) => `cl.evt.directory.v1.devices-changed.${id(userId)}`,
    devicesChangedAll: 'cl.evt.directory.v1.devices-changed.*',
    /** directory (JetStream): a user's identity key was set or replaced. */
    identityKeyChanged: (userId: string) => `cl.evt.directory.v1.identity-key-changed.${id(userId)}`,
    identityKeyChangedAll: 'cl.evt.directory.v1.identity-key-changed.*',
    /** message-store (core, not in a stream): a key package was stored for this device; delivered live. */
    keyPackageStored: (deviceId: string) => `cl.evt.keys.v1.package-stored.${id(deviceId)}`,
    /** gateway (core, fan-out, not in a stream): a device asks its user's other devices for sender keys. */
    keysRequested: (userId: string) => `cl.evt.keys.v1.requested.${id(userId)}`,
    keysRequestedAll: 'cl.evt.keys.v1.requested.*',
    /** directory (core): a device registered its public key. */
    deviceRegistered: (userId: string) => `cl.evt.directory.v1.device-registered.${id(userId)}`,
    /** presence (core): a user went online or offline. */
    presenceChanged: (userId: string) => `cl.evt.presence.v1.changed.${id(userId)}`,
    presenceChangedAll: 'cl.evt.presence.v1.changed.*',
  },
} as const;

/** JetStream streams. Each service creates (idempotently) the streams it publishes to. */
export const streams = {
  /** Commands to store messages; work queue consumed by message-store. */
  messageCommands: { name: 'CL_MESSAGE_CMD', subjects: ['cl.cmd.message.v1.>'] },
  /**
   * Durable events: accounts, membership, device and identity keys, stored messages. Core-only subjects (presence,
   * session revocation, key packages and key requests, device-registered) are deliberately not covered.
   */
  events: {
    name: 'CL_EVENTS',
    subjects: [
      'cl.evt.auth.v1.>',
      'cl.evt.directory.v1.member-added.>',
      'cl.evt.directory.v1.member-removed.>',
      'cl.evt.directory.v1.devices-changed.>',
      'cl.evt.directory.v1.identity-key-changed.>',
      'cl.evt.message.v1.>',
    ],
  },
} as const;

/** Durable consumer names. */
export const consumers = {
  messageStoreSend: 'message-store-send',
  directoryUserRegistered: 'directory-user-registered',
  directoryUserDeleted: 'directory-user-deleted',
} as const;
