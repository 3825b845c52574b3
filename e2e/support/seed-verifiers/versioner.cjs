/* eslint-disable @typescript-eslint/no-require-imports -- the seed's receiver code, run as it is published */
// Seed 004's Node receiver (Versioner, "HMAC signature verification"), verbatim; below it, only the
// command-line wrapper: versioner.cjs <secret> <X-Versioner-Signature header>, raw body on stdin.
const crypto = require("crypto");

function verifySignature(secret, rawBody, header) {
  const expected = "sha256=" + crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}

// --- wrapper ---
let accepted = false;
try {
  accepted = verifySignature(process.argv[2], require("fs").readFileSync(0), process.argv[3]);
} catch {
  accepted = false;
}
process.exit(accepted ? 0 : 1);
