#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (Fuzz/corpus/<target>/), small and deterministic.

Seeds are hand-made shapes of what AVS sends (see ../../shared/AVS.md and the AVS tests) plus
bodies built from the test fixtures (an MP3 reply cut to a few KB). Rerun after changing it;
the files are committed so `make fuzz` and the smoke run in `make test` need no Python.
"""
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent
FIXTURES = ROOT.parent / "Fixtures"
B = "84109348-943b-4446-85e6-e73eda9fac43"


def write(target, name, data):
    directory = ROOT / "corpus" / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def header(namespace, name, message_id, dialog=None):
    h = {"namespace": namespace, "name": name, "messageId": message_id}
    if dialog is not None:
        h["dialogRequestId"] = dialog
    return h


def directive(namespace, name, message_id, dialog=None, payload=None):
    return json.dumps({"directive": {"header": header(namespace, name, message_id, dialog),
                                     "payload": payload or {}}}, separators=(",", ":"))


def json_part(text, content_type="application/json; charset=UTF-8"):
    return f"Content-Type: {content_type}\r\n\r\n{text}".encode()


def attachment_part(cid, data):
    return f"Content-Type: application/octet-stream\r\nContent-ID: <{cid}>\r\n\r\n".encode() + data


def body(parts, leading_crlf=False, close=True, boundary=B):
    out = b"\r\n" if leading_crlf else b""
    for part in parts:
        out += f"--{boundary}\r\n".encode() + part + b"\r\n"
    if close:
        out += f"--{boundary}--\r\n".encode()
    return out


def multipart_seeds():
    mp3 = (FIXTURES / "ten-oclock-24k-mono.mp3").read_bytes()[:3000]
    speak = directive("SpeechSynthesizer", "Speak", "m-1", "d-1",
                      {"url": "cid:reply", "format": "AUDIO_MPEG", "token": "t-1"})
    stop = directive("SpeechRecognizer", "StopCapture", "m-0", "d-1")
    expect = directive("SpeechRecognizer", "ExpectSpeech", "m-2", "d-1", {"timeoutInMilliseconds": 8000})
    seeds = {
        "empty": b"",
        "close-only": f"--{B}--".encode(),
        "recognize-reply": body([json_part(stop), json_part(speak), attachment_part("reply", mp3),
                                 json_part(expect)]),
        "downchannel-open": body([json_part(directive("Speaker", "SetVolume", "m-9", None, {"volume": 40}))],
                                 leading_crlf=True, close=False),
        "duplicate-boundaries": f"--{B}\r\n--{B}\r\n".encode() + body([json_part(stop)])[len(B) + 4:],
        "folded-headers": f"--{B}\r\ncontent-TYPE: application/\r\n json\r\n\r\n{{}}\r\n--{B}--".encode(),
        "ignored-part": body([b"Content-Type: text/plain\r\n\r\nhello", json_part(stop)]),
        "padding-after-boundary": f"--{B}  \t\r\n".encode() + json_part(stop) + f"\r\n--{B}--  ".encode(),
        "bad-prefix": b"HTTP/1.1 200 OK\r\n" + body([json_part(stop)]),
        "truncated-attachment": body([json_part(speak), attachment_part("reply", mp3[:500])], close=False),
        "attachment-with-crlf-dashes": body([attachment_part("x", b"\r\n--8410\r\n--" + B[:10].encode() + b"\r\n-")]),
    }
    for index, (name, data) in enumerate(sorted(seeds.items())):
        # First byte: the chunking seed (see Fuzz/MultipartReader/MultipartReaderFuzz.swift).
        write("multipart-reader", name, bytes([index * 37 % 256]) + data)


def dialog_seeds():
    """Dialog programs: see the opcode table in Fuzz/DialogSession/DialogSessionFuzz.swift."""
    speak = directive("SpeechSynthesizer", "Speak", "m-1", "d-0",
                      {"url": "cid:a", "format": "AUDIO_MPEG", "token": "t"}).encode()
    expect = directive("SpeechRecognizer", "ExpectSpeech", "m-2", "d-0", {"timeoutInMilliseconds": 8000}).encode()
    volume = directive("Speaker", "SetVolume", "m-3", None, {"volume": 30}).encode()
    unknown = directive("Acme.Unknown", "Frob", "m-4", "d-0").encode()
    gateway = directive("Alexa.ApiGateway", "SetGateway", "m-5", None, {"gateway": "https://x"}).encode()

    def op(code, text=b""):
        return bytes([code, len(text) & 0xFF, len(text) >> 8]) + text

    seeds = {
        "tap-speak-expect": op(0) + op(20) + op(16, speak) + op(4) + op(5) + op(6) + op(16, expect) + op(8),
        "volume-gateway": op(20) + op(16, volume) + op(16, gateway) + op(16, unknown),
        "offline-tap": op(21) + op(0) + op(1) + op(2) + op(20) + op(3),
        "bad-json": op(20) + op(0) + op(16, b"{\"directive\":") + op(16, b"[]") + op(9) + op(10) + op(11),
        "barge-in": op(20) + op(0) + op(16, speak) + op(4) + op(7) + op(1) + op(3) + op(12),
    }
    for name, data in sorted(seeds.items()):
        write("dialog-session", name, data)


def control_line_seeds():
    """Byte 0 seeds the chunking of the stream; the rest is what a client writes."""
    seeds = {
        "tap-volume": b'{"cmd":"tap"}\n{"cmd":"volume","value":40}\n',
        "mute-status-events": b'{"cmd":"mute","value":true}\r\n{"cmd":"status"}\n{"cmd":"events"}\n',
        "press-release-stop": b'{"cmd":"press"}\n{"cmd":"release"}\n{"cmd":"stop"}\n',
        "refusals": b'{"cmd":"volume","value":100.5}\n{"cmd":"volume","value":"40"}\n{"cmd":"mute","value":1}\n'
                    b'[1,2]\n\n  \n{"cmd":"dance"}\nnot json\n{}\n',
        "long-line": b'{"cmd":"' + b"a" * 200 + b'"}\n{"cmd":"tap"}\n',
    }
    for index, (name, data) in enumerate(sorted(seeds.items())):
        write("control-line", name, bytes([7 * index + 1]) + data)


if __name__ == "__main__":
    os.chdir(ROOT)
    multipart_seeds()
    dialog_seeds()
    control_line_seeds()
