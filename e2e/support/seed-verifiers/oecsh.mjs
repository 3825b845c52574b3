// Seed 002's Node receiver (OEC.sh public API, "Webhook signing and the delivery log"), verbatim;
// below it, only the command-line wrapper:
//   oecsh.mjs <secret> <X-OECSH-Signature> <X-OECSH-Timestamp>, raw body on stdin. Exit 0: accepted.
import crypto from "node:crypto";
export function verifyOecshSignature(rawBody, headers, secret) {
const sig = headers["x-oecsh-signature"];
const ts = headers["x-oecsh-timestamp"];
if (!sig || !ts) return false;
// Replay protection
if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
const expected = crypto
.createHmac("sha256", secret)
.update(`${ts}.`)
.update(rawBody)
.digest("hex");
return crypto.timingSafeEqual(
Buffer.from(expected, "hex"),
Buffer.from(sig, "hex"),
);
}

// --- wrapper ---
import { readFileSync } from "node:fs";
const [secret, sig, ts] = process.argv.slice(2);
let accepted = false;
try {
  accepted = verifyOecshSignature(readFileSync(0), { "x-oecsh-signature": sig, "x-oecsh-timestamp": ts }, secret);
} catch {
  accepted = false;
}
process.exit(accepted ? 0 : 1);
