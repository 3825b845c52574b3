import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A console session for one org and role. It starts as a one-time link; opening the link turns it into a
 * session (once). Link, session id and CSRF token are stored only as SHA-256 hashes: all are 256 random bits.
 */
@Entity('portal_sessions')
export class PortalSessionEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  /** admin | viewer */
  @Column('text')
  role!: string;

  @Column({ name: 'link_hash', type: 'text', unique: true })
  linkHash!: string;

  @Column({ name: 'link_expires_at', type: 'timestamptz' })
  linkExpiresAt!: Date;

  /** Set when the link is opened; a link with a session can never be opened again. */
  @Column({ name: 'session_hash', type: 'text', nullable: true, unique: true })
  sessionHash!: string | null;

  @Column({ name: 'csrf_hash', type: 'text', nullable: true })
  csrfHash!: string | null;

  @Column({ name: 'session_expires_at', type: 'timestamptz', nullable: true })
  sessionExpiresAt!: Date | null;

  /** The API key id (or `cli`) that issued the link. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
