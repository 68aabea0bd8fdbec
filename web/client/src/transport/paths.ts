/**
 * REST paths of the services, in one place. Paths with ids encode them, so a hostile id cannot change the route.
 */
const seg = encodeURIComponent;

export const paths = {
  register: '/api/auth/register',
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  logout: '/api/auth/logout',
  /** GET: this user's sessions and recent security events. */
  sessions: '/api/auth/sessions',
  /** DELETE: end one session of this user. */
  session: (sessionId: string) => `/api/auth/sessions/${seg(sessionId)}`,
  revokeOtherSessions: '/api/auth/sessions/revoke-others',
  logoutAll: '/api/auth/logout-all',
  changePassword: '/api/auth/password',
  deleteAccount: '/api/auth/account/delete',
  /** PUT: register this device's public key. */
  devices: '/api/directory/devices',
  userDevices: (userId: string) => `/api/directory/users/${seg(userId)}/devices`,
  userByName: (username: string) => `/api/directory/users/by-username/${seg(username)}`,
  conversations: '/api/directory/conversations',
  /** POST { peerUserId }: open (or get) the DM with a user. */
  dms: '/api/directory/dms',
  history: (conversationId: string) => `/api/messages/${seg(conversationId)}`,
  // ---- protocol v1 ----
  /** PUT: this user's identity public key. */
  identity: '/api/directory/identity',
  /** POST: register a certified (v1) device. Same path as the v0 PUT. */
  certifiedDevices: '/api/directory/devices',
  /** DELETE: remove one of this user's devices. */
  device: (deviceId: string) => `/api/directory/devices/${seg(deviceId)}`,
  userKeys: (userId: string) => `/api/directory/users/${seg(userId)}/keys`,
  conversationMembers: (conversationId: string) => `/api/directory/conversations/${seg(conversationId)}/members`,
  /** GET / PUT: this user's encrypted key backup. */
  keyBackup: '/api/directory/key-backup',
  /** GET ?deviceId=&afterSeq=&limit=: sender-key distributions addressed to one of this user's devices. */
  keyPackages: '/api/messages/key-packages',
  rooms: '/api/directory/rooms',
  roomMembers: (conversationId: string) => `/api/directory/rooms/${seg(conversationId)}/members`,
  roomMember: (conversationId: string, userId: string) => `/api/directory/rooms/${seg(conversationId)}/members/${seg(userId)}`,
  roomAdmins: (conversationId: string) => `/api/directory/rooms/${seg(conversationId)}/admins`,
} as const;
