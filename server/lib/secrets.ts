import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { ensureDataDir } from './data-dir';

/**
 * Reads a secret from `DATA_DIR/<file>`, creating it (mode 0600) on first use, so that a fresh
 * install needs no configuration yet keeps its sessions and tokens across restarts.
 */
export function loadOrCreateSecretFile(dataDir: string, file: string, bytes: number): Buffer {
  const target = path.join(dataDir, file);
  try {
    const existing = fs.readFileSync(target, 'utf8').trim();
    const decoded = Buffer.from(existing, 'base64');
    if (decoded.length === bytes) return decoded;
    throw new Error(`${target} does not hold a ${bytes}-byte base64 secret; delete it to generate a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(bytes);
  ensureDataDir(dataDir);
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(target, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecretFile(dataDir, file, bytes);
    throw error;
  }
  return secret;
}

export function parseKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** AES-256-GCM envelope for CRM tokens at rest: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The token encryption key must be 32 bytes');
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt(envelope: string, associatedData: string): string {
    const [version, iv, tag, body] = envelope.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown token envelope');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
