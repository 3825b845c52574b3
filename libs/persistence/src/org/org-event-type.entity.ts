import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An org's override of an event type's catalog default (seed 001's global toggles). */
@Entity('org_event_types')
export class OrgEventTypeEntity {
  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  @PrimaryColumn('text')
  type!: string;

  @Column('boolean')
  enabled!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
