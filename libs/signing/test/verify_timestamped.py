# Seed 002's FastAPI receiver (OEC.sh public API), its checks kept as written:
#   verify_timestamped.py <secret> <signature header> <timestamp header>   with the raw body on stdin.
# Exit 0: valid; 1: bad signature; 2: stale event.
import hmac, hashlib, sys, time

WEBHOOK_SECRET = sys.argv[1].encode()
body = sys.stdin.buffer.read()
sig = sys.argv[2]
ts = sys.argv[3]
# Reject events older than 5 minutes (replay protection)
if abs(time.time() - int(ts)) > 300:
    sys.exit(2)
expected = hmac.new(
    WEBHOOK_SECRET,
    f"{ts}.".encode() + body,
    hashlib.sha256,
).hexdigest()
sys.exit(0 if hmac.compare_digest(expected, sig) else 1)
