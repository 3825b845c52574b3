# Seed 003 (oxo-flow) sends GitHub's X-Hub-Signature-256 and shows no receiver code, so this is the
# receiver GitHub documents ("Validating webhook deliveries", Python example), reading its inputs
# from the command line:
#   verify_github.py <secret> <X-Hub-Signature-256 header>   with the raw body on stdin.
# Exit 0: valid; 1: signatures didn't match; 3: header missing.
import hashlib
import hmac
import sys


class HTTPException(Exception):
    def __init__(self, status_code, detail):
        super().__init__(detail)
        self.status_code = status_code


def verify_signature(payload_body, secret_token, signature_header):
    """Verify that the payload was sent from GitHub by validating SHA256.

    Raise and return 403 if not authorized.
    """
    if not signature_header:
        raise HTTPException(status_code=403, detail="x-hub-signature-256 header is missing!")
    hash_object = hmac.new(secret_token.encode('utf-8'), msg=payload_body, digestmod=hashlib.sha256)
    expected_signature = "sha256=" + hash_object.hexdigest()
    if not hmac.compare_digest(expected_signature, signature_header):
        raise HTTPException(status_code=403, detail="Request signatures didn't match!")


try:
    verify_signature(sys.stdin.buffer.read(), sys.argv[1], sys.argv[2])
except HTTPException as error:
    sys.exit(3 if "missing" in str(error) else 1)
