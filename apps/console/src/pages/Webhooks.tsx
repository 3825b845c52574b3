import { useState } from 'react';
import { api, data, type Webhook } from '../api/client';
import { percent, successRateOf } from '../logic/chart';
import { WEBHOOK_DEFAULTS } from '../logic/forms';
import { useCan } from '../session';
import { Badge, Empty, Notice, Pills, SecretOnce, Time, useLoad } from '../ui';
import { WebhookForm } from './WebhookForm';

export function WebhookStatus({ webhook }: { webhook: Webhook }) {
  if (webhook.paused) return <Badge tone="bad">paused</Badge>;
  if (!webhook.enabled) return <Badge tone="muted">disabled</Badge>;
  return <Badge tone="ok">active</Badge>;
}

export function WebhooksPage() {
  const can = useCan();
  const list = useLoad(() => data(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } } })), []);
  const overview = useLoad(() => data(api.GET('/api/v1/overview')), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const stats = new Map((overview.data?.destinations ?? []).map((d) => [d.id, d]));
  const webhooks = list.data?.data ?? [];

  return (
    <>
      <div className="title-row">
        <h1>Webhooks</h1>
        {can('webhooks:write') && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New webhook
          </button>
        )}
      </div>
      {list.error && <Notice>{list.error}</Notice>}
      {created && (
        <SecretOnce
          label="Signing secret of the new webhook"
          value={created.secret}
          note={<a href={`#/webhooks/${encodeURIComponent(created.id)}`}>Open the webhook</a>}
          onDone={() => setCreated(null)}
        />
      )}
      {creating && (
        <section aria-labelledby="new-webhook">
          <h2 id="new-webhook">New webhook</h2>
          <WebhookForm
            initial={WEBHOOK_DEFAULTS}
            submitLabel="Create webhook"
            onCancel={() => setCreating(false)}
            onSubmit={async (fields) => {
              const webhook = await data(api.POST('/api/v1/webhooks', { body: fields }));
              setCreated({ id: webhook.id, secret: webhook.secret });
              setCreating(false);
              list.reload();
            }}
          />
        </section>
      )}
      {list.data && webhooks.length === 0 && !creating && (
        <Empty title="No webhooks yet.">
          <p>{can('webhooks:write') ? 'Create one to send events to your endpoint: choose New webhook.' : 'An admin of this org can create one.'}</p>
        </Empty>
      )}
      {webhooks.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col">Events</th>
              <th scope="col">Last delivery</th>
              <th scope="col">Success, 24 h</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => {
              const s = stats.get(w.id);
              return (
                <tr key={w.id}>
                  <td data-label="Endpoint">
                    <a className="url" href={`#/webhooks/${encodeURIComponent(w.id)}`}>
                      {w.url}
                    </a>
                    {w.description && <div className="muted">{w.description}</div>}
                  </td>
                  <td data-label="Status">
                    <WebhookStatus webhook={w} />
                  </td>
                  <td data-label="Events">
                    <Pills items={w.events} empty="all enabled" />
                  </td>
                  <td data-label="Last delivery">
                    <Time iso={s?.last_delivery_at} />
                  </td>
                  <td data-label="Success, 24 h">{percent(successRateOf(s))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
