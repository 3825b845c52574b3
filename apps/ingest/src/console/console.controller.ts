import { Controller, Delete, Get, HttpCode, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { ROLES, type Role } from '../admin/auth/permissions';
import { clearedSessionCookies, CSRF_HEADER, csrfSatisfied, sessionCookies } from '../admin/auth/portal-session';
import { PortalSessionsService } from '../admin/portal-sessions/portal-sessions.service';

/** What the console learns about itself before calling the admin API: its org, role and branding. */
export interface ConsoleSessionInfo {
  org_id: string;
  role: string;
  permissions: string[];
  expires_at: string;
  branding: { name: string; accent: string };
}

const LINK_REFUSED = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console link refused</title></head>
<body><h1>This console link cannot be used</h1><p>A console link opens the console once and only for a few minutes: this one was already used or has expired. Ask for a new link.</p></body></html>`;

/** Opening a portal link (the one-time exchange for a session cookie) and the console's view of its session. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly portal: PortalSessionsService,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  @Get('session')
  async open(@Query('token') token: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const opened = typeof token === 'string' && token.length > 0 ? await this.portal.open(token) : null;
    response.setHeader('Cache-Control', 'no-store');
    if (!opened) {
      response.status(410).type('html').send(LINK_REFUSED);
      return;
    }
    response.setHeader('Set-Cookie', sessionCookies(opened.sessionToken, opened.csrfToken, opened.session.sessionExpiresAt!, this.secure(request)));
    // Relative, so it works behind any path prefix a proxy adds: /…/console/session → /…/console/
    response.redirect(303, './');
  }

  /** Sign out: the session ends on the server (the cookie alone would outlive a stolen copy) and the cookies go. */
  @Delete('api/session')
  async end(@Req() request: Request, @Res() response: Response): Promise<void> {
    const session = await this.portal.fromCookies(request.headers.cookie);
    if (session && !csrfSatisfied(request.method, request.headers[CSRF_HEADER], session.csrfHash)) {
      response.status(403).json({ detail: `signing out needs the CSRF token in the ${CSRF_HEADER} header` });
      return;
    }
    if (session) await this.portal.end(session);
    response.setHeader('Set-Cookie', clearedSessionCookies(this.secure(request)));
    response.status(204).end();
  }

  /** Cookies are Secure when the console is reached over https (directly, or as configured behind a proxy). */
  private secure(request: Request): boolean {
    return request.secure || this.config.HERALD_CONSOLE_URL.startsWith('https:');
  }

  @Get('api/session')
  @HttpCode(200)
  async current(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ConsoleSessionInfo | { detail: string }> {
    response.setHeader('Cache-Control', 'no-store');
    const session = await this.portal.fromCookies(request.headers.cookie);
    if (!session) {
      response.status(401);
      return { detail: 'no console session: open a console link' };
    }
    return {
      org_id: session.orgId,
      role: session.role,
      permissions: [...ROLES[session.role as Role]],
      expires_at: session.sessionExpiresAt!.toISOString(),
      branding: { name: this.config.HERALD_CONSOLE_NAME, accent: this.config.HERALD_CONSOLE_ACCENT },
    };
  }
}
