import { Module } from '@nestjs/common';
import { DeliveryControlModule } from '@herald/deliveries';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';

@Module({ imports: [DeliveryControlModule], controllers: [DeliveriesController], providers: [DeliveriesService] })
export class DeliveriesModule {}
