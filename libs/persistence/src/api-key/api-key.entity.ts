import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An admin API key: scoped to one org, stored only as the SHA-256 of the key. */
@Entity('api_keys')
@Index(['orgId', 'createdAt'])
export class ApiKeyEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  /** The first characters of the key, so a person can tell keys apart; not enough to use it. */
  @Column('text')
  prefix!: string;

  /** Hex SHA-256 of the whole key. Keys are 256 random bits, so a fast hash is enough. */
  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash!: string;

  @Column({ type: 'text', array: true })
  permissions!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
