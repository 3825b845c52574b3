import 'reflect-metadata';
import { loadConfig } from '@herald/config';
import { createDataSource, OrgRepository, runMigrations } from '@herald/persistence';

const USAGE = `Usage: herald <command>
  migrate                         apply database migrations
  orgs create <id> [--name NAME]  create an org (or rename it)`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const config = loadConfig();
  const dataSource = await createDataSource(config.DATABASE_URL, 2).initialize();
  try {
    const [command, sub, ...rest] = args;
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
