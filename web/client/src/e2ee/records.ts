/**
 * Names of the protocol v1 records in the KeyStore (per user id). One place, so a name is never built twice.
 */
export const recordNames = {
  /** AccountKeys: identity key (non-extractable), this device's keys and certificate, backup secret. */
  account: 'account',
  /** OutboundState of one conversation: this device's current sender key there. */
  outbound: (conversationId: string) => `outbound/${conversationId.toLowerCase()}`,
  outboundPrefix: 'outbound/',
  /** SenderKeyShare: the earliest share of one sender key (to read history again after a reload, and the backup). */
  share: (conversationId: string, senderDeviceId: string, epoch: number) => `share/${conversationId.toLowerCase()}/${senderDeviceId.toLowerCase()}/${epoch}`,
  sharePrefix: 'share/',
  sharesOf: (conversationId: string) => `share/${conversationId.toLowerCase()}/`,
  /** This user left (or was removed from) the conversation: keys for it are not taken from the backup. */
  left: (conversationId: string) => `left/${conversationId.toLowerCase()}`,
  leftPrefix: 'left/',
  /** TrustRecord of one contact. */
  trust: (userId: string) => `trust/${userId.toLowerCase()}`,
  trustPrefix: 'trust/',
  /** SyncState: the last key-package seq processed. */
  sync: 'sync',
} as const;
