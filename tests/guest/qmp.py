#!/usr/bin/python3
"""Send commands to QEMU over a QMP unix socket and fail on any error.

Usage: qmp.py SOCKET COMMAND...

Each COMMAND is either a bare command name ("stop") or a JSON object
('{"execute": "device_add", "arguments": {...}}').  Commands run in order on
one session opened with qmp_capabilities; asynchronous events are skipped.
The first error reply ends the run with exit status 1 and the error on
stderr.  The "return" value of each command is printed on stdout as JSON.
"""
import json
import socket
import sys
import time

CONNECT_SECONDS = 30
REPLY_SECONDS = 120


class QMPError(Exception):
    pass


def connect(path):
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            sock.settimeout(REPLY_SECONDS)
            return sock
        except (FileNotFoundError, ConnectionRefusedError) as e:
            sock.close()
            if time.monotonic() > deadline:
                raise QMPError(f"cannot connect to '{path}': {e}")
            time.sleep(0.1)


def read_message(stream):
    line = stream.readline()
    if not line:
        raise QMPError("QEMU closed the QMP connection")
    return json.loads(line)


def reply(stream):
    """The next non-event message."""
    while True:
        msg = read_message(stream)
        if "event" not in msg:
            return msg


def execute(sock, stream, command):
    sock.sendall(json.dumps(command).encode() + b"\n")
    msg = reply(stream)
    if "error" in msg:
        err = msg["error"]
        raise QMPError(f"'{command['execute']}' failed: "
                       f"{err.get('class')}: {err.get('desc')}")
    if "return" not in msg:
        raise QMPError(f"'{command['execute']}': unexpected reply {msg}")
    return msg["return"]


def parse_command(text):
    if not text.lstrip().startswith("{"):
        return {"execute": text}
    try:
        command = json.loads(text)
    except json.JSONDecodeError as e:
        raise QMPError(f"bad JSON command '{text}': {e}")
    if "execute" not in command:
        raise QMPError(f"command '{text}' has no \"execute\" member")
    return command


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2])
    try:
        commands = [parse_command(a) for a in argv[2:]]
        sock = connect(argv[1])
        with sock, sock.makefile("r", encoding="utf-8") as stream:
            greeting = read_message(stream)
            if "QMP" not in greeting:
                raise QMPError(f"no QMP greeting on '{argv[1]}': {greeting}")
            execute(sock, stream, {"execute": "qmp_capabilities"})
            for command in commands:
                print(json.dumps(execute(sock, stream, command)))
    except (QMPError, OSError) as e:
        sys.exit(f"qmp.py: {e}")


if __name__ == "__main__":
    main(sys.argv)
