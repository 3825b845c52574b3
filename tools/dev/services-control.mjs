// Stops and starts single services of a running `npm start`, to rehearse an outage of one while the others run:
//
//   npm run services -- status
//   npm run services -- stop email-sender  SIGTERM, as Kubernetes would (add --kill for SIGKILL, as a crash would)
//   npm run services -- start email-sender the same settings and port again; returns once /readyz answers
//
// `npm start` listens for these on a Unix socket beside the repository's tmp/ (controlSocket below); the
// services themselves are untouched by it. HERALD_PORT_BASE picks which `npm start` when several run.
import http from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, SERVICES } from './services.mjs';

/** The control socket of the `npm start` whose ports start at `portBase`. */
export function controlSocket(portBase = Number(process.env.HERALD_PORT_BASE || 3000)) {
  return path.join(repoRoot, 'tmp', `services-${portBase}.sock`);
}

/**
 * Serves status / stop / start for `handle` (what startServices returned) on the control socket.
 * @returns {Promise<{ close(): Promise<void> }>}
 */
export async function serveControl(handle, socket = controlSocket()) {
  mkdirSync(path.dirname(socket), { recursive: true });
  rmSync(socket, { force: true });
  const server = http.createServer(async (request, response) => {
    const [, action, name] = new URL(request.url, 'http://control').pathname.split('/');
    const answer = (status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    try {
      if (action === 'status' && request.method === 'GET') return answer(200, handle.status());
      if (!SERVICES.includes(name) || request.method !== 'POST') return answer(404, { error: `unknown command ${request.method} /${action}/${name ?? ''}` });
      if (action === 'stop') {
        const kill = new URL(request.url, 'http://control').searchParams.get('signal') === 'SIGKILL';
        return answer(200, { name, ...(await handle.stopOne(name, { signal: kill ? 'SIGKILL' : 'SIGTERM' })) });
      }
      if (action === 'start') return answer(200, await handle.startOne(name));
      return answer(404, { error: `unknown command ${action}` });
    } catch (err) {
      return answer(409, { error: err.message });
    }
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  return {
    close: () => new Promise((resolve) => server.close(() => resolve(rmSync(socket, { force: true })))),
  };
}

function send(method, route) {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: controlSocket(), method, path: route }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.once('error', (err) => reject(new Error(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? `no \`npm start\` is listening on ${controlSocket()}` : err.message)));
    request.end();
  });
}

async function main() {
  const [action, name, flag] = process.argv.slice(2);
  const usage = `usage: npm run services -- status | stop <service> [--kill] | start <service>   (services: ${SERVICES.join(', ')})`;
  if (action !== 'status' && !(['stop', 'start'].includes(action) && SERVICES.includes(name))) {
    console.error(usage);
    return 2;
  }
  const route = action === 'status' ? '/status' : `/${action}/${name}${flag === '--kill' ? '?signal=SIGKILL' : ''}`;
  const { status, body } = await send(action === 'status' ? 'GET' : 'POST', route);
  if (status !== 200) {
    console.error(JSON.parse(body).error);
    return 1;
  }
  if (action === 'status') for (const s of JSON.parse(body)) console.log(`${s.name.padEnd(16)} ${s.running ? `running  pid ${s.pid}` : 'stopped'}  :${s.port}`);
  else console.log(body.trim());
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
