import { useState } from 'react';
import { api, data } from '../api/client';
import { useCan } from '../session';
import { Badge, ConfirmButton, Empty, Field, FormActions, Notice, Pills, SecretOnce, Time, useLoad, useSubmit } from '../ui';

function NewKeyForm({ onCreated, onCancel }: { onCreated: (key: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<'viewer' | 'admin'>('viewer');
  const { errors, general, busy, submit } = useSubmit(['name', 'role']);
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(name.trim() ? {} : { name: 'Name the key after what will use it' }, async () => onCreated((await data(api.POST('/api/v1/api-keys', { body: { name: name.trim(), role } }))).key));
      }}
    >
      {general && <Notice>{general}</Notice>}
      <div className="row">
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} name="key_name" value={name} onChange={(e) => setName(e.target.value)} placeholder="CI pipeline" />}
        </Field>
        <Field label="Role" error={errors.role}>
          {(p) => (
            <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as 'viewer' | 'admin')}>
              <option value="viewer">viewer (read only)</option>
              <option value="admin">admin</option>
            </select>
          )}
        </Field>
      </div>
      <FormActions submitLabel="Create key" busy={busy} onCancel={onCancel} />
    </form>
  );
}

export function ApiKeysPage() {
  const can = useCan();
  const list = useLoad(() => (can('api-keys:read') ? data(api.GET('/api/v1/api-keys', { params: { query: { limit: 200 } } })) : Promise.resolve(null)), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!can('api-keys:read'))
    return (
      <>
        <h1>API keys</h1>
        <Empty title="Only admins see this org's API keys." />
      </>
    );
  const keys = list.data?.data ?? [];
  return (
    <>
      <div className="title-row">
        <h1>API keys</h1>
        {can('api-keys:write') && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New API key
          </button>
        )}
      </div>
      {(list.error || error) && <Notice>{list.error ?? error}</Notice>}
      {created && <SecretOnce label="New API key" value={created} onDone={() => setCreated(null)} />}
      {creating && (
        <NewKeyForm
          onCancel={() => setCreating(false)}
          onCreated={(key) => {
            setCreated(key);
            setCreating(false);
            list.reload();
          }}
        />
      )}
      {list.data && keys.length === 0 && <Empty title="No API keys yet.">{can('api-keys:write') && <p>Create one for each system that calls the API.</p>}</Empty>}
      {keys.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Permissions</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key">
                <td data-label="Name">{k.name}</td>
                <td data-label="Key">
                  <code>{k.prefix}…</code>
                </td>
                <td data-label="Permissions">
                  <Pills items={k.permissions} empty="none" />
                </td>
                <td data-label="Last used">
                  <Time iso={k.last_used_at} />
                </td>
                <td data-label="Status">
                  {k.revoked_at ? (
                    <Badge tone="muted">revoked</Badge>
                  ) : can('api-keys:write') ? (
                    <ConfirmButton label="Revoke" confirmLabel={`Revoke ${k.name || k.prefix}`} onConfirm={() => data(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: k.id } } })).then(list.reload, (e: Error) => setError(e.message))} />
                  ) : (
                    <Badge tone="ok">active</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
