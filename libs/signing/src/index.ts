export { canonicalJson } from './canonical-json';
export { DEFAULT_ROTATION_GRACE_MS, graceExpiry, signingSecrets, type StoredSecret } from './rotation';
export {
  DEFAULT_HEADER_PREFIX,
  generateSecret,
  isValidSecret,
  SIGNATURE_SCHEMES,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  type SignatureScheme,
  type SignInput,
  type VerifyInput,
} from './schemes';
