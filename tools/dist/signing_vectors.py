"""Runs tests/vectors/signing.json through an installed doku-checkout (`make dist-check`),
then a checkout, its status and its cancel over HTTP, sync and asyncio, against the wheel's own
emulator: the packaged client's transport, not only its signing.
usage: python signing_vectors.py signing.json [expected-install-prefix]"""

import asyncio
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
    round_trip()


def round_trip():
    from doku_checkout.testing import MockServer

    with MockServer(client_id="MCH-DIST", secret_key="SK-DIST-0123456789") as doku:
        client = dc.Client("MCH-DIST", "SK-DIST-0123456789", base_url=doku.url)
        checkout = client.create_checkout(invoice_number="INV-DIST-1", amount=150000)
        status = client.order_status("INV-DIST-1").status
        cancelled = client.cancel_order(
            invoice_number="INV-DIST-1", original_request_id=checkout.request_id, note="dist-check"
        ).order_status

        async def in_asyncio():
            aclient = dc.AsyncClient("MCH-DIST", "SK-DIST-0123456789", base_url=doku.url)
            return (await aclient.order_status("INV-DIST-1")).status

        after = asyncio.run(in_asyncio())
    if (status, cancelled, after) != ("PENDING", "CANCELLED", "CANCELLED"):
        sys.exit(f"python round trip: status {status}, cancel {cancelled}, status after {after}")
    print("python round trip against the wheel's emulator: PENDING, CANCELLED (sync), CANCELLED (asyncio)")


main()
