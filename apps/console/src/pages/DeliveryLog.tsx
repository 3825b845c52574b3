import { useEffect, useState } from 'react';
import { api, data, type Delivery, type DeliverySummary } from '../api/client';
import { useCan } from '../session';
import { Badge, Empty, Field, Notice, Time, useLoad } from '../ui';

type Status = 'pending' | 'succeeded' | 'failed' | 'held';
interface Filters {
  status: '' | Status;
  event_type: string;
  since: string;
  until: string;
}

const TONES: Record<Status, 'ok' | 'bad' | 'warn' | 'info'> = { succeeded: 'ok', failed: 'bad', held: 'warn', pending: 'info' };

/** A datetime-local value (the viewer's zone) as an ISO instant, or nothing. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

function query(filters: Filters, cursor?: string) {
  return { limit: 25, cursor, status: filters.status || undefined, event_type: filters.event_type.trim() || undefined, since: instant(filters.since), until: instant(filters.until) };
}

/** One delivery's attempts: time, status code, latency, the receiver's answer as received, the error. */
function Attempts({ id, onRetried }: { id: string; onRetried: () => void }) {
  const can = useCan();
  const { data: delivery, error } = useLoad<Delivery>(() => data(api.GET('/api/v1/deliveries/{id}', { params: { path: { id } } })), [id]);
  const [retried, setRetried] = useState<string | null>(null);
  if (error) return <Notice>{error}</Notice>;
  if (!delivery) return <p className="muted">Loading attempts…</p>;
  return (
    <div className="attempts">
      {delivery.event && (
        <details className="event">
          <summary>
            Event <code>{delivery.event.id}</code> · occurred <Time iso={delivery.event.occurred_at} />
          </summary>
          <pre className="body" data-testid="event-data">
            {JSON.stringify(delivery.event.data, null, 2)}
          </pre>
        </details>
      )}
      {delivery.attempt_log.length === 0 ? (
        <p className="muted">No attempt yet.</p>
      ) : (
        <ol>
          {delivery.attempt_log.map((a) => (
            <li key={a.attempt} className="attempt">
              <div>
                <strong>Attempt {a.attempt}</strong> · <Time iso={a.attempted_at} /> · {a.succeeded ? <Badge tone="ok">ok</Badge> : <Badge tone="bad">failed</Badge>} · status{' '}
                <span data-testid="status-code">{a.status_code ?? 'none'}</span> · {a.latency_ms} ms
              </div>
              {a.error && <div className="error-text">{a.error}</div>}
              {a.response_body !== null && a.response_body !== '' && <pre className="body" data-testid="response-body">{a.response_body}</pre>}
            </li>
          ))}
        </ol>
      )}
      {can('deliveries:write') && (
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              data(api.POST('/api/v1/deliveries/{id}/retry', { params: { path: { id } } })).then(
                (r) => {
                  setRetried(`Queued as attempt ${r.attempt}.`);
                  onRetried();
                },
                (e: Error) => setRetried(e.message),
              )
            }
          >
            Retry now
          </button>
          {retried && <span role="status">{retried}</span>}
        </div>
      )}
    </div>
  );
}

/** The delivery log of one webhook, or of the whole org: filters, each delivery's attempts, cursor paging. */
export function DeliveryLog({ webhookId, refreshKey = 0 }: { webhookId?: string; refreshKey?: number }) {
  const [filters, setFilters] = useState<Filters>({ status: '', event_type: '', since: '', until: '' });
  const [pages, setPages] = useState<{ items: DeliverySummary[]; next: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = async (applied: Filters, cursor?: string) => {
    try {
      const page = webhookId
        ? await data(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: webhookId }, query: query(applied, cursor) } }))
        : await data(api.GET('/api/v1/deliveries', { params: { query: query(applied, cursor) } }));
      setPages((previous) => ({ items: cursor && previous ? [...previous.items, ...page.data] : page.data, next: page.next_cursor }));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load(filters);
    // Filters apply when submitted, not while typed.
  }, [webhookId, refreshKey]);

  return (
    <section aria-label="Delivery log" className="log">
      {webhookId && <h2>Delivery log</h2>}
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          void load(filters);
        }}
      >
        <Field label="Status">
          {(p) => (
            <select {...p} value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as Filters['status'] })}>
              <option value="">any</option>
              <option value="succeeded">succeeded</option>
              <option value="failed">failed</option>
              <option value="pending">pending</option>
              <option value="held">held</option>
            </select>
          )}
        </Field>
        <Field label="Event type">
          {(p) => <input {...p} value={filters.event_type} onChange={(e) => setFilters({ ...filters, event_type: e.target.value })} placeholder="deploy.failed" />}
        </Field>
        <Field label="From">{(p) => <input {...p} type="datetime-local" value={filters.since} onChange={(e) => setFilters({ ...filters, since: e.target.value })} />}</Field>
        <Field label="Until">{(p) => <input {...p} type="datetime-local" value={filters.until} onChange={(e) => setFilters({ ...filters, until: e.target.value })} />}</Field>
        <div className="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      {error && <Notice>{error}</Notice>}
      {pages && pages.items.length === 0 && (
        <Empty title="No deliveries match.">
          <p>Deliveries appear here as soon as an event matches {webhookId ? 'this webhook' : 'a webhook or email channel'}. Send a test, or widen the filters.</p>
        </Empty>
      )}
      {pages && pages.items.length > 0 && (
        <ul className="deliveries">
          {pages.items.map((d) => (
            <li key={d.id} className="delivery" data-testid="delivery">
              <div className="delivery-head">
                <Badge tone={TONES[d.status]}>{d.status}</Badge>
                <span className="event-type">{d.event_type}</span>
                <span className="muted">
                  <Time iso={d.created_at} /> · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                  {d.last_attempt?.status_code !== undefined && d.last_attempt?.status_code !== null && <> · last {d.last_attempt.status_code}</>}
                  {!webhookId && <> · {d.destination.kind} {d.destination.id}</>}
                </span>
                <button type="button" className="secondary" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                  {open === d.id ? 'Hide attempts' : 'Attempts'}
                </button>
              </div>
              {open === d.id && <Attempts id={d.id} onRetried={() => void load(filters)} />}
            </li>
          ))}
        </ul>
      )}
      {pages?.next && (
        <button type="button" className="secondary" onClick={() => void load(filters, pages.next!)}>
          Older deliveries
        </button>
      )}
    </section>
  );
}
