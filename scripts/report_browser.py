"""The review-meeting report in a real browser: headless Chromium, driven over the DevTools
protocol, loads the report from the server itself (the staff token sent as a header), and this
checks what a person at the meeting would meet: the page answers 200 as HTML, loads nothing from
anywhere else, throws nothing and logs no error; its figures, as the browser parsed them, equal
`/stats/overview` for the same period; it prints to A4 pages. A screenshot and the PDF are kept.

    python3 scripts/report_browser.py BASE OUT NAME USERNAME PASSWORD FROM TO COMMUNITY|- [NAME ...]
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import websocket


def call_api(base, path, token=None, body=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


class Tab:
    """One page of the browser: commands answered in order, events kept until looked at."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=120, suppress_origin=True)
        self.n = 0
        self.events = []

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def wait(self, method, timeout=120):
        end = time.time() + timeout
        while time.time() < end:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def seen(self, method):
        return [e["params"] for e in self.events if e.get("method") == method]


def browser(profile):
    proc = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
            break
        time.sleep(0.1)
    port = open(port_file).read().split("\n")[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
        page = next(t for t in json.load(r) if t["type"] == "page")
    return proc, Tab(page["webSocketDebuggerUrl"])


def check_report(tab, base, out, name, username, password, start, end, community):
    token = call_api(
        base, "/api/v1/auth/login", body={"username": username, "password": password}
    )["access_token"]
    query = {"from": start, "to": end}
    if community != "-":
        query["community_id"] = community
    period = urllib.parse.urlencode(query)
    overview = call_api(base, f"/api/v1/stats/overview?{period}", token)["figures"]

    tab.events.clear()
    tab.call("Network.setExtraHTTPHeaders", headers={"Authorization": f"Bearer {token}"})
    tab.call("Emulation.setDeviceMetricsOverride", width=1000, height=1400, deviceScaleFactor=1, mobile=False)
    tab.call("Page.navigate", url=f"{base}/api/v1/stats/report?{period}")
    tab.wait("Page.loadEventFired")
    # Settle: late console messages or failed loads would arrive now.
    tab.call("Runtime.evaluate", expression="1", awaitPromise=True)

    problems = []
    requests = tab.seen("Network.requestWillBeSent")
    responses = tab.seen("Network.responseReceived")
    doc = next((r["response"] for r in responses if r["type"] == "Document"), None)
    if doc is None or doc["status"] != 200 or doc["mimeType"] != "text/html":
        problems.append(f"the report answered {doc and (doc['status'], doc['mimeType'])}")
    if len(requests) != 1:
        problems.append(f"the page loaded more than itself: {[r['request']['url'] for r in requests]}")
    for e in tab.seen("Runtime.exceptionThrown"):
        problems.append(f"exception: {e['exceptionDetails'].get('text')}")
    for e in tab.seen("Log.entryAdded"):
        if e["entry"]["level"] == "error":
            problems.append(f"console error: {e['entry']['text']}")
    for e in tab.seen("Network.loadingFailed"):
        problems.append(f"load failed: {e.get('errorText')}")

    page = tab.call(
        "Runtime.evaluate",
        returnByValue=True,
        expression="""({
          title: document.title,
          figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')]
            .map(e => [e.dataset.figure, Number(e.dataset.value)])),
          svgs: document.querySelectorAll('svg').length,
          bars: document.querySelectorAll('svg rect').length,
          sections: document.querySelectorAll('section').length,
        })""",
    )["result"]["value"]
    figures = page["figures"]
    if len(figures) < 10:
        problems.append(f"only {len(figures)} figures on the page")
    for key, value in figures.items():
        if key not in overview:
            problems.append(f"{key} is not an overview figure")
        elif abs(value - overview[key]["value"]) > 1e-9 * max(1.0, abs(value)):
            problems.append(f"{key}: the page says {value}, the overview {overview[key]['value']}")
    if page["svgs"] < 3:
        problems.append(f"only {page['svgs']} charts")

    shot = tab.call("Page.captureScreenshot", format="png")["data"]
    with open(os.path.join(out, f"{name}.png"), "wb") as f:
        f.write(base64.b64decode(shot))
    pdf = base64.b64decode(
        tab.call("Page.printToPDF", preferCSSPageSize=True, printBackground=False)["data"]
    )
    with open(os.path.join(out, f"{name}.pdf"), "wb") as f:
        f.write(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    boxes = {
        tuple(round(float(x)) for x in m.split())
        for m in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+\s+[0-9.]+)\s*\]", pdf)
    }
    if pages < 2:
        problems.append(f"printed on {pages} page(s): the sections should break onto pages")
    if boxes != {(595, 842)}:
        problems.append(f"printed on {boxes}, not A4 (595 x 842 pt)")

    print(
        f"{name}: {page['title']!r}: {len(figures)} figures equal to the overview, "
        f"{page['svgs']} charts ({page['bars']} bars), {page['sections']} sections, "
        f"{pages} A4 pages; {len(requests)} request, no errors"
        if not problems
        else f"{name}: {page['title']!r}"
    )
    return problems


def main():
    base, out = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        proc, tab = browser(profile)
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                tab.call(f"{domain}.enable")
            problems = []
            for i in range(0, len(rest), 6):
                problems += check_report(tab, base, out, *rest[i : i + 6])
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    if problems:
        print("\n".join(problems))
        sys.exit("the report fails in the browser")


if __name__ == "__main__":
    main()
