// Writes sample notification emails, one or more per severity, as HTML and plain text, so anyone can open them
// in a browser (and paste them into a mail client's test tool). Builds the libs first, then renders with the same
// code email-sender uses.
//
//   node tools/email/render-samples.mjs [outDir]      (default tmp/email-samples; `npm run email:samples`)
//   HERALD_PUBLIC_URL=https://app.example.com         base of the "manage notification settings" link
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'tmp', 'email-samples'));
const publicUrl = process.env.HERALD_PUBLIC_URL ?? 'http://localhost:3000';

execFileSync(process.execPath, [path.join(root, 'tools', 'build.mjs'), 'libs'], { cwd: root, stdio: 'ignore' });
const require = createRequire(import.meta.url);
const { renderEmail } = require(path.join(root, 'dist', 'libs', 'email', 'src', 'index.js'));
const { EventCatalog } = require(path.join(root, 'dist', 'libs', 'events', 'src', 'index.js'));
const catalog = new EventCatalog();

const event = (id, type, data, projectId = 'prj_9') => ({
  id, type, org_id: 'org_demo', project_id: projectId, occurred_at: '2026-05-07T14:23:11Z', created_at: '2026-05-07T14:23:12Z', data,
});

// Payloads shaped like the seeds' own examples.
const SAMPLES = [
  ['success-deployment-completed', event('evt_sample_1', 'deployment.completed', {
    environment: 'production', is_successful: true, deployer: 'Phil Austin', product_name: 'my-ui', version: '1.2.6',
    repo_name: 'versioner-io/versioner-ui', commit_sha: 'a3f9c2d1e4b5', preflight_status: 'passed',
    source_url: 'https://app.versioner.io/manage/deployments?view=ac37da84-0891-48ae-9011-6500665804ee',
  })],
  ['failure-automation-rule-failed', event('evt_sample_2', 'automation_rule.failed', {
    rule_name: 'Deploy main to staging', action_type: 'deploy_latest', trigger_type: 'push', branch: 'main',
    actor: 'alice@example.com', error: 'Build step exited with status 1', environment: 'staging',
  })],
  ['failure-deploy-failed-escaping', event('evt_sample_3', 'deploy.failed', {
    environment: 'production', actor: 'ci-bot <ci@example.com>', branch: 'release/2026.05',
    error: 'exit code 1: <script>alert("this stays text")</script>', source_url: 'https://ci.example.com/runs/42',
  })],
  ['info-environment-created', event('evt_sample_4', 'environment.created', {
    environment: { name: 'qa-3', primary_url: 'https://qa-3.apps.example.com' }, actor: 'alice@example.com', message: 'Provisioned from the staging template.',
  }, null)],
];

mkdirSync(outDir, { recursive: true });
const links = [];
for (const [name, sample] of SAMPLES) {
  const settingsUrl = new URL('settings/notifications?channel=ec_sample', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
  const { subject, html, text } = renderEmail({ event: sample, definition: catalog.get(sample.type), settingsUrl, channelName: 'Sample channel' });
  writeFileSync(path.join(outDir, `${name}.html`), html);
  writeFileSync(path.join(outDir, `${name}.txt`), `Subject: ${subject}\n\n${text}`);
  links.push(`<li><a href="${name}.html">${name}</a> (<a href="${name}.txt">text</a>): ${subject.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</li>`);
  console.log(`${path.relative(process.cwd(), path.join(outDir, `${name}.html`))}  ${subject}`);
}
writeFileSync(path.join(outDir, 'index.html'), `<!DOCTYPE html><meta charset="utf-8"><title>Herald email samples</title><h1>Herald email samples</h1><ul>${links.join('')}</ul>\n`);
console.log(`open ${path.join(outDir, 'index.html')}`);
