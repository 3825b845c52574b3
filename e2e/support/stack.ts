import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What tools/dev/services.mjs returns (it is plain ESM, shared with `npm start`). */
export interface ExitInfo {
  name: string;
  code: number | null;
  signal: string | null;
  forced: boolean;
}

export interface RunningStack {
  /** `healthUrl`: where the probe thread answers /healthz and /readyz (HEALTH_PORT). */
  services: { name: string; port: number; pid: number; url: string; healthUrl: string }[];
  stop(opts?: { timeoutMs?: number }): Promise<ExitInfo[]>;
  stopOne(name: string, opts?: { timeoutMs?: number; signal?: string }): Promise<Omit<ExitInfo, 'name'>>;
  /** Starts a stopped service again with the same settings and port; resolves once it is ready. */
  startOne(name: string): Promise<{ name: string; port: number; pid: number }>;
  tail(name: string, lines?: number): string;
}

interface ServicesModule {
  SERVICES: readonly string[];
  startServices(options: {
    env: Record<string, string>;
    portBase?: number;
    ports?: Record<string, number>;
    services?: readonly string[];
    onLine?: (name: string, line: string) => void;
    waitFor?: 'readyz' | 'healthz' | false;
  }): Promise<RunningStack>;
}

export const root = path.resolve(__dirname, '..', '..');

export function servicesModule(): Promise<ServicesModule> {
  return import(pathToFileURL(path.join(root, 'tools/dev/services.mjs')).href) as Promise<ServicesModule>;
}

/** Compiles the services and migrates the test database, as `npm start` does before starting them. */
export function buildAndMigrate(databaseUrl = process.env.DATABASE_URL): void {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'pipe' });
  execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'migrate'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
}

/**
 * A suite's first service port, moved by HERALD_TEST_PORT_OFFSET so that two test runs on one machine
 * (for example in two worktrees) never collide.
 */
export function suitePorts(base: number): number {
  return base + Number(process.env.HERALD_TEST_PORT_OFFSET ?? 0);
}

/** Environment every service of a test stack gets: the test broker and database, loopback receivers allowed. */
export function stackEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
    DATABASE_URL: process.env.DATABASE_URL!,
    HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts the four services as processes; resolves when every /readyz answers 200. `onLine` sees each output line. */
export async function startStack(portBase: number, env: Record<string, string> = {}, onLine: (name: string, line: string) => void = () => undefined): Promise<RunningStack> {
  const { startServices } = await servicesModule();
  return startServices({ env: stackEnv(env), portBase, onLine });
}
