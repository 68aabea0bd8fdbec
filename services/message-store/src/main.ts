import { runSingleService } from '@cipherlink/kit';
import { loadMessageStoreConfig } from './config';
import { createMessageStoreService } from './service';

// Per-service deploy: the same Service the all-in-one runner uses, behind its own HTTP server.
await runSingleService('message-store', loadMessageStoreConfig(process.env), createMessageStoreService);
