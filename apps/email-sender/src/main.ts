import { runService } from '@herald/runtime';
import { EmailSenderModule } from './email-sender.module';

// Jobs are keyed by email channel: one channel's messages go out in order, different channels in parallel.
void runService({ name: 'email-sender', module: EmailSenderModule, consumer: { concurrency: 16, partitionsConsumedConcurrently: 6 } });
