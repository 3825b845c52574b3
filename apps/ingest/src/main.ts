import { runService } from '@herald/runtime';
import { IngestModule } from './ingest.module';

void runService({ name: 'ingest', module: IngestModule, consumer: { concurrency: 16 } });
