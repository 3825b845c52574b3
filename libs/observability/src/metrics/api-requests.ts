import type { NextFunction, Request, Response } from 'express';
import type { ApiMetrics } from './herald-metrics';

/**
 * Express middleware counting every request by its route template (`/api/v1/webhooks/:id`,
 * never the concrete path, so the label stays bounded); requests no route matched are `unmatched`.
 */
export function countApiRequests(metrics: ApiMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
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
