import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';

export const CONSOLE_PATH = '/console';

/** Where `tools/build.mjs` puts the built console: dist/apps/console, seen from here compiled (dist/) or as source (tests). */
const BUILT_CONSOLE = __filename.endsWith('.ts') ? path.resolve(__dirname, '../../../../dist/apps/console') : path.resolve(__dirname, '../../../console');

/**
 * The policy of every console response: scripts, styles and connections only from the console's own
 * origin, so an injected inline script or event handler never runs; no plugins; framing only by the
 * configured ancestors.
 */
export function consoleSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** Paths under /console that the server answers itself; every other GET is the single-page app. */
const SERVER_ROUTES = /^\/(session|api\/)/;

/**
 * Serves the built console at /console (static files, index.html for the app's own routes), every
 * answer with the CSP above. Runs before the app initialises, like setupAdminHttp.
 */
export function setupConsoleHttp(app: INestApplication, directory = process.env.HERALD_CONSOLE_DIR ?? BUILT_CONSOLE): void {
  const express = app as NestExpressApplication;
  const config = app.get<HeraldConfig>(HERALD_CONFIG);
  const policy = consoleSecurityPolicy(config.HERALD_CONSOLE_FRAME_ANCESTORS);
  express.use(CONSOLE_PATH, (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Content-Security-Policy', policy);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  const index = path.join(directory, 'index.html');
  if (!existsSync(index)) {
    new Logger('console').warn({ msg: 'the web console is not built; /console answers 404 (run `npm run build`)', directory });
    return;
  }
  express.useStaticAssets(directory, { prefix: CONSOLE_PATH, index: 'index.html', immutable: false, maxAge: 0 });
  express.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || SERVER_ROUTES.test(request.path) || path.extname(request.path)) return next();
    response.sendFile(index);
  });
}
