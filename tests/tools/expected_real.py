#!/usr/bin/env python3
"""Compute golden expectations for real report fixtures, independently of the
Rust code: Python's json, gzip, zipfile and email modules do the decoding.

Usage: expected_real.py DIR [DIR...] > expected.json

For each .json, .json.gz, .eml or .elm file it lists the reports inside with
their identity and session totals (summary totals; a missing total counts 0).

Session rule (../shared/contract.md): within one report, policy entries that
share a non-empty policy domain (compared lower-case, without a trailing dot)
describe the same sessions; only the entry with the most sessions counts
(successful + failed; on a tie, more failures; then the first). Entries
without a policy domain are all summed.
"""
import email
import email.policy
import gzip
import io
import json
import os
import sys
import zipfile


def decode_payload(data):
    if data[:2] == b"\x1f\x8b":
        return decode_payload(gzip.decompress(data))
    if data[:4] == b"PK\x03\x04":
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                out += decode_payload(z.read(n))
        return out
    text = data.decode("utf-8-sig").strip()
    return [json.loads(text)]


def reports_in(path):
    data = open(path, "rb").read()
    if path.endswith((".eml", ".elm")):
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        out = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            name = part.get_filename() or ""
            if ctype.startswith("text/") and not name:
                continue
            body = part.get_payload(decode=True) or b""
            if body[:2] == b"\x1f\x8b" or body[:4] == b"PK\x03\x04" or body.lstrip()[:1] == b"{":
                out += decode_payload(body)
        return out
    return decode_payload(data)


def count(v):
    if v is None:
        return 0
    return int(v)


def domain_of(p):
    d = (p.get("policy") or {}).get("policy-domain")
    return d.strip().rstrip(".").lower() if isinstance(d, str) else ""


def summarize(r):
    ok = failed = details = 0
    best = {}  # domain -> (rank, ok, failed) of the entry that counts
    for p in r.get("policies", []):
        s = p.get("summary", {})
        p_ok = count(s.get("total-successful-session-count"))
        p_failed = count(s.get("total-failure-session-count"))
        d = domain_of(p)
        if d == "":
            ok += p_ok
            failed += p_failed
        else:
            rank = (p_ok + p_failed, p_failed)
            if d not in best or rank > best[d][0]:
                best[d] = (rank, p_ok, p_failed)
        for fd in p.get("failure-details") or []:
            details += count(fd.get("failed-session-count"))
    for _, b_ok, b_failed in best.values():
        ok += b_ok
        failed += b_failed
    return {
        "organization": r.get("organization-name"),
        "report_id": r.get("report-id"),
        "policies": len(r.get("policies", [])),
        "successful": ok,
        "failed": failed,
        "detail_sessions": details,
    }


def main():
    result = {}
    for d in sys.argv[1:]:
        for name in sorted(os.listdir(d)):
            if not name.endswith((".json", ".json.gz", ".eml", ".elm")) or name == "expected.json":
                continue
            result[name] = [summarize(r) for r in reports_in(os.path.join(d, name))]
    json.dump(result, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
