import { deliveryId, parseDeliveryJob } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import { eventually, readTopic, startSmtpServer, type ReceivedRequest, type TestSmtpServer, type TopicMessage } from '@herald/testing';
import { suitePorts } from './support/stack';
import { adminApi } from './support/admin-api';
import { endToEnd, type PublishedEvent } from './support/suite';

/**
 * Content filters through the four services as processes, set through the running ingest's admin API. Seed 002's
 * routing: one org pages only on deployment.failed in production, sends staging and QA failures to a Slack-format
 * webhook, and mails release-branch failures to a team inbox. Each destination gets exactly its matching events:
 * ingest produces no job for the others (read back from the deliveries topics) and the receivers and the SMTP
 * server see exactly the matching ones.
 */
const PORT_BASE = suitePorts(5500);
const ORG = 'org_filters_e2e';

const PAGER_FILTER = { type: 'deployment.failed', data: { environment: { name: 'production' } } };
const SLACK_FILTER = { data: { environment: { name: { $in: ['staging', 'qa'] } } } };
const INBOX_FILTER = { type: 'deployment.failed', data: { deployment: { git_branch: { $startsWith: 'release/' } } } };

const failed = (id: string, environment: string | null, branch: string | null, type = 'deployment.failed'): PublishedEvent => ({
  id,
  type,
  project_id: 'prj_shop',
  data: {
    ...(environment === null ? {} : { environment: { name: environment, primary_url: `https://${environment}.shop.example.com` } }),
    deployment: { id: `dep_${id}`, git_sha: 'a1b2c3d4e5f6', ...(branch === null ? {} : { git_branch: branch }) },
  },
});

