import { useState } from 'react';
import { api, data, type EmailChannel, type Schemas } from '../api/client';
import { EMAIL_CHANNEL_DEFAULTS, emailChannelFields, emailChannelFormValues, MAX_RECIPIENTS, type EmailChannelFormValues } from '../logic/forms';
import { useCan } from '../session';
import { Badge, ConfirmButton, Empty, Field, FormActions, Notice, Pills, useFormValues, useLoad, useSubmit } from '../ui';

const FIELDS = ['name', 'recipients', 'events', 'project_ids', 'smtp'];

/** Creating a channel, or editing one (`channel`), with the same fields and checks. */
function EmailChannelForm({ channel, onSaved, onCancel }: { channel?: EmailChannel; onSaved: () => void; onCancel: () => void }) {
  const { values, set } = useFormValues<EmailChannelFormValues>(channel ? emailChannelFormValues(channel) : EMAIL_CHANNEL_DEFAULTS);
  const { errors, general, busy, submit } = useSubmit(FIELDS);
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const { fields, errors: local } = emailChannelFields(values);
        void submit(local, async () => {
          if (channel) await data(api.PATCH('/api/v1/email-channels/{id}', { params: { path: { id: channel.id } }, body: fields }));
          else await data(api.POST('/api/v1/email-channels', { body: fields }));
          onSaved();
        });
      }}
    >
      {general && <Notice>{general}</Notice>}
      <Field label="Name" error={errors.name}>
        {(p) => <input {...p} name="name" value={values.name} onChange={set('name')} placeholder="Deploy failures → DevOps" />}
      </Field>
      <Field label="Recipients" hint={`Up to ${MAX_RECIPIENTS} addresses, separated by commas or lines`} error={errors.recipients}>
        {(p) => <textarea {...p} name="recipients" rows={3} value={values.recipients} onChange={set('recipients')} />}
      </Field>
      <Field label="Event types" hint="Empty receives every type enabled for the org" error={errors.events}>
        {(p) => <input {...p} name="events" value={values.events} onChange={set('events')} />}
      </Field>
      <Field label="Project scope" hint="Empty means every project" error={errors.project_ids}>
        {(p) => <input {...p} name="project_ids" value={values.project_ids} onChange={set('project_ids')} />}
      </Field>
      <fieldset>
        <legend>Own SMTP server (optional)</legend>
        {errors.smtp && <Notice>{errors.smtp}</Notice>}
        <div className="row">
          <Field label="SMTP host" hint="Empty: the deployment's server">
            {(p) => <input {...p} name="smtp_host" value={values.smtp_host} onChange={set('smtp_host')} />}
          </Field>
          <Field label="Port">{(p) => <input {...p} name="smtp_port" inputMode="numeric" value={values.smtp_port} onChange={set('smtp_port')} />}</Field>
          <Field label="Security">
            {(p) => (
              <select {...p} name="smtp_security" value={values.smtp_security} onChange={set('smtp_security')}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">none</option>
              </select>
            )}
          </Field>
        </div>
        <div className="row">
          <Field label="Username">{(p) => <input {...p} name="smtp_username" autoComplete="off" value={values.smtp_username} onChange={set('smtp_username')} />}</Field>
          <Field label="Password" hint={channel?.smtp?.password_set ? 'Stored; leave empty to keep it' : 'Stored encrypted; never shown again'}>
            {(p) => <input {...p} name="smtp_password" type="password" autoComplete="new-password" value={values.smtp_password} onChange={set('smtp_password')} />}
          </Field>
          <Field label="From">{(p) => <input {...p} name="smtp_from" value={values.smtp_from} onChange={set('smtp_from')} />}</Field>
        </div>
      </fieldset>
      <FormActions submitLabel={channel ? 'Save' : 'Create channel'} busy={busy} onCancel={onCancel} />
    </form>
  );
}

function ChannelActions({ channel, reload }: { channel: EmailChannel; reload: () => void }) {
  const [editing, setEditing] = useState(false);
  const [result, setResult] = useState<Schemas['EmailTestResult'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = { params: { path: { id: channel.id } } };
  const run = (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  return (
    <>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => run(async () => setResult(await data(api.POST('/api/v1/email-channels/{id}/test', path))))}>
          Send test email
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => run(async () => (await data(api.PATCH('/api/v1/email-channels/{id}', { ...path, body: { enabled: !channel.enabled } })), reload()))}>
          {channel.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Edit
        </button>
        <ConfirmButton label="Delete" confirmLabel="Delete this channel" busy={busy} onConfirm={() => run(async () => (await data(api.DELETE('/api/v1/email-channels/{id}', path)), reload()))} />
      </div>
      {editing && (
        <EmailChannelForm
          channel={channel}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      )}
      {error && <Notice>{error}</Notice>}
      {result && (
        <div className={`notice ${result.ok ? 'ok' : 'error'}`} role="status">
          {result.server ?? 'no server'} answered {result.response_code ?? '—'} in {result.latency_ms} ms: <code>{result.response}</code>
          {result.rejected.length > 0 && <p>Rejected: {result.rejected.map((r) => `${r.address} (${r.response})`).join(', ')}</p>}
        </div>
      )}
    </>
  );
}

export function EmailChannelsPage() {
  const can = useCan();
  const list = useLoad(() => data(api.GET('/api/v1/email-channels', { params: { query: { limit: 200 } } })), []);
  const [creating, setCreating] = useState(false);
  const channels = list.data?.data ?? [];
  return (
    <>
      <div className="title-row">
        <h1>Email channels</h1>
        {can('email:write') && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New channel
          </button>
        )}
      </div>
      {list.error && <Notice>{list.error}</Notice>}
      {creating && (
        <EmailChannelForm
          onCancel={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
      {list.data && channels.length === 0 && !creating && (
        <Empty title="No email channels yet.">
          <p>{can('email:write') ? 'Choose New channel to email people when events happen.' : 'An admin of this org can add one.'}</p>
        </Empty>
      )}
      <ul className="cards">
        {channels.map((c) => (
          <li key={c.id}>
            <h2>
              {c.name || c.id} {c.enabled ? <Badge tone="ok">active</Badge> : <Badge tone="muted">disabled</Badge>}
            </h2>
            <p>
              To: <Pills items={c.recipients} empty="nobody" />
            </p>
            <p>
              Events: <Pills items={c.events} empty="every enabled type" />
            </p>
            <p>
              Projects: <Pills items={c.project_ids} empty="every project" />
            </p>
            {c.smtp && (
              <p className="muted">
                Own SMTP: {c.smtp.host}
                {c.smtp.port ? `:${c.smtp.port}` : ''} ({c.smtp.security}){c.smtp.password_set && ' · password set'}
              </p>
            )}
            {can('email:write') && <ChannelActions channel={c} reload={list.reload} />}
          </li>
        ))}
      </ul>
    </>
  );
}
