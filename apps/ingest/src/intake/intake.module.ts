import { Module } from '@nestjs/common';
import { IntakeMetrics } from '@herald/observability';
import { IntakeController } from './intake.controller';
import { IntakeService } from './intake.service';

@Module({
  controllers: [IntakeController],
  providers: [IntakeService, IntakeMetrics],
  exports: [IntakeService],
})
export class IntakeModule {}
