import { runService } from '@herald/runtime';
import { setupAdminHttp } from './admin/admin-http';
import { setupConsoleHttp } from './console/console-http';
import { IngestModule } from './ingest.module';

// Events need no order among themselves: every message of a partition may run at once.
void runService({
  name: 'ingest',
  module: IngestModule,
  consumer: { concurrency: 64, ordering: 'none' },
  configure: (app) => {
    setupAdminHttp(app);
    setupConsoleHttp(app);
  },
});
