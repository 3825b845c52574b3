# Seed 001's receiver (Reoclo): it parses the payload and re-serialises it with sorted keys
# before checking, so it only works if Herald's canonical body is byte-identical to Python's.
#   verify_resorted.py <secret> <signature header>   with the raw body on stdin.
import hashlib, hmac, json, sys

def verify(payload, secret, signature_header):
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    expected = "sha256=" + hmac.new(secret.encode(), msg=body, digestmod=hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_header)

sys.exit(0 if verify(json.loads(sys.stdin.buffer.read()), sys.argv[1], sys.argv[2]) else 1)
