import {
  CertifiedDeviceResponse,
  ConversationMembersResponse,
  ConversationResponse,
  IdentityKeyResponse,
  KeyBackupConflictDetails,
  KeyBackupResponse,
  KeyBackupVersionResponse,
  KeyPackagesResponse,
  ConversationsResponse,
  DeviceResponse,
  DevicesResponse,
  HistoryResponse,
  RegisterResponse,
  RevokedCountResponse,
  SessionsResponse,
  TokenResponse,
  UserKeysResponse,
  UserResponse,
  type CertifiedDevice,
  type ChangePasswordRequest,
  type Conversation,
  type DeleteAccountRequest,
  type Device,
  type PublicUser,
  type PutKeyBackupRequest,
  type RegisterDeviceV1Request,
} from '@cipherlink/proto';
import { ApiError } from './api-error';
import { paths } from './paths';
import type { RestClient } from './rest-client';

/** Typed REST endpoints of every service; each response is validated with its proto schema. */
export class CipherLinkApi {
  constructor(readonly rest: RestClient) {}

  async register(username: string, password: string): Promise<PublicUser> {
    const res = await this.rest.request('POST', paths.register, { body: { username, password }, schema: RegisterResponse, auth: false });
    return res.user;
  }

  async login(username: string, password: string): Promise<TokenResponse> {
    const tokens = await this.rest.request('POST', paths.login, { body: { username, password }, schema: TokenResponse, auth: false });
    this.rest.setSession(tokens);
    return tokens;
  }

  /** Ends the server session (revokes the refresh token and clears the cookie). */
  async logout(): Promise<void> {
    await this.rest.request('POST', paths.logout, { auth: true });
  }

  /** This user's active sessions (current first) and latest security events (newest first). */
  async sessions(): Promise<SessionsResponse> {
    return this.rest.request('GET', paths.sessions, { schema: SessionsResponse });
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.rest.request('DELETE', paths.session(sessionId));
  }

  /** Ends every session but this one; resolves with how many were ended. */
  async revokeOtherSessions(): Promise<number> {
    return (await this.rest.request('POST', paths.revokeOtherSessions, { schema: RevokedCountResponse })).revoked;
  }

  /** Ends every session, this one included, and clears the refresh cookie. */
  async logoutAll(): Promise<number> {
    return (await this.rest.request('POST', paths.logoutAll, { schema: RevokedCountResponse })).revoked;
  }

  /** The other sessions are ended; this one stays signed in. A wrong current password is a 401, not retried. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const body = { currentPassword, newPassword } satisfies ChangePasswordRequest;
    await this.rest.request('POST', paths.changePassword, { body });
  }

  /** A wrong password is a 401, not retried. */
  async deleteAccount(password: string): Promise<void> {
    await this.rest.request('POST', paths.deleteAccount, { body: { password } satisfies DeleteAccountRequest });
  }

  async registerDevice(publicKey: string): Promise<Device> {
    return (await this.rest.request('PUT', paths.devices, { body: { publicKey }, schema: DeviceResponse })).device;
  }

  async devicesOf(userId: string): Promise<Device[]> {
    return (await this.rest.request('GET', paths.userDevices(userId), { schema: DevicesResponse })).devices;
  }

  /** The user with this username, or null when there is none. */
  async userByName(username: string): Promise<PublicUser | null> {
    try {
      return (await this.rest.request('GET', paths.userByName(username), { schema: UserResponse })).user;
    } catch (err) {
      // 404: no such user. 400: not a valid username at all, so certainly no such user.
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
      throw err;
    }
  }

  async openDm(peerUserId: string): Promise<Conversation> {
    return (await this.rest.request('POST', paths.dms, { body: { peerUserId }, schema: ConversationResponse })).conversation;
  }

  async conversations(): Promise<Conversation[]> {
    return (await this.rest.request('GET', paths.conversations, { schema: ConversationsResponse })).conversations;
  }

  async history(conversationId: string, afterSeq: number, limit: number): Promise<HistoryResponse> {
    return this.rest.request('GET', paths.history(conversationId), { query: { afterSeq, limit }, schema: HistoryResponse });
  }

  // ---- protocol v1 keys ----

  /** Set (first time) or replace (reset) this user's identity public key (raw point, base64url). */
  async setIdentityKey(identityKey: string): Promise<IdentityKeyResponse> {
    return this.rest.request('PUT', paths.identity, { body: { identityKey }, schema: IdentityKeyResponse });
  }

  async registerCertifiedDevice(body: RegisterDeviceV1Request): Promise<CertifiedDevice> {
    return (await this.rest.request('POST', paths.certifiedDevices, { body, schema: CertifiedDeviceResponse })).device;
  }

  async removeDevice(deviceId: string): Promise<void> {
    await this.rest.request('DELETE', paths.device(deviceId));
  }

  /** A user's identity key and certified devices (self, or someone sharing a conversation; 404 otherwise). */
  async userKeys(userId: string): Promise<UserKeysResponse> {
    return this.rest.request('GET', paths.userKeys(userId), { schema: UserKeysResponse });
  }

  /** A conversation's members with roles, identity keys and certified devices. */
  async conversationMembers(conversationId: string): Promise<ConversationMembersResponse> {
    return this.rest.request('GET', paths.conversationMembers(conversationId), { schema: ConversationMembersResponse });
  }

  /** This user's key backup, or null when there is none. */
  async keyBackup(): Promise<KeyBackupResponse | null> {
    try {
      return await this.rest.request('GET', paths.keyBackup, { schema: KeyBackupResponse });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * Store a new backup version (`version` = stored + 1). Resolves `{ conflict: currentVersion }` when another
   * device wrote first (409), so the caller can read it again and retry.
   */
  async putKeyBackup(body: PutKeyBackupRequest): Promise<KeyBackupVersionResponse | { conflict: number }> {
    try {
      return await this.rest.request('PUT', paths.keyBackup, { body, schema: KeyBackupVersionResponse });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        const details = KeyBackupConflictDetails.safeParse(err.details);
        if (details.success) return { conflict: details.data.currentVersion };
      }
      throw err;
    }
  }

  async keyPackages(deviceId: string, afterSeq: number, limit: number): Promise<KeyPackagesResponse> {
    return this.rest.request('GET', paths.keyPackages, { query: { deviceId, afterSeq, limit }, schema: KeyPackagesResponse });
  }

  // ---- rooms ----

  async createRoom(name: string): Promise<Conversation> {
    return (await this.rest.request('POST', paths.rooms, { body: { name }, schema: ConversationResponse })).conversation;
  }

  async addRoomMember(conversationId: string, userId: string): Promise<Conversation> {
    return (await this.rest.request('POST', paths.roomMembers(conversationId), { body: { userId }, schema: ConversationResponse })).conversation;
  }

  async removeRoomMember(conversationId: string, userId: string): Promise<void> {
    await this.rest.request('DELETE', paths.roomMember(conversationId, userId));
  }

  async makeRoomAdmin(conversationId: string, userId: string): Promise<Conversation> {
    return (await this.rest.request('POST', paths.roomAdmins(conversationId), { body: { userId }, schema: ConversationResponse })).conversation;
  }
}
