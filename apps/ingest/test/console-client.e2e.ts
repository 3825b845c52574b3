import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAdminApi, type AdminApi } from './admin-api';

const ROOT = path.resolve(__dirname, '../../..');
const CONSOLE_API = path.join(ROOT, 'apps/console/src/api');
// Its package exports no path to the CLI, so it is run from node_modules.
const OPENAPI_TYPESCRIPT = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
const DOCUMENT = path.join(CONSOLE_API, 'openapi.json');
const TYPES = path.join(CONSOLE_API, 'schema.d.ts');

/** openapi-typescript's rendering of a document (fields with a default stay optional in requests): the types the console's client is checked against. */
function generateTypes(document: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-openapi-'));
  try {
    writeFileSync(path.join(dir, 'openapi.json'), document);
    execFileSync(process.execPath, [OPENAPI_TYPESCRIPT, path.join(dir, 'openapi.json'), '--default-non-nullable', 'false', '-o', path.join(dir, 'schema.d.ts')], { stdio: 'pipe' });
    return readFileSync(path.join(dir, 'schema.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The console's API client is typed from a checked-in copy of the OpenAPI document. When the API changes,
 * this fails until the copy is regenerated (HERALD_UPDATE_CONSOLE_API=1), and the regenerated types then
 * fail the console's typecheck wherever it no longer fits the API.
 */
describe('web console: its generated API client', () => {
  let api: AdminApi;

  beforeAll(async () => {
    api = await startAdminApi();
  });
  afterAll(() => api?.close());

  it('is generated from the OpenAPI document the admin API serves now', async () => {
    const { body } = await api.call('GET', '/api/v1/docs-json');
    const document = `${JSON.stringify({ ...body, info: { ...body.info, version: '(any)' } }, null, 2)}\n`;
    const types = generateTypes(document);
    if (process.env.HERALD_UPDATE_CONSOLE_API === '1') {
      writeFileSync(DOCUMENT, document);
      writeFileSync(TYPES, types);
    }
    const hint = 'the admin API changed: regenerate the console client with HERALD_UPDATE_CONSOLE_API=1 and fix what its typecheck reports';
    expect([hint, readFileSync(DOCUMENT, 'utf8')]).toEqual([hint, document]);
    expect([hint, readFileSync(TYPES, 'utf8')]).toEqual([hint, types]);
  }, 60_000);
});
