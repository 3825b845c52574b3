// A local SMTP sink for development: accepts every message on loopback and saves it, exactly as received, as an .eml
// file (open it with any mail client, or read it as text). `npm start` runs one when no SMTP server is configured.
//
//   node tools/dev/mail-sink.mjs [dir] [port]      (default tmp/mail, a free port; prints the SMTP_URL to use)
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';

/**
 * @param {object} [opts]
 * @param {string} opts.dir  folder the .eml files go to (created if missing)
 * @param {number} [opts.port=0]  0 picks a free port
 * @param {(file: string, envelope: { from: string, to: string[] }) => void} [opts.onMessage]
 * @returns {Promise<{ url: string, port: number, dir: string, stop: () => Promise<void> }>}
 */
export async function startMailSink({ dir, port = 0, onMessage } = {}) {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    logger: false,
    // Plaintext on loopback, no login: it is a sink, not a relay.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++count).padStart(4, '0')}.eml`;
      const file = path.join(dir, name);
      pipeline(stream, createWriteStream(file)).then(
        () => {
          onMessage?.(file, { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) });
          callback(null, `Ok: saved as ${name}`);
        },
        (err) => callback(Object.assign(new Error(`could not save the message: ${err.message}`), { responseCode: 451 })),
      );
    },
  });
  await new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = server.server.address().port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    dir,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const sink = await startMailSink({
    dir: path.resolve(process.argv[2] ?? path.join(root, 'tmp', 'mail')),
    port: Number(process.argv[3] ?? 0),
    onMessage: (file, { to }) => console.log(`mail-sink | ${path.relative(process.cwd(), file)} (to ${to.join(', ')})`),
  });
  console.log(`mail-sink | saving messages to ${sink.dir}`);
  console.log(`mail-sink | SMTP_URL=${sink.url} SMTP_SECURITY=none SMTP_FROM='Herald <herald@localhost>'`);
  const stop = () => sink.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
