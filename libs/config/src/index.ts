export { ConfigSchema, loadConfig, type HeraldConfig } from './config';
export { HERALD_CONFIG, HeraldConfigModule } from './config.module';
export { HERALD_VERSION } from './version';
