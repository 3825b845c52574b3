import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { ValueTransformer } from 'typeorm';

const FORMAT = 'enc1';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * AES-256-GCM for secrets at rest. The first key encrypts; every key decrypts, so keys can be
 * rotated: add a new key in front, re-save rows, then drop the old one.
 * Stored form: `enc1:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`encryption key '${k.id}' must be 32 bytes`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** `HERALD_ENCRYPTION_KEYS=id1:<base64 32 bytes>,id0:<...>` — current key first. */
  static fromEnv(value: string | undefined, nodeEnv = process.env.NODE_ENV): SecretBox {
    if (!value) {
      if (nodeEnv === 'production') throw new Error('HERALD_ENCRYPTION_KEYS must be set in production');
      // Development only: a fixed key keeps `npm start` working without set-up; never for real data.
      return new SecretBox([{ id: 'dev', key: createHash('sha256').update('herald-development-key').digest() }]);
    }
    return new SecretBox(
      value.split(',').map((entry) => {
        const [id, material] = entry.trim().split(':');
        if (!id || !material) throw new Error('HERALD_ENCRYPTION_KEYS entries look like id:base64key');
        return { id, key: Buffer.from(material, 'base64') };
      }),
    );
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  encrypt(plaintext: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  decrypt(stored: string): string {
    const [format, id, iv, tag, ciphertext] = stored.split(':');
    if (format !== FORMAT || ciphertext === undefined) throw new Error('not an encrypted value');
    const key = this.byId.get(id);
    if (!key) throw new Error(`no encryption key '${id}' to decrypt with`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

let shared: SecretBox | undefined;

/** The process-wide box, from HERALD_ENCRYPTION_KEYS on first use. */
export function secretBox(): SecretBox {
  return (shared ??= SecretBox.fromEnv(process.env.HERALD_ENCRYPTION_KEYS));
}

/** Column transformer: plaintext in the entity, ciphertext in Postgres. */
export const encrypted: ValueTransformer = {
  to: (value: string | null | undefined) => (value == null ? value : secretBox().encrypt(value)),
  from: (value: string | null) => (value == null ? value : secretBox().decrypt(value)),
};
