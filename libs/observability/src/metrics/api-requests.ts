import type { NextFunction, Request, Response } from 'express';
import type { ApiMetrics } from './herald-metrics';

/**
 * Probes and scrapes, not API traffic: counted, they would outnumber every real request and
 * dominate the API panels.
 */
const UNCOUNTED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Express middleware counting every request by its route template (`/api/v1/webhooks/:id`,
 * never the concrete path, so the label stays bounded); requests no route matched are `unmatched`.
 */
export function countApiRequests(metrics: ApiMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (UNCOUNTED_PATHS.has(request.path)) return next();
    const started = performance.now();
    response.once('finish', () => {
      const template = (request.route as { path?: string } | undefined)?.path;
      const route = typeof template === 'string' ? `${request.baseUrl}${template}` : 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: String(response.statusCode) });
      metrics.duration.observe({ method: request.method, route }, (performance.now() - started) / 1000);
    });
    next();
  };
}
