import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One `Idempotency-Key` an org used on a mutation: which request it named (method, path, hash
 * of the body) and, once the request succeeded, the response to replay for 24 hours.
 */
@Entity('idempotency_records')
@Index(['expiresAt'])
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  @PrimaryColumn('text')
  key!: string;

  @Column('text')
  method!: string;

  @Column('text')
  path!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  /** Null while the first request is still running. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
