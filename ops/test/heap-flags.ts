import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');

interface DevServices {
  serviceHeapFlags(name: string): string[];
  serviceMallocEnv(name: string): Record<string, string>;
}

const devServices = async () => (await import(pathToFileURL(path.join(root, 'tools/dev/services.mjs')).href)) as DevServices;

/**
 * The node flags a deployment (k8s or compose) must give a service beyond the image's NODE_OPTIONS, so that it runs
 * as `npm run services` runs it (serviceHeapFlags in tools/dev/services.mjs).
 */
export async function ownHeapFlags(service: string): Promise<string[]> {
  const imageFlags = /NODE_OPTIONS=(\S+)/.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1].split(',') ?? [];
  return (await devServices()).serviceHeapFlags(service).filter((flag) => !imageFlags.includes(flag));
}

/** The glibc settings `npm run services` gives a service (serviceMallocEnv in tools/dev/services.mjs). */
export async function ownMallocEnv(service: string): Promise<Record<string, string>> {
  return (await devServices()).serviceMallocEnv(service);
}

/** The `MALLOC_*` entries of an environment. */
export function mallocEntries(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('MALLOC_')));
}
