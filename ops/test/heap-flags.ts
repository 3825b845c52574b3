import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '..', '..');

/**
 * The node flags a deployment (k8s or compose) must give each service beyond the image's NODE_OPTIONS, so that it runs
 * as `npm run services` runs it (serviceHeapFlags in tools/dev/services.mjs).
 */
export async function ownHeapFlags(): Promise<string[]> {
  const { serviceHeapFlags } = (await import(pathToFileURL(path.join(root, 'tools/dev/services.mjs')).href)) as { serviceHeapFlags(): string[] };
  const imageFlags = /NODE_OPTIONS=(\S+)/.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1].split(',') ?? [];
  return serviceHeapFlags().filter((flag) => !imageFlags.includes(flag));
}
