import { runService } from '@herald/runtime';
import { EmailSenderModule } from './email-sender.module';

void runService({ name: 'email-sender', module: EmailSenderModule, consumer: { concurrency: 8 } });
