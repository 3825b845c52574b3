import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { encrypted } from '../crypto/secret-box';
import { WebhookEntity } from './webhook.entity';

/** A signing secret; an old one keeps signing beside its successor until `expiresAt`. */
@Entity('webhook_secrets')
export class WebhookSecretEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'webhook_id', type: 'text' })
  webhookId!: string;

  @ManyToOne(() => WebhookEntity, (webhook) => webhook.secrets, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  // Relation<> keeps decorator metadata from naming WebhookEntity eagerly (the two files import each other).
  webhook?: Relation<WebhookEntity>;

  /** Encrypted at rest; it must stay recoverable because Herald signs with it. */
  @Column({ type: 'text', transformer: encrypted })
  secret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
