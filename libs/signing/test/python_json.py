# Python's own serialisation of each line on stdin (one JSON text per line), as seed 001's
# receivers re-serialise a payload before checking its signature. canonicalJson must match it.
import json, sys

for line in sys.stdin.read().splitlines():
    print(json.dumps(json.loads(line), separators=(",", ":"), sort_keys=True))
