import { runService } from '@herald/runtime';
import { RouterModule } from './router.module';

void runService({ name: 'router', module: RouterModule, consumer: { concurrency: 16 } });
