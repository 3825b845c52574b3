import { useState, type ReactNode } from 'react';
import { api, data, type Schemas } from '../api/client';
import { webhookFormValues } from '../logic/forms';
import { useCan } from '../session';
import { ConfirmButton, Notice, Pills, SecretOnce, Time, useLoad } from '../ui';
import { DeliveryLog } from './DeliveryLog';
import { WebhookForm } from './WebhookForm';
import { WebhookStatus } from './Webhooks';

type TestResult = Schemas['WebhookTestResult'];

function TestOutcome({ result }: { result: TestResult }) {
  return (
    <div className={`notice ${result.ok ? 'ok' : 'error'}`} role="status" data-testid="test-result">
      <p>
        {result.ok ? 'The endpoint answered' : 'The test failed'}: status <strong>{result.status_code ?? 'none'}</strong> in <strong>{result.round_trip_ms} ms</strong>
        {result.error && <> · {result.error}</>}
      </p>
      {result.response_body && <pre className="body">{result.response_body}</pre>}
    </div>
  );
}

/** One webhook: its settings, the actions on it, and its delivery log. */
export function WebhookPage({ id }: { id: string }) {
  const can = useCan();
  const hook = useLoad(() => data(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })), [id]);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<ReactNode>(null);
  const [secret, setSecret] = useState<{ value: string; graceEnd: string } | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [logKey, setLogKey] = useState(0);
  const path = { params: { path: { id } } };

  /** Runs an action, shows its outcome or the API's problem, and refreshes the webhook and its log. */
  const act = async (action: () => Promise<ReactNode>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage(await action());
    } catch (e) {
      setMessage(<Notice>{(e as Error).message}</Notice>);
    } finally {
      setBusy(false);
      hook.reload();
      setLogKey((k) => k + 1);
    }
  };

  if (hook.error) return <Notice>{hook.error}</Notice>;
  const w = hook.data;
  if (!w) return <p className="loading">Loading…</p>;
  const writable = can('webhooks:write');
  return (
    <>
      <p>
        <a href="#/webhooks">← Webhooks</a>
      </p>
      <div className="title-row">
        <h1 className="url">{w.url}</h1>
        <WebhookStatus webhook={w} />
      </div>
      {w.description && <p>{w.description}</p>}
      {secret && <SecretOnce label="New signing secret" value={secret.value} note={<>The previous secret keeps signing beside it until <Time iso={secret.graceEnd} />.</>} onDone={() => setSecret(null)} />}
      {writable && (
        <div className="actions toolbar">
          <button type="button" disabled={busy} onClick={() => act(async () => (setTest(await data(api.POST('/api/v1/webhooks/{id}/test', path))), null))}>
            Send test
          </button>
          {!w.paused && (
            <button type="button" className="secondary" disabled={busy} onClick={() => act(async () => (await data(api.POST('/api/v1/webhooks/{id}/pause', path)), <Notice kind="ok">Paused: new deliveries are held until you resume.</Notice>))}>
              Pause
            </button>
          )}
          {w.paused && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  const r = await data(api.POST('/api/v1/webhooks/{id}/resume', path));
                  return <Notice kind="ok">Resumed: {r.replayed} held deliveries replayed.</Notice>;
                })
              }
            >
              Resume
            </button>
          )}
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => act(async () => (await data(api.PATCH('/api/v1/webhooks/{id}', { ...path, body: { enabled: !w.enabled } })), <Notice kind="ok">{w.enabled ? 'Disabled: nothing is sent until you enable it.' : 'Enabled.'}</Notice>))}
          >
            {w.enabled ? 'Disable' : 'Enable'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(async () => {
                const r = await data(api.POST('/api/v1/webhooks/{id}/rotate-secret', { ...path, body: {} }));
                setSecret({ value: r.secret, graceEnd: r.previous_secrets_expire_at });
                return null;
              })
            }
          >
            Rotate secret
          </button>
          <button type="button" className="secondary" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            Edit
          </button>
          <ConfirmButton
            label="Delete"
            confirmLabel="Delete this webhook"
            busy={busy}
            onConfirm={() =>
              act(async () => {
                await data(api.DELETE('/api/v1/webhooks/{id}', path));
                window.location.hash = '#/webhooks';
                return null;
              })
            }
          />
        </div>
      )}
      {message}
      {test && <TestOutcome result={test} />}
      {editing && (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">Settings</h2>
          <WebhookForm
            initial={webhookFormValues(w)}
            submitLabel="Save"
            onCancel={() => setEditing(false)}
            onSubmit={async (fields) => {
              await data(api.PATCH('/api/v1/webhooks/{id}', { ...path, body: fields }));
              setEditing(false);
              hook.reload();
              setMessage(<Notice kind="ok">Saved.</Notice>);
            }}
          />
        </section>
      )}
      {!editing && (
        <dl className="settings">
          <dt>Events</dt>
          <dd>
            <Pills items={w.events} empty="every enabled type" />
          </dd>
          <dt>Projects</dt>
          <dd>
            <Pills items={w.project_ids} empty="every project" />
          </dd>
          <dt>Format · signing</dt>
          <dd>
            {w.format} · {w.signing_scheme}
          </dd>
          <dt>Retry schedule</dt>
          <dd>{w.retry_schedule.join(', ')}</dd>
          <dt>Timeout · rate limit</dt>
          <dd>
            {w.timeout_ms === null ? 'default' : `${w.timeout_ms} ms`} · {w.rate_limit === null ? 'unlimited' : `${w.rate_limit}/s`}
          </dd>
          <dt>Order · in flight</dt>
          <dd>
            {{ key: 'per ordering key', endpoint: 'whole endpoint, one at a time', none: 'none' }[w.ordering]} · {w.ordering === 'endpoint' ? 1 : w.max_in_flight}
          </dd>
          <dt>Pauses after</dt>
          <dd>
            {w.pause_after_failures === 0 ? 'never' : `${w.pause_after_failures} failures in a row`} ({w.consecutive_failures} now){w.client_errors_final && ' · 4xx final'}
          </dd>
          <dt>Created</dt>
          <dd>
            <Time iso={w.created_at} />
          </dd>
        </dl>
      )}
      <DeliveryLog webhookId={id} refreshKey={logKey} />
    </>
  );
}
