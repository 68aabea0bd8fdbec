import type { Conversation, Device, PublicUser } from '@cipherlink/proto';

export type { PgPool, PgClient } from '@cipherlink/kit';

/** Rows are returned in their wire shapes so handlers never reshape storage types. */
export type PublicUserRow = PublicUser;
export type DeviceRow = Device;
export type ConversationRow = Conversation;

/** `timestamptz` columns come back as Date; the wire wants ISO-8601. */
export const isoOf = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();
