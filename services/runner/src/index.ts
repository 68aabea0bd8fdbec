export { startStack, type Stack } from './stack';
export { SERVICE_NAMES, type ServiceName } from './config';
