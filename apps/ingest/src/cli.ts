import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HeraldConfigModule, loadConfig } from '@herald/config';
import { EventCatalogModule } from '@herald/events';
import { createKafka, readDeadLetters, replayDeadLetter, type DeadLetter } from '@herald/kafka';
import { ObservabilityModule } from '@herald/observability';
import { ApiKeyRepository, createDataSource, OrgRepository, PersistenceModule, runMigrations } from '@herald/persistence';
import { ApiKeysService } from './admin/api-keys/api-keys.service';
import { ROLES, type Role } from './admin/auth/permissions';
import { DeclarativeConfigModule } from './admin/declarative-config/declarative-config.module';
import { DeclarativeConfigService } from './admin/declarative-config/declarative-config.service';

const USAGE = `Usage: herald <command>
  migrate                                              apply database migrations
  orgs create <id> [--name NAME]                       create an org (or rename it)
  api-keys create --org ORG --role admin|viewer [--name NAME]
                                                       issue an API key; it is printed once, never stored
  config apply FILE                                    create or update what a declarative config file declares
  dlq list --topic TOPIC [--partition P --offset O]    what a dead-letter topic holds: reason, error, source position
  dlq replay --topic TOPIC --partition P --offset O [--to TOPIC]
                                                       send one parked message back to its source topic, as it came`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

/** What `config apply` needs: the same services the API uses, without HTTP or Kafka. */
@Module({ imports: [HeraldConfigModule, EventCatalogModule, ObservabilityModule.forService('cli'), PersistenceModule, DeclarativeConfigModule] })
class ConfigApplyModule {}

async function applyConfig(file: string): Promise<number> {
  const app = await NestFactory.createApplicationContext(ConfigApplyModule, { logger: ['error', 'warn'] });
  try {
    const report = await app.get(DeclarativeConfigService).applyFile(file);
    // Generated webhook secrets appear here once, like in the API's creation answer.
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } finally {
    await app.close();
  }
}

/** One line per parked message; the value only as a size, so a listing stays readable. */
function summary({ headers: _headers, value, ...letter }: DeadLetter): string {
  return JSON.stringify({ ...letter, bytes: value?.length ?? 0 });
}

async function deadLetters(sub: string | undefined, args: string[]): Promise<number> {
  const topic = option(args, 'topic');
  const partition = option(args, 'partition');
  const offset = option(args, 'offset');
  const at = partition !== undefined && offset !== undefined && /^\d+$/.test(partition) && /^\d+$/.test(offset) ? { partition: Number(partition), offset } : null;
  if (!topic || (sub === 'replay' && !at) || (sub !== 'list' && sub !== 'replay')) {
    console.error(USAGE);
    return 2;
  }
  const kafka = createKafka(loadConfig(), 'cli');
  if (sub === 'list') {
    for (const letter of await readDeadLetters(kafka, topic, at)) console.log(summary(letter));
    return 0;
  }
  const { letter, to } = await replayDeadLetter(kafka, topic, at!, option(args, 'to'));
  console.log(JSON.stringify({ replayed: { topic, partition: letter.partition, offset: letter.offset }, to, key: letter.key, reason: letter.reason }));
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, sub, ...rest] = args;
  if (command === 'config' && sub === 'apply' && rest[0]) return applyConfig(rest[0]);
  if (command === 'dlq') return deadLetters(sub, rest);

  const config = loadConfig();
  const dataSource = await createDataSource(config.DATABASE_URL, 2).initialize();
  try {
    if (command === 'migrate') {
      const applied = await runMigrations(dataSource);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    if (command === 'orgs' && sub === 'create' && rest[0]) {
      const org = await new OrgRepository(dataSource).upsert(rest[0], option(rest, 'name') ?? rest[0]);
      console.log(JSON.stringify({ id: org.id, name: org.name }));
      return 0;
    }
    const orgId = option(rest, 'org');
    const role = option(rest, 'role');
    if (command === 'api-keys' && sub === 'create' && orgId && role && role in ROLES) {
      if (!(await new OrgRepository(dataSource).exists(orgId))) {
        console.error(`unknown org '${orgId}': create it first with \`herald orgs create ${orgId}\``);
        return 1;
      }
      const { entity, key } = await new ApiKeysService(new ApiKeyRepository(dataSource)).issue(orgId, option(rest, 'name') ?? `${role} key`, ROLES[role as Role]);
      console.log(JSON.stringify({ id: entity.id, org_id: entity.orgId, name: entity.name, permissions: entity.permissions, key }));
      console.error('Store the key now: it is shown only this once.');
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
