"""Every request example of the served document, sent as is to the demo by the person it is
written for, gets the documented success (an example that names an id names one the demo has;
a need's window alone is moved to the coming hours, as a need is always posted for soon).
The examples of operations on a path id are sent along the demo's objects by the flows instead.

    python3 examples.py BASE_URL OPENAPI_JSON
"""

import json
import sys
import urllib.error
import urllib.request
import uuid

BASE, DOC = sys.argv[1], json.load(open(sys.argv[2]))
PASSWORD = "canglong-demo-2026"

# Who sends each operation's example; every example-bearing operation without a path id is here.
SENDER = {
    "sign_in_password": None,
    "sign_in_wechat": None,
    "update_me": "wang_ayi",
    "accept_policy": "wang_ayi",
    "add_subscriptions": "wang_ayi",
    "apply_merchant": "liu_nvshi",
    "create_need": "wang_ayi",
    "create_offer": "admin",
    "adjust_points": "admin",
    "set_points_rules": "admin",
    "create_project": "sw_li",
    "create_service_record": "sw_li",
    "create_suggestion": "wang_ayi",
    "create_team": "admin",
    "create_training": "sw_li",
    "apply_volunteer": "liu_nvshi",
    "use_voucher": "merchant",
    "create_building": "admin",
    "register_resident": "head_chen",
    "record_outreach": "head_chen",
    "create_place": "admin",
    "record_visit": "sw_li",
    "create_association": "sw_li",
    "create_campaign": "sw_li",
    "raise_topic": "wang_ayi",
}
EXPECTED = {}


def call(method, path, body=None, token=None, headers=()):
    req = urllib.request.Request(BASE + path, method=method.upper())
    for k, v in headers:
        req.add_header(k, v)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(req, data, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def window(example):
    import datetime as dt

    parse = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    start, end = parse(example["window_start"]), parse(example["window_end"])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(hours=1)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"window_start": iso(now), "window_end": iso(now + (end - start))}


tokens = {}


def token(user):
    if user and user not in tokens:
        status, body = call("post", "/api/v1/auth/login", {"username": user, "password": PASSWORD})
        assert status == 200, (user, status, body)
        tokens[user] = json.loads(body)["access_token"]
    return tokens.get(user)


schemas = DOC["components"]["schemas"]
failures, sent = [], 0
for path, item in DOC["paths"].items():
    for method, op in item.items():
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not body:
            continue
        name = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
        example = schemas.get(name, {}).get("example")
        if example is None or "{" in path:
            continue
        opid = op["operationId"]
        if opid not in SENDER:
            failures.append(f"{opid}: no sender for its example")
            continue
        # A required header (the Idempotency-Key of a value-moving call) gets a fresh value.
        headers = [
            (p["name"], str(uuid.uuid4()))
            for p in op.get("parameters", [])
            if p.get("in") == "header" and p.get("required")
        ]
        if opid == "create_need":
            # A need is help wanted soon (its window ends within 180 days of posting): the
            # example's window, the same four hours, moves to start an hour from now.
            example = dict(example, **window(example))
        status, answer = call(method, path, example, token(SENDER[opid]), headers)
        sent += 1
        documented = set(int(s) for s in op["responses"] if s.isdigit())
        ok = status in EXPECTED.get(opid, set(range(200, 300)))
        if not ok or status not in documented:
            failures.append(f"{opid}: {status} {answer[:200]!r}")
if failures:
    raise SystemExit("examples that do not hold:\n  " + "\n  ".join(failures))
print(f"examples: {sent} sent as is to the demo, each got its documented answer")
