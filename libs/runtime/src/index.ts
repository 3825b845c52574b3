export { createLogger, runService, type ServiceOptions } from './run-service';
