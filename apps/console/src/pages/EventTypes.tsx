import { api, data, type EmailChannel, type EventType, type Webhook } from '../api/client';
import { useCan } from '../session';
import { Badge, Notice, useLoad } from '../ui';

/** Seed 000's pills: which webhooks and channels receive a type (an empty event list receives every enabled type). */
function receivers(type: EventType, webhooks: Webhook[], channels: EmailChannel[]): { key: string; label: string; kind: string }[] {
  if (!type.enabled) return [];
  const wants = (events: string[]) => events.length === 0 || events.includes(type.type);
  return [
    ...webhooks.filter((w) => w.enabled && wants(w.events)).map((w) => ({ key: w.id, label: w.description || new URL(w.url).host, kind: 'webhook' })),
    ...channels.filter((c) => c.enabled && wants(c.events)).map((c) => ({ key: c.id, label: c.name || c.id, kind: 'email' })),
  ];
}

const SEVERITY = { success: 'ok', failure: 'bad', info: 'info' } as const;

export function EventTypesPage() {
  const can = useCan();
  const types = useLoad(() => data(api.GET('/api/v1/event-types', { params: { query: { limit: 200 } } })), []);
  const webhooks = useLoad(() => data(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } } })), []);
  const channels = useLoad(() => data(api.GET('/api/v1/email-channels', { params: { query: { limit: 200 } } })), []);
  const toggle = async (type: EventType) => {
    await data(api.PATCH('/api/v1/event-types/{type}', { params: { path: { type: type.type } }, body: { enabled: !type.enabled } }));
    types.reload();
  };
  const byCategory = new Map<string, EventType[]>();
  for (const t of types.data?.data ?? []) byCategory.set(t.category, [...(byCategory.get(t.category) ?? []), t]);
  return (
    <>
      <h1>Event types</h1>
      <p className="muted">Turning a type off stops it for every webhook and email channel of the org.</p>
      {types.error && <Notice>{types.error}</Notice>}
      {[...byCategory.entries()].map(([category, list]) => (
        <section key={category} aria-labelledby={`cat-${category}`}>
          <h2 id={`cat-${category}`}>{category}</h2>
          <table className="list types">
            <thead>
              <tr>
                <th scope="col">Event type</th>
                <th scope="col">Severity</th>
                <th scope="col">For this org</th>
                <th scope="col">Received by</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => {
                const to = receivers(t, webhooks.data?.data ?? [], channels.data?.data ?? []);
                return (
                  <tr key={t.type}>
                    <td data-label="Event type">
                      <code>{t.type}</code>
                      <div className="muted">{t.description}</div>
                    </td>
                    <td data-label="Severity">
                      <Badge tone={SEVERITY[t.severity]}>{t.severity}</Badge>
                    </td>
                    <td data-label="For this org">
                      {can('events:write') ? (
                        <span className="check">
                          <input id={`toggle-${t.type}`} type="checkbox" checked={t.enabled} onChange={() => void toggle(t)} />
                          <label htmlFor={`toggle-${t.type}`}>{t.enabled ? 'on' : 'off'}</label>
                        </span>
                      ) : (
                        <Badge tone={t.enabled ? 'ok' : 'muted'}>{t.enabled ? 'on' : 'off'}</Badge>
                      )}
                      <div className="muted">default {t.enabled_by_default ? 'on' : 'off'}</div>
                    </td>
                    <td data-label="Received by">
                      {to.length > 0 ? (
                        <ul className="pills" aria-label={`Receiving ${t.type}`}>
                          {to.map((r) => (
                            <li key={r.key} className={r.kind}>
                              {r.kind === 'email' ? '✉ ' : '↗ '}
                              {r.label}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">{t.enabled ? 'nothing yet' : 'nothing (off)'}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
