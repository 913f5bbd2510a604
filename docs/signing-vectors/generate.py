#!/usr/bin/env python3
"""Reference implementation of jetconnect's event signatures (docs/signing.md), independent of the Java code.

Reads events.jsonl (one structured-mode CloudEvent per line) and the keys beside it, and writes
canonical.hex (the canonical bytes of each event, in hex), hmac-sha256.jsonl and ed25519.jsonl (each event
signed: the three attributes inserted at the start of its JSON object, the rest of the line unchanged).
The Java tests check themselves against these files. Needs Python 3.8+ and the `cryptography` package.

    python3 generate.py            # rewrite the vectors
    python3 generate.py --check    # exit 1 if they differ from what is committed
"""
import base64
import hashlib
import hmac
import json
import re
import struct
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

PREFIX = b"jetconnect-sig-v1\x00"
SIGNATURE_ATTRIBUTES = {"sig", "sigalg", "sigkeyid"}
RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$")
HERE = Path(__file__).resolve().parent


def members(line):
    """The top-level members of a JSON object as (name, value, raw text of the value)."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    i = ws.match(line, 0).end()
    assert line[i] == "{", "not a JSON object"
    i = ws.match(line, i + 1).end()
    out = []
    while line[i] != "}":
        name, i = decoder.raw_decode(line, i)
        i = ws.match(line, i).end()
        assert line[i] == ":"
        start = ws.match(line, i + 1).end()
        value, end = decoder.raw_decode(line, start)
        out.append((name, value, line[start:end]))
        i = ws.match(line, end).end()
        if line[i] == ",":
            i = ws.match(line, i + 1).end()
    return out


def is_json(content_type):
    """JSON data: application/json, text/json or any +json type, in any case, with any parameters."""
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence in ("application/json", "text/json") or ("/" in essence and essence.endswith("+json"))


def canonical_time(text):
    """RFC 3339 as the canonical form writes it: seconds always, fraction trimmed, Z for a zero offset."""
    m = RFC3339.match(text)
    if not m:
        raise ValueError("not an RFC 3339 time: " + text)
    date, hh, mm, ss, fraction, offset = m.groups()
    fraction = (fraction or "").rstrip("0")
    offset = offset.upper()
    if offset in ("Z", "+00:00", "-00:00"):
        offset = "Z"
    return f"{date}T{hh}:{mm}:{ss}" + ("." + fraction if fraction else "") + offset


def canonical_string(name, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return canonical_time(value) if name == "time" else value
    raise ValueError(f"attribute {name} is not a string, integer or boolean")


def canonical(line):
    """The canonical bytes of one structured-mode CloudEvent (a line of JSON)."""
    attributes = {}
    data = b""
    fields = {name: (value, raw) for name, value, raw in members(line)}
    content_type = fields.get("datacontenttype", (None, None))[0]
    v03 = fields["specversion"][0] == "0.3"
    # 0.3: datacontentencoding is how the format carries bytes, not an attribute; "base64" makes data base64 text.
    encoding = fields.pop("datacontentencoding", (None, None))[0] if v03 else None
    for name, (value, raw) in fields.items():
        if name == "data_base64" or (name == "data" and encoding == "base64"):
            data = base64.b64decode(value, validate=True)
        elif name == "data":
            if content_type is None or is_json(content_type):
                data = raw.encode("utf-8")          # JSON data: the value's exact text
            else:
                data = value.encode("utf-8")        # other data: the string's UTF-8
        elif name in SIGNATURE_ATTRIBUTES or value is None:
            continue                                # null attribute: absent
        else:
            attributes[name] = canonical_string(name, value)
    out = bytearray(PREFIX)
    out += struct.pack(">I", len(attributes))
    for name in sorted(attributes, key=lambda n: n.encode("ascii")):
        for field in (name.encode("ascii"), attributes[name].encode("utf-8")):
            out += struct.pack(">I", len(field)) + field
    out += struct.pack(">I", len(data)) + data
    return bytes(out)


def hmac_secret(path):
    content = path.read_bytes()
    text = content.strip(b" \t\r\n")
    if text and len(text) % 4 == 0 and re.fullmatch(rb"[A-Za-z0-9+/]*={0,2}", text):
        return base64.b64decode(text, validate=True)
    return content


def b64url(signature):
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def signed_line(line, algorithm, key_id, signature):
    brace = line.index("{")
    attributes = f'"sigalg":"{algorithm}","sigkeyid":"{key_id}","sig":"{b64url(signature)}",'
    return line[: brace + 1] + attributes + line[brace + 1:]


def main():
    lines = (HERE / "events.jsonl").read_text(encoding="utf-8").splitlines()
    secret = hmac_secret(HERE / "hmac-2025.key")
    ed_key = load_pem_private_key((HERE / "ed-2025.pem").read_bytes(), password=None)
    outputs = {"canonical.hex": [], "hmac-sha256.jsonl": [], "ed25519.jsonl": []}
    for line in lines:
        message = canonical(line)
        outputs["canonical.hex"].append(message.hex())
        outputs["hmac-sha256.jsonl"].append(
            signed_line(line, "hmac-sha256", "hmac-2025", hmac.new(secret, message, hashlib.sha256).digest()))
        outputs["ed25519.jsonl"].append(signed_line(line, "ed25519", "ed-2025", ed_key.sign(message)))
    differs = False
    for name, content in outputs.items():
        text = "\n".join(content) + "\n"
        path = HERE / name
        if "--check" in sys.argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{name} differs", file=sys.stderr)
                differs = True
        else:
            path.write_text(text, encoding="utf-8")
    sys.exit(1 if differs else 0)


if __name__ == "__main__":
    main()
