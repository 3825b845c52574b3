import { ConfigFileError, parseConfigFile, substituteEnv } from './config-file';

describe('declarative config file', () => {
  const yaml = `
orgs:
  - id: acme
    name: Acme
    event_types:
      deploy.started: true
    webhooks:
      - id: wh_acme_alerts
        url: https://api.example.com/v1/alerts
        signing_scheme: github
        events: [deploy.failed]
        ordering: endpoint
        secret: \${ACME_SECRET}
    email_channels:
      - id: ec_devops
        recipients: [devops@example.com]
        smtp: { host: smtp.example.com, from: "Alerts <a@example.com>", password: "\${SMTP_PASSWORD}" }
`;

  it('reads orgs, webhooks, email channels and toggles, with defaults and secrets from the environment', () => {
    const config = parseConfigFile(yaml, { ACME_SECRET: 'my-shared-secret-1', SMTP_PASSWORD: 'pw' });
    const [org] = config.orgs;
    expect(org.event_types).toEqual({ 'deploy.started': true });
    expect(org.webhooks[0]).toMatchObject({ id: 'wh_acme_alerts', signing_scheme: 'github', secret: 'my-shared-secret-1', format: 'raw', retry_schedule: ['5s', '30s', '2m', '10m', '1h', '6h'], ordering: 'endpoint', max_in_flight: 16 });
    expect(org.email_channels[0].smtp).toMatchObject({ host: 'smtp.example.com', password: 'pw', security: 'starttls' });
  });

  it('names the place of a missing variable and of an invalid value', () => {
    expect(() => parseConfigFile(yaml, { SMTP_PASSWORD: 'pw' })).toThrow(new ConfigFileError('orgs[0].webhooks[0].secret: environment variable ACME_SECRET is not set'));
    expect(() => parseConfigFile('orgs:\n  - id: acme\n    webhooks:\n      - id: w1\n        url: 5\n')).toThrow(/^orgs\[0\]\.webhooks\[0\]\.url: /);
    expect(() => parseConfigFile('orgs:\n  - id: acme\n    webhook: []\n')).toThrow(/orgs\[0\]: Unrecognized key/);
    expect(() => parseConfigFile('orgs: [')).toThrow(/not valid YAML/);
  });

  it('substitutes inside strings only, and $${X} stays literal', () => {
    expect(substituteEnv({ a: ['x-${A}-y', 5, true, null], b: '$${A}' }, { A: '1' })).toEqual({ a: ['x-1-y', 5, true, null], b: '${A}' });
  });

  it('reads an omitted webhook events list as every event type (seed 003), and keeps a given one', () => {
    const config = parseConfigFile('orgs:\n  - id: acme\n    webhooks:\n      - { id: w1, url: "https://x.example" }\n      - { id: w2, url: "https://x.example", events: [RuleFailed] }\n      - { id: w3, url: "https://x.example", events: [] }\n');
    expect(config.orgs[0].webhooks.map((w) => w.events)).toEqual([['*'], ['RuleFailed'], []]);
  });
});
