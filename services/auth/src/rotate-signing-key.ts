import { connectNats, createLogger, createPgPool } from '@cipherlink/kit';
import { loadAuthConfig } from './config';
import { rotateSigningKey } from './signing-key-rotation';
import { createSigningKeyStore } from './store/signing-key-store';

// Rotate the access-token signing key (see docs/operations.md):
//   npx tsx services/auth/src/rotate-signing-key.ts          new key signs after SIGNING_KEY_PUBLISH_SECONDS (60)
//   npx tsx services/auth/src/rotate-signing-key.ts --now    new key signs at once (after a key compromise)
// Reads DATABASE_URL, NATS_URL and SIGNING_KEY_PUBLISH_SECONDS like the auth service.
const args = process.argv.slice(2);
if (args.some((a) => a !== '--now')) {
  process.stderr.write('usage: rotate-signing-key [--now]\n');
  process.exit(2);
}
const config = loadAuthConfig(process.env);
const logger = createLogger({ name: 'rotate-signing-key', level: config.LOG_LEVEL });
const pool = createPgPool(config.DATABASE_URL, { applicationName: 'cipherlink-auth-rotate', max: 1 });
const nats = await connectNats({ url: config.NATS_URL, name: 'auth-rotate-signing-key', logger });
try {
  const publishSeconds = args.includes('--now') ? 0 : config.SIGNING_KEY_PUBLISH_SECONDS;
  const { kid, notBefore } = await rotateSigningKey({ keys: createSigningKeyStore(pool), nats, publishSeconds });
  logger.info({ kid, notBefore: notBefore.toISOString() }, 'signing key rotated; the previous key retires at notBefore');
} finally {
  await nats.close();
  await pool.end();
}
