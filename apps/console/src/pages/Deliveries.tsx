import { DeliveryLog } from './DeliveryLog';

export function DeliveriesPage() {
  return (
    <>
      <h1>Delivery log</h1>
      <DeliveryLog />
    </>
  );
}
