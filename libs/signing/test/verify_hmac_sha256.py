# Seed 000's receiver (oec.sh "Verifying signatures"), reading its inputs from the command line:
#   verify_hmac_sha256.py <secret> <signature header>   with the raw body on stdin.
import hashlib, hmac, sys

def verify(raw_body: bytes, header: str, secret: str) -> bool:
    expected = header.removeprefix("sha256=")
    computed = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(computed, expected)

sys.exit(0 if verify(sys.stdin.buffer.read(), sys.argv[2], sys.argv[1]) else 1)
