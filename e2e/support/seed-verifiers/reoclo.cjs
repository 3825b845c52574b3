/* eslint-disable @typescript-eslint/no-require-imports -- the seed's receiver code, run as it is published */
// Seed 001's Node receiver (Reoclo, "Verifying Webhook Signatures"), verbatim; below it, only the
// command-line wrapper: reoclo.cjs <secret> <X-Reoclo-Signature-256 header>, raw body on stdin.
// Exit 0: accepted; 1: rejected.
const crypto = require('crypto');

function verify(payload, secret, signatureHeader) {
  const body = JSON.stringify(payload); // keys already sorted by Reoclo
  const expected = 'sha256=' + crypto
    .createHmac('sha256', secret)
    .update(body)
    .digest('hex');
  return crypto.timingSafeEqual(
    Buffer.from(expected),
    Buffer.from(signatureHeader)
  );
}

// --- wrapper ---
const raw = require('fs').readFileSync(0, 'utf8');
let accepted = false;
try {
  accepted = verify(JSON.parse(raw), process.argv[2], process.argv[3]);
} catch {
  accepted = false; // timingSafeEqual throws on a length mismatch: the receiver's request fails
}
process.exit(accepted ? 0 : 1);
