import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');

interface DevServices {
  serviceHeapFlags(name: string): string[];
  MALLOC_ENV: Record<string, string>;
}

const devServices = async () => (await import(pathToFileURL(path.join(root, 'tools/dev/services.mjs')).href)) as DevServices;

/** The image's `ENV` settings, read from the Dockerfile. */
export function imageEnv(): Record<string, string> {
  const line = /^ENV (.+)$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1] ?? '';
  return Object.fromEntries(line.split(/\s+/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/**
 * The node flags a deployment (k8s or compose) must give a service beyond the image's NODE_OPTIONS, so that it runs
 * as `npm run services` runs it (serviceHeapFlags in tools/dev/services.mjs).
 */
export async function ownHeapFlags(service: string): Promise<string[]> {
  const imageFlags = imageEnv().NODE_OPTIONS?.split(',') ?? [];
  return (await devServices()).serviceHeapFlags(service).filter((flag) => !imageFlags.includes(flag));
}

/** The malloc settings `npm run services` gives every service (MALLOC_ENV in tools/dev/services.mjs). */
export async function serviceMallocEnv(): Promise<Record<string, string>> {
  return { ...(await devServices()).MALLOC_ENV };
}
