"""bench/cds.sh's check before the runs: the service at BASE (with --client)
answers each benchmark request correctly, with a token, and really checks
tokens (so that the benchmark does not time a no-op).

usage: check.py BASE JWT_TOOL ES384_JWK RS384_JWK ISSUER
Exit 0 when every answer is as expected; prints one line per request."""
import http.client
import json
import subprocess
import sys
import urllib.parse

base, jwt_tool, es_key, rs_key, iss = sys.argv[1:6]
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)


def token(key, path, jti):
    return subprocess.run([jwt_tool, "sign", key, iss, base + path, "300", jti],
                          check=True, capture_output=True, text=True).stdout.strip()


def call(path, body_file, tok):
    body = open(body_file, "rb").read() if body_file else None
    hdrs = {"Content-Type": "application/json"} if body else {}
    if tok:
        hdrs["Authorization"] = "Bearer " + tok
    conn.request("POST" if body else "GET", path, body=body, headers=hdrs)
    r = conn.getresponse()
    return r.status, r.read(), len(body or b"")


ok = True


def expect(what, cond):
    global ok
    print("%-58s %s" % (what, "ok" if cond else "WRONG"))
    ok &= bool(cond)


st, data, _ = call("/cds-services", None, token(es_key, "/cds-services", "check-disc"))
expect("discovery, ES384 token: 200, 3 services (%d bytes)" % len(data),
       st == 200 and len(json.loads(data)["services"]) == 3)
for svc, key, alg in (("order-sign", es_key, "ES384"), ("patient-view", es_key, "ES384"),
                      ("order-sign", rs_key, "RS384")):
    path = "/cds-services/mgsleep-" + svc
    tok = token(key, path, "check-%s-%s" % (svc, alg))
    st, data, sent = call(path, "bench/cds/%s.json" % svc, tok)
    cards = json.loads(data).get("cards", []) if st == 200 else []
    expect("%s, %s token: 200, a doxycycline spacing card (%d bytes in, %d out, %d cards)"
           % (svc, alg, sent, len(data), len(cards)),
           st == 200 and any("doxycycline" in c["summary"] for c in cards))
    if svc == "order-sign" and alg == "ES384":
        st, _, _ = call(path, "bench/cds/%s.json" % svc, tok)
        expect("order-sign, the same token again (replayed jti): 401", st == 401)
        st, _, _ = call(path, "bench/cds/%s.json" % svc, None)
        expect("order-sign without a token: 401", st == 401)
sys.exit(0 if ok else 1)
