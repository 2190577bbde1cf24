"""Runs tests/vectors/signing.json through an installed doku-checkout (`make dist-check`).
usage: python signing_vectors.py signing.json [expected-install-prefix]"""

import base64
import json
import sys

import doku_checkout as dc


def body(spec):
    if spec is None:
        return None
    if "b64" in spec:
        return base64.b64decode(spec["b64"])
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    return bytes.fromhex(spec["repeat"]["hex"]) * spec["repeat"]["count"]


def run(case):
    inp, expect = case["input"], case["expect"]
    args = dict(client_id=inp["client_id"], request_id=inp["request_id"], timestamp=inp["timestamp"],
                request_target=inp["request_target"], body=body(inp["body"]))
    try:
        text = dc.signing_string(**args)
        signature = dc.sign_request(secret_key=inp["secret_key"], **args)
    except dc.DokuError as err:
        return {"error": {"code": err.code, "field": err.field}} == {"error": expect.get("error")}
    digest = None if args["body"] is None else dc.compute_digest(args["body"])
    return (text, signature, digest) == (expect.get("string_to_sign"), expect.get("signature"), expect.get("digest"))


def main():
    vectors = json.load(open(sys.argv[1], encoding="utf-8"))
    if len(sys.argv) > 2 and not dc.__file__.startswith(sys.argv[2]):
        sys.exit(f"doku_checkout was imported from {dc.__file__}, not from {sys.argv[2]}")
    cases = [c for g in vectors["groups"] if g["operation"] == "sign_request" for c in g["cases"]]
    failed = [c["id"] for c in cases if not run(c)]
    if failed or not cases:
        sys.exit(f"python signing vectors: {len(failed)} of {len(cases)} failed: {failed}")
    print(f"python signing vectors: {len(cases)} of {len(cases)} passed ({dc.__file__})")


main()
