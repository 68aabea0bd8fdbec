import { runSingleService } from '@cipherlink/kit';
import { loadDirectoryConfig } from './config';
import { createDirectoryService } from './service';

// Per-service deployment: the directory alone behind its own HTTP port.
await runSingleService('directory', loadDirectoryConfig(process.env), createDirectoryService);
