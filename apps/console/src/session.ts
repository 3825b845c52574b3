import { createContext, useContext } from 'react';
import { csrfToken } from './api/client';

/** What ingest says about the browser's console session (GET /console/api/session). */
export interface ConsoleSession {
  org_id: string;
  role: string;
  permissions: string[];
  expires_at: string;
  branding: { name: string; accent: string };
}

export async function loadSession(): Promise<ConsoleSession | null> {
  const response = await fetch('/console/api/session', { credentials: 'same-origin' });
  return response.ok ? ((await response.json()) as ConsoleSession) : null;
}

/** Ends the session on the server and drops its cookies. */
export async function signOut(): Promise<void> {
  await fetch('/console/api/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'x-herald-csrf': csrfToken() ?? '' } });
}

export const SessionContext = createContext<ConsoleSession | null>(null);

/** Whether the session may do what `permission` allows: controls it may not use are not shown at all. */
export function useCan(): (permission: string) => boolean {
  const session = useContext(SessionContext);
  return (permission) => session?.permissions.includes(permission) ?? false;
}
