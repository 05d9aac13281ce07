"""The review server over HTTP: what a write needs (token, Origin, Host, JSON, size), and that a refused
request writes nothing; the page's headers (CSP, no CORS); the command's bad input."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_project import BEILING, make_project

from cppcc_kg.cli.review import command as review_command
from cppcc_kg.review.decisions import decisions_path
from cppcc_kg.review.lock import LOCK_NAME
from cppcc_kg.review.proposals import ReviewInputError
from cppcc_kg.review.server import MAX_BODY_BYTES, make_review_server
from cppcc_kg.web.server import serve_in_thread

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("http") / "proj")
    review = make_review_server(root, "doc", port=0)
    serve_in_thread(review.server)
    yield root, review
    review.close()


def request(review, method, path, body=None, headers=None, token=True, origin=True):
    host, port = review.server.server_address[:2]
    h = {"Host": f"{host}:{port}"}
    if token:
        h["X-Review-Token"] = review.token
    if origin:
        h["Origin"] = f"http://{host}:{port}"
    if body is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def nothing_written(root: Path) -> bool:
    return not decisions_path(root, "doc").exists() and not (root / "graph" / "doc").exists()


GOOD = {"key": BEILING, "action": "accept", "label_en": "Beiling County CPPCC Committee"}


@pytest.mark.parametrize("case,kwargs,status", [
    ("no token", {"token": False}, 403),
    ("wrong token", {"headers": {"X-Review-Token": "x" * 32}}, 403),
    ("foreign Origin", {"headers": {"Origin": "http://evil.example"}}, 403),
    ("no Origin", {"origin": False}, 403),
    ("foreign Host (DNS rebinding)", {"headers": {"Host": "evil.example:80"}}, 403),
    ("malformed Host", {"headers": {"Host": "a..b"}}, 400),
    ("not JSON", {"body": b"key=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415),
    ("broken JSON", {"body": b"{key"}, 400),
    ("JSON but not an object", {"body": b"[1]"}, 400),
    ("too large", {"body": json.dumps({**GOOD, "pad": "x" * MAX_BODY_BYTES}).encode()}, 413),
    ("unknown proposal", {"body": {**GOOD, "key": "mention 0-1 无"}}, 404),
    ("English label with a control character", {"body": {**GOOD, "label_en": "Bei\u0000ling"}}, 400),
    ("span outside the text", {"body": {**GOOD, "start": 10, "end": 10_000}}, 400),
    ("deeply nested JSON", {"body": b"[" * 30_000 + b"]" * 30_000}, 400),
    ("class not a string", {"body": {**GOOD, "class": ["Place"]}}, 400),
    ("English label not a string", {"body": {**GOOD, "label_en": 5}}, 400),
    ("bidi override in the English label", {"body": {**GOOD, "label_en": "Bei\u202eling"}}, 400),
    ("zero-width space in the English label", {"body": {**GOOD, "label_en": "\u200bBeiling"}}, 400),
])
def test_refused_writes_write_nothing(served, case, kwargs, status):
    root, review = served
    body = kwargs.pop("body", GOOD)
    got, headers, text = request(review, "POST", "/api/decide", body=body, **kwargs)
    assert got == status, (case, text)
    assert headers["content-type"].startswith("text/plain") and len(text.decode().splitlines()) >= 2
    assert "access-control-allow-origin" not in headers
    assert nothing_written(root), case


def test_limit_messages_name_no_option_review_lacks(served):
    _root, review = served
    status, _, text = request(review, "POST", "/api/decide", body=json.dumps({**GOOD, "pad": "x" * MAX_BODY_BYTES}).encode())
    assert status == 413 and b"--max-body-bytes" not in text


def test_one_review_writes_a_project_at_a_time(tmp_path):
    root = make_project(tmp_path / "proj")
    lock = root / "review" / LOCK_NAME
    lock.write_text("1 other\n", encoding="ascii")  # process 1 runs
    with pytest.raises(ReviewInputError, match="process 1"):
        make_review_server(root, "doc", port=0)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock.write_text(f"{gone.pid} other\n", encoding="ascii")  # a lock of a process that is gone: taken over
    review = make_review_server(root, "doc", port=0)
    try:
        assert lock.read_text(encoding="ascii").split()[0] == str(os.getpid())
    finally:
        review.close()
    assert not lock.exists()
    with pytest.raises(ReviewInputError, match="one address"):
        make_review_server(root, "doc", host="0.0.0.0", port=0)


def test_reads_need_the_token_and_the_page_is_closed(served):
    root, review = served
    assert request(review, "GET", "/api/state", token=False)[0] == 403
    status, headers, body = request(review, "GET", "/", token=False, origin=False)
    assert status == 200 and "default-src 'none'" in headers["content-security-policy"]
    assert b"http" not in body.replace(b'href="/', b"").replace(b'src="/', b"").split(b"<body>")[0]
    assert request(review, "OPTIONS", "/api/decide")[0] == 405
    assert request(review, "PUT", "/api/decide", body=GOOD)[0] == 405
    assert request(review, "GET", "/api/decide")[0] == 405
    assert request(review, "GET", "/../etc/passwd")[0] == 404


def test_a_good_write_then_state(served):
    root, review = served
    status, _, body = request(review, "POST", "/api/decide", body=GOOD)
    assert status == 200, body
    state = json.loads(body)
    assert "graph/doc/entities.ttl" in state["written"]
    assert decisions_path(root, "doc").exists()
    status, _, body = request(review, "GET", "/api/state")
    assert [p["decision"]["action"] for p in json.loads(body)["proposals"] if p["key"] == BEILING] == ["accept"]


def test_command_bad_input(tmp_path):
    root = make_project(tmp_path / "proj")
    res = CliRunner().invoke(review_command, ["nothing-here", "--root", str(root)])
    assert res.exit_code == 2 and "no proposals" in res.output
    decisions_path(root, "doc").write_text("[]", encoding="utf-8")
    res = CliRunner().invoke(review_command, ["doc", "--root", str(root)])
    assert res.exit_code == 2 and "review/doc.decisions.json" in res.output and "Traceback" not in res.output
    sha = hashlib.sha256((root / "sources/doc.txt").read_bytes()).hexdigest()
    for bad in ({"action": "accept"}, {"action": "frobnicate"}, {"action": "accept", "label_zh": "北岭县政协",
                                                                 "class": "Observation", "label_en": "X"},
                {"action": "accept", "label_en": "X", "start": -5, "end": 99999}):
        decisions_path(root, "doc").write_text(json.dumps({"format": 1, "sha256": sha,
                                                           "decisions": {BEILING: bad | {"exact": "北岭县政协"}}}),
                                               encoding="utf-8")
        res = CliRunner().invoke(review_command, ["doc", "--root", str(root)])
        assert res.exit_code == 2 and BEILING in res.output and "Traceback" not in res.output, (bad, res.output)
        assert not (root / "graph" / "doc").exists()
    decisions_path(root, "doc").unlink()
    (root / "graph/proposed/empty.ttl").write_text((root / "graph/proposed/doc.ttl").read_text(encoding="utf-8")
                                                  .split("# ---- proposed entities")[0].replace("kgsrc:doc", "kgsrc:empty"),
                                                  encoding="utf-8")
    res = CliRunner().invoke(review_command, ["empty", "--root", str(root)])
    assert res.exit_code == 2 and "no proposals to review" in res.output, res.output


def test_command_prints_the_url_and_serves(tmp_path):
    root = make_project(tmp_path / "proj")
    proc = subprocess.Popen([sys.executable, "-m", "cppcc_kg.cli", "review", "doc", "--root", str(root), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "?token=" in url
        host, port = url.split("/")[2].split(":")
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=5)
                conn.request("GET", "/api/state", headers={"X-Review-Token": url.split("token=")[1]})
                assert conn.getresponse().status == 200
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_help_has_an_example():
    res = CliRunner().invoke(review_command, ["--help"])
    assert res.exit_code == 0 and "Example:" in res.output and "cppcc-kg review" in res.output
