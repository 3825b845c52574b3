import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Herald's version from the root package.json (found from src/ and from dist/ alike). */
function readVersion(): string {
  for (const up of ['../../..', '../../../..']) {
    try {
      return (JSON.parse(readFileSync(path.join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version: string }).version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
}

export const HERALD_VERSION = readVersion();
