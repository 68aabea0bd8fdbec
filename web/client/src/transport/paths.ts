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
} as const;
