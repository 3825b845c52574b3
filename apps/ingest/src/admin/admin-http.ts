import type { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HERALD_VERSION } from '@herald/config';
import { ApiMetrics, countApiRequests } from '@herald/observability';
import { API_KEY_SCHEME } from './admin-controller.decorator';
import { ADMIN_API_MODULES, ADMIN_PREFIX } from './admin.module';
import { openApiComponents } from './openapi/schemas';
import { UnknownAdminRouteFilter } from './problems/problem.filter';
import { bodyProblems, checkBodyText, checkBodyValues, rejectUnreadableUrls } from './problems/request-guards';

const MAX_BODY = '1mb';

/** The OpenAPI document, generated from the admin controllers' decorators and the zod schemas. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Herald admin API')
    .setDescription(
      'Manage webhooks, email channels, event types, events, the delivery log and API keys of one org. ' +
        'Authenticate with `Authorization: Bearer <api key>`. Mutations honour `Idempotency-Key` (24 h). ' +
        'Every authenticated response carries X-RateLimit-Limit/Remaining/Reset; errors are RFC 9457 problem+json.',
    )
    .setVersion(HERALD_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (hk_…) from `herald api-keys create` or POST /api-keys' }, API_KEY_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { include: ADMIN_API_MODULES });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...openApiComponents() } };
  return document;
}

/**
 * HTTP setup of the admin API, before the app initialises: request metrics, URL checks, a JSON
 * body parser that refuses deep nesting before parsing and whose failures answer problem+json
 * (Express would answer HTML), the intake limits on every parsed body, problem+json for unknown
 * paths under /api/v1, and the docs at /api/v1/docs and /api/v1/docs-json.
 */
export function setupAdminHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.use(countApiRequests(app.get(ApiMetrics)));
  express.use(rejectUnreadableUrls(`/${ADMIN_PREFIX}`));
  express.useBodyParser('json', { limit: MAX_BODY, verify: checkBodyText });
  // Nest would add its urlencoded parser after the handlers below, where its failures would answer plain JSON.
  express.useBodyParser('urlencoded', { limit: MAX_BODY, extended: false });
  express.use(checkBodyValues);
  express.use(bodyProblems(MAX_BODY));
  app.useGlobalFilters(new UnknownAdminRouteFilter(`/${ADMIN_PREFIX}`, app.get(HttpAdapterHost).httpAdapter));
  SwaggerModule.setup(`${ADMIN_PREFIX}/docs`, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${ADMIN_PREFIX}/docs-json` });
}