describe('content filters end to end', () => {
  let smtp: TestSmtpServer;
  const suite = endToEnd({
    portBase: PORT_BASE,
    poolSize: 2,
    env: async () => {
      smtp = await startSmtpServer();
      suite.cleanup(() => smtp.close());
      return { SMTP_URL: `smtp://${smtp.host}:${smtp.port}`, SMTP_SECURITY: 'none', SMTP_FROM: 'Herald <alerts@herald.example.com>', HERALD_PUBLIC_URL: 'https://herald.example.com' };
    },
  });
  const { kafka, receiver, org, publish } = suite;

  const admin = adminApi(suite, PORT_BASE);
  const api = admin.call;

  const id = (eventId: string, destination: string) => deliveryId({ org_id: ORG, id: eventId }, destination);
  /** The org's jobs in a deliveries topic, as `event → destination` pairs. */
  const pairs = (messages: TopicMessage[]) =>
    messages
      .map((m) => parseDeliveryJob(m.value))
      .filter((job) => job.event.org_id === ORG)
      .map((job) => `${job.event.id} → ${job.destination.id}`);

  it('delivers to each destination exactly the events its filter passes', async () => {
    await org(ORG);
    admin.actAs(ORG);
    const target = await receiver(() => ({ status: 204 }));

    const pager = await api('POST', '/webhooks', { url: `${target.url}/pager`, description: 'pages on production failures', filter: PAGER_FILTER });
    const slack = await api('POST', '/webhooks', { url: `${target.url}/slack`, format: 'slack', events: ['deployment.failed'], filter: SLACK_FILTER });
    const inbox = await api('POST', '/email-channels', { name: 'Release failures', recipients: ['release-team@example.com'], events: ['deployment.failed', 'deployment.succeeded'], filter: INBOX_FILTER });
    expect([pager.status, slack.status, inbox.status]).toEqual([201, 201, 201]);
    expect([pager.body.filter, slack.body.filter, inbox.body.filter]).toEqual([PAGER_FILTER, SLACK_FILTER, INBOX_FILTER]);
    const [PAGER, SLACK, INBOX] = [pager.body.id as string, slack.body.id as string, inbox.body.id as string];

    await publish(
      ORG,
      failed('d1', 'production', 'release/7.1'),
      failed('d2', 'staging', 'main'),
      failed('d3', 'qa', 'release/7.2'),
      failed('d4', 'production', 'release/7.1', 'deployment.succeeded'),
      failed('d5', null, null),
      failed('d6', 'production', 'hotfix/login'),
      // Last, one per destination: once a destination's last job is in its topic partition (keyed by destination,
      // routed in the org's order), every job ingest made for it before is there too.
      failed('last-prod', 'production', 'release/7.3'),
      failed('last-staging', 'staging', 'release/7.3'),
    );

    const expected = {
      [PAGER]: ['d1', 'd6', 'last-prod'],
      [SLACK]: ['d2', 'd3', 'last-staging'],
      [INBOX]: ['d1', 'd3', 'last-prod', 'last-staging'],
    };
    const expectedPairs = (destinations: string[]) => destinations.flatMap((d) => expected[d].map((e) => `${e} → ${d}`)).sort();
    const hasLast = (destinations: string[]) => (messages: TopicMessage[]) => destinations.every((d) => pairs(messages).includes(`${expected[d].at(-1)} → ${d}`));
    const webhookJobs = await readTopic(kafka, Topics.webhookDeliveries, hasLast([PAGER, SLACK]), 60_000);
    const emailJobs = await readTopic(kafka, Topics.emailDeliveries, hasLast([INBOX]), 60_000);
    expect([...new Set(pairs(webhookJobs))].sort()).toEqual(expectedPairs([PAGER, SLACK]));
    expect([...new Set(pairs(emailJobs))].sort()).toEqual(expectedPairs([INBOX]));

    // What arrived: the raw and Slack requests by webhook-id, the mails by Message-ID.
    const received = (path: string) => (requests: ReceivedRequest[]) => new Set(requests.filter((r) => r.path === path).map((r) => r.headers['webhook-id']));
    const want = (destination: string) => new Set(expected[destination].map((e) => id(e, destination)));
    await eventually(() => (received('/pager')(target.requests).size + received('/slack')(target.requests).size >= 6 ? true : undefined), 60_000);
    expect(received('/pager')(target.requests)).toEqual(want(PAGER));
    expect(received('/slack')(target.requests)).toEqual(want(SLACK));
    const pages = target.requests.filter((r) => r.path === '/pager').map((r) => JSON.parse(r.body));
    expect(pages.every((body) => body.type === 'deployment.failed' && body.data.environment.name === 'production')).toBe(true);
    const slackBody = JSON.parse(target.requests.find((r) => r.path === '/slack')!.body);
    expect(slackBody.blocks[0]).toMatchObject({ type: 'header' });

    // The mails of this org's events, by Message-ID: the email-sender's group shares the deliveries topic with earlier
    // suites, and a job one of them left unfinished may reach this SMTP server too.
    const messageId = (eventId: string) => `<${id(eventId, INBOX)}@herald.example.com>`;
    const published = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'last-prod', 'last-staging'].map(messageId);
    const mails = await smtp.waitForMessagesWithIds(published, expected[INBOX].length, 60_000);
    expect(new Set(mails.map((m) => m.parsed.messageId))).toEqual(new Set(expected[INBOX].map(messageId)));
    expect(mails.every((m) => m.envelopeTo.join() === 'release-team@example.com')).toBe(true);
  }, 180_000);

  it('routes with a changed filter as soon as the change is answered', async () => {
    const { body: channels } = await api('GET', '/email-channels');
    const inbox = channels.data[0].id as string;
    expect((await api('PATCH', `/email-channels/${inbox}`, { filter: { data: { environment: { name: 'dev' } } } })).status).toBe(200);
    await publish(ORG, failed('after-change', 'dev', 'feature/x'));
    // Found by its Message-ID: a mail of another suite's unfinished job may arrive here as well (above).
    const expectedId = `<${id('after-change', inbox)}@herald.example.com>`;
    const [mail] = await smtp.waitForMessagesWithIds([expectedId], 1, 60_000);
    expect(mail.envelopeTo.join()).toBe('release-team@example.com');
  }, 90_000);
});
