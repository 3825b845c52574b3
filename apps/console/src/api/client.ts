import createClient from 'openapi-fetch';
import type { Problem } from '../logic/forms';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Webhook = Schemas['Webhook'];
export type EmailChannel = Schemas['EmailChannel'];
export type EventType = Schemas['EventType'];
export type ApiKey = Schemas['ApiKey'];
export type DeliverySummary = Schemas['DeliverySummary'];
export type Delivery = Schemas['Delivery'];
export type Overview = Schemas['Overview'];

const CSRF_COOKIE = 'herald_console_csrf';

/** The CSRF token the server set beside the session cookie; mutations echo it (double submit). */
export function csrfToken(): string | null {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(CSRF_COOKIE.length + 1)) : null;
}

/** The admin API, typed from its OpenAPI document; the session cookie authenticates (no API key in the browser). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    const token = csrfToken();
    if (request.method !== 'GET' && token) request.headers.set('x-herald-csrf', token);
    return request;
  },
});

/** An error answer of the admin API with its problem details. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

/** The data of a successful answer; an ApiError carrying the problem otherwise. */
export async function data<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await request;
  if (!response.ok || error !== undefined) {
    if (response.status === 401) window.dispatchEvent(new Event('herald:signed-out'));
    throw new ApiError({ status: response.status, ...(typeof error === 'object' && error ? (error as Problem) : { detail: `HTTP ${response.status}` }) });
  }
  return body as T;
}
