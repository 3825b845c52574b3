import { Module } from '@nestjs/common';
import { DeliveryControl } from './delivery-control';

/** Needs KafkaModule and PersistenceModule (both global) in the importing app. */
@Module({ providers: [DeliveryControl], exports: [DeliveryControl] })
export class DeliveryControlModule {}
