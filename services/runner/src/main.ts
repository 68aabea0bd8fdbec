import { closeOnSignal } from '@cipherlink/kit';
import { startStack } from './stack';

// Composition root: `CL_SERVICES=all` (default) runs every service in this process; `CL_SERVICES=gateway` runs one.
const stack = await startStack(process.env);
stack.logger.info({ services: stack.services, url: stack.url }, 'CipherLink is up');
if (process.stdout.isTTY || process.env.CL_PRINT_URL !== 'false') console.log(`\n  CipherLink is running at ${stack.url}\n`);
closeOnSignal(stack, stack.logger);
