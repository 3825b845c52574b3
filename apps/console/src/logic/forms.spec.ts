import { EMAIL_CHANNEL_DEFAULTS, emailChannelFields, emailChannelFormValues, listOf, problemMessages, WEBHOOK_DEFAULTS, webhookFields, webhookFormValues } from './forms';

describe('console forms', () => {
  it('put each API field error next to its field and the rest above the form', () => {
    const problem = {
      status: 422,
      detail: 'url: must be https; retry_schedule.2: bad delay; secret: too short',
      errors: [
        { field: 'url', message: 'must be https' },
        { field: 'retry_schedule.2', message: 'bad delay' },
        { field: 'secret', message: 'too short' },
      ],
    };
    expect(problemMessages(problem, ['url', 'retry_schedule'])).toEqual({ fields: { url: 'must be https', retry_schedule: 'bad delay' }, general: 'secret: too short' });
    expect(problemMessages({ status: 422, field: 'recipients', detail: 'at most 20 recipients' }, ['recipients'])).toEqual({ fields: { recipients: 'at most 20 recipients' }, general: null });
    expect(problemMessages({ status: 403, detail: "this API key lacks the 'webhooks:write' permission" }, ['url'])).toEqual({ fields: {}, general: "this API key lacks the 'webhooks:write' permission" });
    expect(problemMessages({}, [])).toEqual({ fields: {}, general: 'The request failed' });
  });

  it('read lists separated by commas, spaces or lines', () => {
    expect(listOf(' deploy.failed, build.failed\nincident.opened  ,, ')).toEqual(['deploy.failed', 'build.failed', 'incident.opened']);
    expect(listOf('')).toEqual([]);
  });

  it('turn a valid webhook form into the API fields', () => {
    const { fields, errors } = webhookFields({ ...WEBHOOK_DEFAULTS, url: ' https://hooks.example.com/x ', events: 'deploy.failed build.failed', retry_schedule: '1s,2s', timeout_ms: '5000', pause_after_failures: '3', ordering: 'endpoint', max_in_flight: '4' });
    expect(errors).toEqual({});
    expect(fields).toMatchObject({ url: 'https://hooks.example.com/x', events: ['deploy.failed', 'build.failed'], project_ids: [], retry_schedule: ['1s', '2s'], timeout_ms: 5000, rate_limit: null, pause_after_failures: 3, ordering: 'endpoint', max_in_flight: 4 });
  });

  it('say what is wrong with a webhook form, field by field', () => {
    const { errors } = webhookFields({ ...WEBHOOK_DEFAULTS, url: 'hooks.example.com', retry_schedule: '5s, soon, 2x', timeout_ms: '50', rate_limit: '1.5', pause_after_failures: '-1', max_in_flight: '500' });
    expect(errors).toEqual({
      url: 'Enter the full URL, starting with https://',
      retry_schedule: 'Each delay looks like 30s, 5m or 2h: soon, 2x',
      timeout_ms: 'Timeout is a whole number from 100 to 30000',
      rate_limit: 'Rate limit is a whole number from 1 to 10000',
      pause_after_failures: 'Pause threshold is a whole number from 0 to 1000',
      max_in_flight: 'Requests in flight is a whole number from 1 to 64',
    });
    expect(webhookFields({ ...WEBHOOK_DEFAULTS, url: 'https://x.test', retry_schedule: ' ' }).errors).toEqual({ retry_schedule: 'Give at least one delay, e.g. 30s, 5m, 2h' });
  });

  it('show a stored webhook in the form and read it back unchanged', () => {
    const stored = { url: 'https://x.test/h', description: 'ops', format: 'slack', signing_scheme: 'standard', events: ['a.b'], project_ids: ['p1', 'p2'], retry_schedule: ['30s'], timeout_ms: null, rate_limit: 4, client_errors_final: true, pause_after_failures: 0, ordering: 'none', max_in_flight: 32 };
    const values = webhookFormValues(stored);
    expect(values).toMatchObject({ project_ids: 'p1, p2', timeout_ms: '', rate_limit: '4', pause_after_failures: '0', ordering: 'none', max_in_flight: '32' });
    expect(webhookFields(values)).toEqual({ fields: stored, errors: {} });
  });

  it('limit an email channel to 20 valid recipients and add SMTP only with a host', () => {
    const many = Array.from({ length: 21 }, (_, i) => `ops${i}@example.com`).join(', ');
    expect(emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: many }).errors).toEqual({ recipients: 'At most 20 recipients (21 given)' });
    expect(emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: 'ops@example.com, nobody' }).errors).toEqual({ recipients: 'Not an email address: nobody' });
    expect(emailChannelFields(EMAIL_CHANNEL_DEFAULTS).errors).toEqual({ recipients: 'Add at least one email address' });

    const plain = emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: 'ops@example.com', smtp_username: 'ignored without a host' });
    expect(plain).toEqual({ fields: { name: '', recipients: ['ops@example.com'], events: [], project_ids: [], smtp: null }, errors: {} });
    const own = emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: 'ops@example.com', smtp_host: 'smtp.example.com', smtp_port: '2525', smtp_password: 's3cret', smtp_from: 'Alerts <alerts@example.com>' });
    expect(own.fields.smtp).toEqual({ host: 'smtp.example.com', port: 2525, security: 'starttls', username: undefined, password: 's3cret', from: 'Alerts <alerts@example.com>' });
    expect(emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: 'ops@example.com', smtp_host: 'h' }).errors).toEqual({ smtp: 'An own SMTP server needs a From address' });
    expect(emailChannelFields({ ...EMAIL_CHANNEL_DEFAULTS, recipients: 'ops@example.com', smtp_host: 'h', smtp_port: '70000', smtp_from: 'a@b.cd' }).errors).toEqual({ smtp: 'Port is a whole number from 1 to 65535' });
  });

  it('show a stored channel in the form with the password empty, which keeps the stored one', () => {
    const stored = { name: 'DevOps', recipients: ['a@example.com', 'b@example.com'], events: [], project_ids: ['p1'], smtp: { host: 'smtp.example.com', port: 2525, security: 'tls', username: 'u', from: 'A <a@example.com>' } };
    const values = emailChannelFormValues(stored);
    expect(values).toMatchObject({ recipients: 'a@example.com, b@example.com', smtp_port: '2525', smtp_password: '' });
    const { fields, errors } = emailChannelFields(values);
    expect(errors).toEqual({});
    expect(fields.smtp).toEqual({ host: 'smtp.example.com', port: 2525, security: 'tls', username: 'u', password: undefined, from: 'A <a@example.com>' });
    expect(JSON.parse(JSON.stringify(fields.smtp))).not.toHaveProperty('password');
    expect(emailChannelFormValues({ ...stored, smtp: null })).toMatchObject({ smtp_host: '', smtp_security: 'starttls' });
  });
});
