export { canonicalJson } from './canonical-json';
export { DEFAULT_ROTATION_GRACE_MS, graceExpiry, signingSecrets, type StoredSecret } from './rotation';
export { DEFAULT_HEADER_PREFIX, ID_HEADER, NEXT_SIGNATURE_SUFFIX, schemeHeaders, SIGNATURE_SCHEMES, type HeaderNames, type SignatureScheme } from './schemes';
export { generateSecret, isValidSecret } from './secrets';
export { signWebhook, type SignInput } from './sign';
export { verifyWebhook, WebhookVerificationError, type HeaderSource, type VerificationFailure, type VerifyInput } from './verify';
