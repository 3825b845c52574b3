import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebhookRepository } from '@herald/persistence';
import { eventually, startSmtpServer, type ReceiverReply, type TestSmtpServer } from '@herald/testing';
import { launchChromium } from './support/browser';
import { root, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * The web console in real headless Chromium against the four real services, Kafka, PostgreSQL and a loopback
 * receiver: a portal link, a webhook from creation through test, delivery, auto-pause, resume and rotation,
 * API keys, a viewer who can change nothing, refused links, and hostile text that stays text.
 */
const PORT_BASE = suitePorts(4700);
const CONSOLE_URL = `http://127.0.0.1:${PORT_BASE}/console`;
const SCREENSHOTS = path.join(root, 'docs', 'console');
const ORG = 'org_console';
const XSS_BODY = '<script>window.__xss = "script"</script><img src=x onerror="window.__xss = \'img\'; alert(1)">';
const XSS_DATA = '<img src=x onerror="alert(document.cookie)">';

/** What the page's own scripts see, typed for the callbacks page.evaluate runs in the browser (this project has no DOM lib). */
interface BrowserGlobals {
  __xss?: string;
  document: { cookie: string };
}

describe('web console', () => {
  let smtp: TestSmtpServer;
  const suite = endToEnd({
    portBase: PORT_BASE,
    env: async () => {
      smtp = await startSmtpServer();
      return {
        HERALD_CONSOLE_URL: CONSOLE_URL,
        HERALD_CONSOLE_NAME: 'Acme Alerts',
        HERALD_CONSOLE_ACCENT: '#0f766e',
        SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
        SMTP_SECURITY: 'none',
        SMTP_FROM: 'Acme Alerts <alerts@example.com>',
      };
    },
  });
  suite.cleanup(() => smtp?.close());
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 20 * 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', ...args], { cwd: root, env: { ...process.env, HERALD_CONSOLE_URL: CONSOLE_URL }, encoding: 'utf8' }).trim();

  async function newPage(viewport = { width: 1280, height: 860 }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.setDefaultTimeout(20_000);
    return page;
  }

  /** A link of the section navigation. */
  const section = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** No script from outside ran: no dialog, no injected element, nothing set by the payloads. */
  async function expectInert(page: Page): Promise<void> {
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"], main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__xss)).toBeUndefined();
  }

  it('walks a webhook from creation to resume, rotates its secret and manages API keys, with hostile text shown as text', async () => {
    await suite.org(ORG, 'Acme');
    let reply: ReceiverReply = { status: 200, body: XSS_BODY, headers: { 'content-type': 'text/html' } };
    const receiver = await suite.receiver(() => reply);

    // A portal link, printed by the CLI, signs the browser in once.
    const link = cli('console-link', '--org', ORG, '--role', 'admin');
    expect(link).toMatch(new RegExp(`^${CONSOLE_URL}/session\\?token=[A-Za-z0-9_-]{43}$`));
    const page = await newPage();
    await page.goto(link);
    expect(page.url()).toBe(`${CONSOLE_URL}/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.locator('.brand').textContent()).toBe('Acme Alerts');
    expect(await page.getByTestId('role').textContent()).toBe('admin');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'herald_console_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // Create a webhook: the secret is shown once.
    await section(page, 'Webhooks').click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByText('Enter the full URL, starting with https://').waitFor();
    // The API has the last word, and its problem detail appears next to the field it names.
    await page.getByLabel('Endpoint URL').fill('https://10.0.0.1/hook');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const urlField = page.locator('.field.invalid').filter({ has: page.getByLabel('Endpoint URL') });
    expect(await urlField.getByRole('alert').textContent()).toMatch(/public|private|address/i);
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hook`);
    await page.getByLabel('Description').fill(XSS_DATA);
    await page.getByLabel('Retry schedule').fill('1h');
    await page.getByLabel('Pause after failures').fill('2');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = (await page.getByTestId('secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('cell', { name: `${receiver.url}/hook` }).waitFor();
    expect(await page.content()).not.toContain(secret);
    const webhookId = (await new WebhookRepository(suite.dataSource).listForOrg(ORG))[0].id;

    // Send test: status code and round-trip time; the receiver's HTML answer stays text.
    await page.getByRole('link', { name: `${receiver.url}/hook` }).click();
    await page.getByRole('button', { name: 'Send test' }).click();
    const test = page.getByTestId('test-result');
    await test.waitFor();
    expect(await test.textContent()).toMatch(/status 200 in \d+ ms/);
    expect(await test.locator('pre').textContent()).toBe(XSS_BODY);
    await expectInert(page);

    // An event produced to Kafka appears in the delivery log with its attempt and its data, as text.
    await suite.publish(ORG, { id: 'c-1', type: 'deploy.failed', data: { environment: XSS_DATA } });
    const apply = page.getByRole('button', { name: 'Apply filters' });
    await eventually(async () => (await apply.click(), (await page.getByTestId('delivery').count()) > 0 ? true : undefined), 30_000, 500);
    await page.getByTestId('delivery').first().getByRole('button', { name: 'Attempts' }).click();
    expect(await page.getByTestId('status-code').first().textContent()).toBe('200');
    expect(await page.getByTestId('response-body').first().textContent()).toBe(XSS_BODY);
    await page.getByText('Event', { exact: false }).locator('xpath=ancestor::details').first().click();
    expect(JSON.parse((await page.getByTestId('event-data').textContent())!)).toEqual({ environment: XSS_DATA });
    await expectInert(page);
    await screenshot(page, 'webhook-desktop');

    // The receiver fails twice in a row: the webhook pauses, and what arrives next is held.
    reply = { status: 500, body: 'down' };
    await suite.publish(ORG, { id: 'c-2', type: 'deploy.failed' }, { id: 'c-3', type: 'deploy.failed' });
    await eventually(async () => (await page.reload(), (await page.getByText('paused', { exact: true }).count()) > 0 ? true : undefined), 30_000, 1000);
    await suite.publish(ORG, { id: 'c-4', type: 'deploy.failed' }, { id: 'c-5', type: 'deploy.failed' });
    // Held too: the webhook.paused event itself, which this all-events webhook subscribes to.
    const held = await eventually(async () => {
      const rows: { event_id: string; event_type: string }[] = await suite.dataSource.query(`SELECT event_id, event_type FROM deliveries WHERE org_id = $1 AND status = 'held'`, [ORG]);
      const all = ['c-4', 'c-5'].every((id) => rows.some((r) => r.event_id === id)) && rows.some((r) => r.event_type === 'webhook.paused');
      return all ? rows.length : undefined;
    }, 30_000);
    expect(held).toBe(3);
    await page.getByLabel('Status').selectOption('held');
    await eventually(async () => (await apply.click(), (await page.getByTestId('delivery').count()) === held ? true : undefined), 30_000, 500);
    const before = receiver.requests.length;

    // Resume replays the held deliveries; the page says how many and the log shows them delivered.
    reply = { status: 204 };
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText(`Resumed: ${held} held deliveries replayed.`).waitFor();
    await receiver.waitForRequests(before + held, 30_000);
    await page.getByLabel('Status').selectOption('succeeded');
    await eventually(async () => (await apply.click(), (await page.getByTestId('delivery').count()) === 1 + held ? true : undefined), 30_000, 500);
    expect(await page.getByText('active', { exact: true }).count()).toBeGreaterThan(0);

    // Rotate the secret: a new one, shown once, with the end of the old one's grace period.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByText('The previous secret keeps signing beside it until').waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();

    // Pause by hand, and resume with nothing held.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused: new deliveries are held until you resume.').waitFor();
    await page.getByText('paused', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Resumed: 0 held deliveries replayed.').waitFor();

    // Edit: narrow the events and set a timeout; the settings show them.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Event types').fill('deploy.failed, build.failed');
    await page.getByLabel('Timeout (ms)').fill('5000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.locator('.settings', { hasText: '5000 ms' }).waitFor();
    expect(await page.locator('.settings .pills').first().textContent()).toBe('deploy.failedbuild.failed');

    // An email channel, so the event types show both kinds of pills.
    await section(page, 'Email channels').click();
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Name', { exact: true }).fill('DevOps');
    await page.getByLabel('Recipients').fill('ops@example.com, not-an-address');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByText('Not an email address: not-an-address').waitFor();
    await page.getByLabel('Recipients').fill('ops@example.com, oncall@example.com');
    await page.getByLabel('Event types').fill('deploy.failed, build.failed');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: /DevOps/ }).waitFor();
    await page.getByRole('button', { name: 'Send test email' }).click();
    expect(await page.getByRole('status').filter({ hasText: 'answered 250' }).textContent()).toMatch(/answered 250 in \d+ ms/);
    expect((await smtp.waitForMessages(1, 20_000)).length).toBe(1);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Project scope').fill('prj_9');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.cards .pills li', { hasText: 'prj_9' }).waitFor();
    await section(page, 'Event types').click();
    const deployFailed = page.getByRole('list', { name: 'Receiving deploy.failed' });
    await deployFailed.getByText('DevOps').waitFor();
    expect(await deployFailed.locator('li').count()).toBe(2); // the webhook (named by its description, as text) and the channel

    // API keys: create (shown once) and revoke.
    await section(page, 'API keys').click();
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    expect(await page.getByTestId('secret').textContent()).toMatch(/^hk_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.getByTestId('api-key').filter({ hasText: 'ci' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke ci' }).click();
    await row.getByText('revoked').waitFor();

    // The main pages at desktop and at phone width (one column, nothing sticking out sideways).
    // [screenshot name, route, what shows the page has loaded]
    const pages = [
      ['overview', 'overview', '.chart svg'],
      ['webhooks', 'webhooks', 'table.list td'],
      ['webhook', `webhooks/${webhookId}`, '[data-testid=delivery]'],
      ['deliveries', 'deliveries', '[data-testid=delivery]'],
      ['email', 'email', '.cards h2'],
      ['events', 'events', 'table.types td'],
      ['api-keys', 'api-keys', '[data-testid=api-key]'],
    ];
    for (const [size, viewport] of [['desktop', { width: 1280, height: 860 }], ['phone', { width: 390, height: 844 }]] as const) {
      await page.setViewportSize(viewport);
      for (const [name, hash, loaded] of pages) {
        if (name === 'webhook' && size === 'desktop') continue; // taken above, with a test result and attempts open
        await page.goto(`${CONSOLE_URL}/#/${hash}`);
        await page.locator(loaded).first().waitFor();
        await screenshot(page, `${name}-${size}`);
        // Elements reaching past the right edge, named, so a failure says which.
        const wide = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > ${viewport.width + 1}).map((e) => e.tagName + '.' + e.className).join(' ')`);
        expect([name, size, wide]).toEqual([name, size, '']);
      }
    }
    await expectInert(page);
  }, 240_000);

  it('shows a viewer everything and lets it change nothing', async () => {
    const adminKey = JSON.parse(cli('api-keys', 'create', '--org', ORG, '--role', 'admin')).key as string;
    const created = await fetch(`${CONSOLE_URL.replace('/console', '')}/api/v1/portal-sessions`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer' }) });
    expect(created.status).toBe(201);
    const page = await newPage();
    await page.goto(((await created.json()) as { url: string }).url);
    expect(await page.getByTestId('role').textContent()).toBe('viewer');
    await section(page, 'Webhooks').click();
    await page.locator('table.list').waitFor();
    expect(await page.getByRole('button', { name: 'New webhook' }).count()).toBe(0);
    await page.locator('table.list a').first().click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    for (const control of ['Send test', 'Pause', 'Resume', 'Rotate secret', 'Delete', 'Edit', 'Disable']) expect([control, await page.getByRole('button', { name: control }).count()]).toEqual([control, 0]);
    await page.getByTestId('delivery').first().getByRole('button', { name: 'Attempts' }).click();
    await page.getByTestId('status-code').first().waitFor();
    expect(await page.getByRole('button', { name: 'Retry now' }).count()).toBe(0);
    await section(page, 'Event types').click();
    await page.getByRole('heading', { name: 'Event types' }).waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);

    // And the API refuses, even with the CSRF token the page holds.
    const refused = await page.evaluate(async () => {
      const csrf = (globalThis as unknown as BrowserGlobals).document.cookie.split('; ').find((c) => c.startsWith('herald_console_csrf='))!.split('=')[1];
      const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-herald-csrf': csrf }, body: JSON.stringify(body) }).then((r) => r.status);
      return [await post('/api/v1/webhooks', { url: 'https://93.184.215.14/x' }), await post('/api/v1/api-keys', { role: 'viewer' }), await post('/api/v1/portal-sessions', { role: 'viewer' })];
    });
    expect(refused).toEqual([403, 403, 403]);

    // Signing out ends the session: the console and the API both refuse it afterwards.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    expect(await page.evaluate(() => fetch('/api/v1/webhooks').then((r) => r.status))).toBe(401);
  }, 120_000);

  it('refuses a link that was used or has expired', async () => {
    const used = cli('console-link', '--org', ORG, '--role', 'viewer');
    const first = await newPage();
    await first.goto(used);
    await first.getByTestId('role').waitFor();
    const again = await newPage();
    const response = await again.goto(used);
    expect(response?.status()).toBe(410);
    await again.getByText('This console link cannot be used').waitFor();
    await again.goto(`${CONSOLE_URL}/`);
    await again.getByRole('heading', { name: 'Signed out' }).waitFor();

    const expired = cli('console-link', '--org', ORG, '--role', 'admin');
    await suite.dataSource.query(`UPDATE portal_sessions SET link_expires_at = now() - interval '1 second' WHERE session_hash IS NULL`);
    expect((await (await newPage()).goto(expired))?.status()).toBe(410);
    await expectInert(first);
  }, 60_000);
});
