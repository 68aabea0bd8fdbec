import { createLogger } from '@cipherlink/kit';
import { loadRunnerConfig } from './config';
import { serviceFactories } from './registry';

// `npm run migrate`: apply the migrations of the selected services (all by default) and exit.
const config = loadRunnerConfig(process.env);
const logger = createLogger({ name: 'migrate', level: config.LOG_LEVEL });
for (const name of config.CL_SERVICES) {
  const service = serviceFactories[name](process.env, logger);
  if (!service.migrate) continue;
  await service.migrate();
  logger.info({ service: name }, 'migrations applied');
}
