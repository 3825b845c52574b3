import { webhookFields, type WebhookFields, type WebhookFormValues } from '../logic/forms';
import { Field, FormActions, Notice, useFormValues, useSubmit } from '../ui';

const FIELDS = ['url', 'description', 'format', 'signing_scheme', 'events', 'project_ids', 'retry_schedule', 'timeout_ms', 'rate_limit', 'client_errors_final', 'pause_after_failures', 'ordering', 'max_in_flight'];

/** Creating or editing a webhook: every setting, checked here first and by the API last. */
export function WebhookForm({ initial, submitLabel, onSubmit, onCancel }: { initial: WebhookFormValues; submitLabel: string; onSubmit: (fields: WebhookFields) => Promise<void>; onCancel?: () => void }) {
  const { values, setValues, set } = useFormValues(initial);
  const { errors, general, busy, submit } = useSubmit(FIELDS);
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const { fields, errors: local } = webhookFields(values);
        void submit(local, () => onSubmit(fields));
      }}
    >
      {general && <Notice>{general}</Notice>}
      <Field label="Endpoint URL" error={errors.url}>
        {(p) => <input {...p} name="url" type="url" inputMode="url" autoComplete="off" value={values.url} onChange={set('url')} placeholder="https://example.com/hooks/herald" />}
      </Field>
      <Field label="Description" error={errors.description}>
        {(p) => <input {...p} name="description" value={values.description} onChange={set('description')} />}
      </Field>
      <div className="row">
        <Field label="Format" error={errors.format}>
          {(p) => (
            <select {...p} name="format" value={values.format} onChange={set('format')}>
              <option value="raw">Raw JSON (signed)</option>
              <option value="slack">Slack</option>
              <option value="teams">Microsoft Teams</option>
              <option value="discord">Discord</option>
            </select>
          )}
        </Field>
        <Field label="Signing scheme" error={errors.signing_scheme}>
          {(p) => (
            <select {...p} name="signing_scheme" value={values.signing_scheme} onChange={set('signing_scheme')}>
              <option value="standard">Standard Webhooks</option>
              <option value="hmac-sha256">HMAC-SHA256 of the body</option>
              <option value="timestamped">Timestamped HMAC</option>
              <option value="github">GitHub style</option>
            </select>
          )}
        </Field>
      </div>
      <Field label="Event types" hint="Separated by commas; empty receives every type enabled for the org" error={errors.events}>
        {(p) => <input {...p} name="events" value={values.events} onChange={set('events')} placeholder="deploy.failed, build.failed" />}
      </Field>
      <Field label="Project scope" hint="Project ids; empty means every project" error={errors.project_ids}>
        {(p) => <input {...p} name="project_ids" value={values.project_ids} onChange={set('project_ids')} />}
      </Field>
      <Field label="Retry schedule" hint="Delays between attempts, e.g. 30s, 5m, 2h" error={errors.retry_schedule}>
        {(p) => <input {...p} name="retry_schedule" value={values.retry_schedule} onChange={set('retry_schedule')} />}
      </Field>
      <div className="row">
        <Field label="Timeout (ms)" hint="Empty: the deployment default" error={errors.timeout_ms}>
          {(p) => <input {...p} name="timeout_ms" inputMode="numeric" value={values.timeout_ms} onChange={set('timeout_ms')} />}
        </Field>
        <Field label="Rate limit (requests/s)" hint="Empty: unlimited" error={errors.rate_limit}>
          {(p) => <input {...p} name="rate_limit" inputMode="numeric" value={values.rate_limit} onChange={set('rate_limit')} />}
        </Field>
        <Field label="Pause after failures" hint="0 never pauses" error={errors.pause_after_failures}>
          {(p) => <input {...p} name="pause_after_failures" inputMode="numeric" value={values.pause_after_failures} onChange={set('pause_after_failures')} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Order" hint="Same key: in order, one at a time; a retry holds back only its key" error={errors.ordering}>
          {(p) => (
            <select {...p} name="ordering" value={values.ordering} onChange={set('ordering')}>
              <option value="key">Per ordering key (default)</option>
              <option value="endpoint">Whole endpoint, one at a time</option>
              <option value="none">None: all in parallel</option>
            </select>
          )}
        </Field>
        <Field label="Requests in flight" hint="At most, to this endpoint (1–64)" error={errors.max_in_flight}>
          {(p) => <input {...p} name="max_in_flight" inputMode="numeric" value={values.max_in_flight} onChange={set('max_in_flight')} />}
        </Field>
      </div>
      <div className="check">
        <input id="client_errors_final" name="client_errors_final" type="checkbox" checked={values.client_errors_final} onChange={(e) => setValues({ ...values, client_errors_final: e.target.checked })} />
        <label htmlFor="client_errors_final">Treat 4xx answers (other than 408, 409, 425, 429) as final: no retries</label>
      </div>
      <FormActions submitLabel={submitLabel} busy={busy} onCancel={onCancel} />
    </form>
  );
}
