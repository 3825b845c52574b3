export { createLogger, runService, type ServiceOptions } from './run-service';
export { PeriodicJob } from './periodic-job';
