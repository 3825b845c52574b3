# Seed 004's receiver (Versioner, "HMAC signature verification"), reading its inputs from the command line:
#   verify_versioner.py <secret> <X-Versioner-Signature header>   with the raw body on stdin.
import hmac, hashlib, sys

def verify_signature(secret: str, raw_body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)

sys.exit(0 if verify_signature(sys.argv[1], sys.stdin.buffer.read(), sys.argv[2]) else 1)
