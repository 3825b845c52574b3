import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { ApiKeyRepository, createDataSource, OrgRepository, runMigrations } from '@herald/persistence';
import { setupAdminHttp } from '../src/admin/admin-http';
import { ApiKeysService } from '../src/admin/api-keys/api-keys.service';
import { ROLES, type Role } from '../src/admin/auth/permissions';
import { setupConsoleHttp } from '../src/console/console-http';
import { IngestModule } from '../src/ingest.module';

/** Answers as tests read them: arbitrary JSON that the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions, not types, check the JSON here
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The ingest service's Nest app, built from IngestModule, serving HTTP on a random loopback port. */
export interface AdminApi {
  url: string;
  app: INestApplication;
  dataSource: DataSource;
  call<T = Json>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  /** A fresh org with a key of the given role. */
  org(role?: Role): Promise<{ orgId: string; key: string }>;
  key(orgId: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

/** Starts ingest in-process against the test broker and database; `env` overrides settings for this app. */
export async function startAdminApi(env: Record<string, string> = {}): Promise<AdminApi> {
  Object.assign(process.env, { HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true', LOG_FORMAT: 'text', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env });
  const dataSource = await createDataSource(process.env.DATABASE_URL!, 4).initialize();
  await runMigrations(dataSource);
  const app = await NestFactory.create(IngestModule, { logger: ['error', 'warn'] });
  setupAdminHttp(app);
  setupConsoleHttp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const keys = new ApiKeysService(new ApiKeyRepository(dataSource));
  const orgs = new OrgRepository(dataSource);

  const api: AdminApi = {
    url,
    app,
    dataSource,
    async call(method, path, { key, body, headers = {} } = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async key(orgId, role) {
      return (await keys.issue(orgId, `${role} key`, ROLES[role])).key;
    },
    async org(role = 'admin') {
      const orgId = `org_${randomUUID().slice(0, 8)}`;
      await orgs.upsert(orgId);
      return { orgId, key: await api.key(orgId, role) };
    },
    async close() {
      await app.close();
      await dataSource.destroy();
    },
  };
  return api;
}
