import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Requests counted in one fixed window for one bucket (an API key, or an API key's webhook mutations). */
@Entity('rate_limit_counters')
export class RateLimitCounterEntity {
  @PrimaryColumn('text')
  bucket!: string;

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;

  @Column('integer')
  hits!: number;
}
