export { createMessageStoreService } from './service';
export { loadMessageStoreConfig, type MessageStoreConfig } from './config';
export type { MessageStore, AppendResult, HistoryPage } from './store/message-store';
