import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HeraldConfig, loadConfig } from './config';

/** Injection token for the validated configuration. */
export const HERALD_CONFIG = Symbol('HERALD_CONFIG');

@Global()
@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: (env) => loadConfig(env) })],
  providers: [{ provide: HERALD_CONFIG, useFactory: (): HeraldConfig => loadConfig() }],
  exports: [HERALD_CONFIG],
})
export class HeraldConfigModule {}
