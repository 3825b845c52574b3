import { Client } from 'pg';
import { BackgroundCheck } from '@herald/observability';

/**
 * Whether PostgreSQL answers, asked in the background on a connection of its own: readiness must not queue
 * behind the pool a burst keeps busy (probes timed out under load when they did), and it must say when the
 * database is gone.
 */
export class DatabaseProbe {
  private client: Client | undefined;
  private readonly background: BackgroundCheck;

  constructor(url: string, intervalMs?: number) {
    this.background = new BackgroundCheck(
      async () => {
        if (!this.client) {
          const client = new Client({ connectionString: url, application_name: 'herald-readiness' });
          // An error on an idle connection (the server restarted) must not crash the process: the next check reconnects.
          client.on('error', () => undefined);
          this.client = client;
          await client.connect();
        }
        await this.client.query('SELECT 1');
      },
      async () => {
        const client = this.client;
        this.client = undefined;
        await client?.end();
      },
      intervalMs,
    );
  }

  get reachable(): boolean {
    return this.background.ok;
  }

  start(): Promise<boolean> {
    this.background.start();
    return this.background.check();
  }

  stop(): Promise<void> {
    return this.background.stop();
  }
}
