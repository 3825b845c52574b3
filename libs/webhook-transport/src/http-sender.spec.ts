import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@herald/config';
import { startReceiver, type Receiver } from '@herald/testing';
import { HttpSender } from './http-sender';

/** Real undici against real loopback receivers: what is sent, and what is never contacted. */
describe('HttpSender', () => {
  let target: Receiver;
  const sender = (allowLoopback: boolean) => new HttpSender(loadConfig({ HERALD_ALLOW_LOOPBACK_DESTINATIONS: String(allowLoopback) }));
  const post = (s: HttpSender, url: string, timeoutMs = 2000) => s.post({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs });

  beforeEach(async () => {
    target = await startReceiver((req) => (req.path === '/big' ? { status: 500, body: 'x'.repeat(10_000) } : req.path === '/hang' ? { status: 200, delayMs: 5000 } : { status: 200, body: 'ok' }));
  });
  afterEach(() => target.close());

  describe('with the loopback allowance off (production)', () => {
    const strict = sender(false);
    afterAll(() => strict.onApplicationShutdown());

    it.each([
      ['plain http', (port: number) => `http://127.0.0.1:${port}/`],
      ['an IPv4 loopback literal', (port: number) => `https://127.0.0.1:${port}/`],
      ['a name resolving to loopback, checked at connect time', (port: number) => `https://localhost:${port}/`],
      ['an IPv4-mapped IPv6 loopback', (port: number) => `https://[::ffff:127.0.0.1]:${port}/`],
      ['a private address', () => 'https://10.0.0.1/'],
      ['the cloud metadata address', () => 'https://169.254.169.254/latest/meta-data'],
    ])('never contacts %s', async (_what, url) => {
      const port = Number(new URL(target.url).port);
      const result = await post(strict, url(port));
      expect(result).toMatchObject({ kind: 'refused', error: expect.stringMatching(/^destination refused: /) });
      expect(target.requests).toHaveLength(0);
    });
  });

  describe('with the loopback allowance on (tests, demo)', () => {
    const dev = sender(true);
    afterAll(() => dev.onApplicationShutdown());

    it('posts and reports status, latency and body', async () => {
      const result = await post(dev, `${target.url}/hook`);
      expect(result).toMatchObject({ kind: 'response', statusCode: 200, body: 'ok' });
      expect(target.requests[0]).toMatchObject({ method: 'POST', path: '/hook', body: '{}' });
    });

    it('answers a URL it has checked before the same way, with its query kept', async () => {
      expect(await post(dev, 'https://10.0.0.1/again')).toMatchObject({ kind: 'refused' });
      expect(await post(dev, 'https://10.0.0.1/again')).toMatchObject({ kind: 'refused', error: expect.stringContaining('10.0.0.1') });
      for (let i = 0; i < 2; i++) expect(await post(dev, `${target.url}/hook?n=1`)).toMatchObject({ kind: 'response', statusCode: 200 });
      expect(target.requests.map((r) => r.path)).toEqual(['/hook?n=1', '/hook?n=1']);
    });

    it('keeps at most 4 KiB of the answer', async () => {
      const result = await post(dev, `${target.url}/big`);
      expect(result.kind === 'response' && result.body.length).toBe(4096);
    });

    it('does not follow redirects, even to an allowed address', async () => {
      const elsewhere = await startReceiver();
      const redirector = await startReceiver(() => ({ status: 302, headers: { location: `${elsewhere.url}/stolen` } }));
      try {
        const result = await post(dev, redirector.url);
        expect(result).toMatchObject({ kind: 'response', statusCode: 302 });
        expect(elsewhere.requests).toHaveLength(0);
      } finally {
        await Promise.all([elsewhere.close(), redirector.close()]);
      }
    });

    it('gives up after the timeout', async () => {
      const result = await post(dev, `${target.url}/hang`, 300);
      expect(result).toMatchObject({ kind: 'error', timedOut: true, error: 'timed out after 300 ms' });
      expect(result.latencyMs).toBeLessThan(2000);
    });

    it('gives up after the timeout when the answer stalls halfway through its body', async () => {
      const stalling = createServer((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      });
      await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
      try {
        const result = await post(dev, `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/`, 300);
        expect(result).toMatchObject({ kind: 'error', timedOut: true, error: 'timed out after 300 ms' });
      } finally {
        stalling.closeAllConnections();
        await new Promise((resolve) => stalling.close(resolve));
      }
    });

    it('gives up at the timeout also on a request still waiting for one of the 64 connections', async () => {
      const results = await Promise.all(Array.from({ length: 65 }, () => post(dev, `${target.url}/hang`, 300)));
      expect(results.every((result) => result.kind === 'error' && result.timedOut)).toBe(true);
    });

    it('reports a refused connection as an error, not a timeout', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      expect(await post(dev, `http://127.0.0.1:${port}/`)).toMatchObject({ kind: 'error', timedOut: false, error: expect.stringContaining('ECONNREFUSED') });
    });

    it('still refuses private addresses other than loopback', async () => {
      expect(await post(dev, 'https://10.0.0.1/')).toMatchObject({ kind: 'refused' });
    });
  });
});
