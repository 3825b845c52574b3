import { useEffect, useState } from 'react';
import { loadSession, SessionContext, signOut, type ConsoleSession } from './session';
import { ApiKeysPage } from './pages/ApiKeys';
import { DeliveriesPage } from './pages/Deliveries';
import { EmailChannelsPage } from './pages/EmailChannels';
import { EventTypesPage } from './pages/EventTypes';
import { OverviewPage } from './pages/Overview';
import { WebhookPage } from './pages/Webhook';
import { WebhooksPage } from './pages/Webhooks';
import { Notice } from './ui';

const PAGES = [
  { path: 'overview', label: 'Overview' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'deliveries', label: 'Delivery log' },
  { path: 'email', label: 'Email channels' },
  { path: 'events', label: 'Event types' },
  { path: 'api-keys', label: 'API keys' },
];

/** The page the location hash names: #/webhooks/wh_123 → ['webhooks', 'wh_123']. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function Page({ route }: { route: string[] }) {
  const [page = 'overview', id] = route;
  switch (page) {
    case 'webhooks':
      return id ? <WebhookPage id={id} /> : <WebhooksPage />;
    case 'deliveries':
      return <DeliveriesPage />;
    case 'email':
      return <EmailChannelsPage />;
    case 'events':
      return <EventTypesPage />;
    case 'api-keys':
      return <ApiKeysPage />;
    default:
      return <OverviewPage />;
  }
}

export function App() {
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    loadSession().then(setSession, () => setSession(null));
    const signedOut = () => setSession(null);
    window.addEventListener('herald:signed-out', signedOut);
    return () => window.removeEventListener('herald:signed-out', signedOut);
  }, []);
  useEffect(() => {
    if (!session) return;
    // Branding: a custom property on the root element (an inline style attribute would break the CSP).
    document.documentElement.style.setProperty('--accent', session.branding.accent);
    document.title = `${session.branding.name} console`;
  }, [session]);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null)
    return (
      <main className="signed-out">
        <h1>Signed out</h1>
        <Notice kind="info">This console opens from a one-time link. Ask your administrator (or the product you came from) for a new link.</Notice>
      </main>
    );

  const current = route[0] ?? 'overview';
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">{session.branding.name}</span>
        <span className="org">
          {session.org_id} · <span data-testid="role">{session.role}</span>{' '}
          <button type="button" className="link" onClick={() => void signOut().then(() => setSession(null))}>
            Sign out
          </button>
        </span>
      </header>
      <nav aria-label="Sections" className="nav">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a href={`#/${p.path}`} aria-current={current === p.path ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}
