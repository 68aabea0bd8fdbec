import type { StoredMessage } from '@cipherlink/proto';
import type { HistoryPage } from '../store/message-store';

/**
 * Turn up to `limit + 1` rows (adapters over-fetch by one) into a page: the extra row only tells us that more
 * messages follow, it is never returned.
 */
export function toHistoryPage(rows: readonly StoredMessage[], limit: number): HistoryPage {
  return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
}
