import { Column, Entity, Index } from 'typeorm';
import { encrypted } from '../crypto/secret-box';
import { SubscriptionColumns } from '../subscription/subscription.columns';

export type SmtpSecurity = 'starttls' | 'tls' | 'none';

/** A team inbox: recipients, which events, which projects, and optionally its own SMTP server. */
@Entity('email_channels')
@Index(['orgId'])
export class EmailChannelEntity extends SubscriptionColumns {
  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', array: true })
  recipients!: string[];

  /** Per-channel SMTP; when host is null the deployment's SMTP settings are used. */
  @Column({ name: 'smtp_host', type: 'text', nullable: true })
  smtpHost!: string | null;

  @Column({ name: 'smtp_port', type: 'integer', nullable: true })
  smtpPort!: number | null;

  @Column({ name: 'smtp_security', type: 'text', nullable: true })
  smtpSecurity!: SmtpSecurity | null;

  @Column({ name: 'smtp_username', type: 'text', nullable: true })
  smtpUsername!: string | null;

  /** Encrypted at rest (AES-256-GCM); never returned by the API. */
  @Column({ name: 'smtp_password', type: 'text', nullable: true, transformer: encrypted })
  smtpPassword!: string | null;

  @Column({ name: 'smtp_from', type: 'text', nullable: true })
  smtpFrom!: string | null;
}
