export { HeraldClient, type HeraldClientOptions } from './client';
