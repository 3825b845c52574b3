import path from 'node:path';
import { defineConfig } from 'vite';

/** The console is served by ingest under /console; its build goes beside the services' in dist/. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  build: { outDir: path.resolve(import.meta.dirname, '../../dist/apps/console'), emptyOutDir: true, sourcemap: true, target: 'es2022' },
  logLevel: 'warn',
});
