export { runServices } from './run-services.ts';
export { openAdapters, redactUrl, type Adapters } from './adapters.ts';
export { ALL_SERVICES, SERVICES, type ServiceName } from './services.ts';
