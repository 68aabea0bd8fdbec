export { createDirectoryService, type DirectoryDeps } from './service';
export { loadDirectoryConfig, type DirectoryConfig } from './config';
