import { execFileSync } from 'node:child_process';
import { Agent } from 'undici';
import { root } from './stack';
import type { EndToEnd } from './suite';

/** The running ingest's admin API, called as an org's admin. */
export interface AdminApi {
  /** Creates an admin key of `orgId` with ingest's CLI, in the suite's database; the calls from now on use it. */
  actAs(orgId: string): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions, not types, check the JSON here
  call(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export function adminApi(suite: EndToEnd, portBase: number): AdminApi {
  // A fresh connection per call: the tests idle longer than ingest's keep-alive, and reusing a socket the server is
  // closing fails the call ("other side closed").
  const noKeepAlive = new Agent({ pipelining: 0 });
  suite.cleanup(() => noKeepAlive.close());
  let key = '';
  return {
    actAs(orgId) {
      const args = ['dist/apps/ingest/src/cli.js', 'api-keys', 'create', '--org', orgId, '--role', 'admin'];
      const created = execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, DATABASE_URL: suite.databaseUrl }, encoding: 'utf8' });
      key = (JSON.parse(created.trim().split('\n').at(-1)!) as { key: string }).key;
    },
    async call(method, apiPath, body) {
      const response = await fetch(`http://127.0.0.1:${portBase}/api/v1${apiPath}`, {
        dispatcher: noKeepAlive,
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}
