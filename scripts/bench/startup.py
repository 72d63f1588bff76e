"""Time from process start to the go-plugin handshake line, the way Terraform starts a plugin.

usage: startup.py RUNS NAME=EXECUTABLE [NAME=EXECUTABLE ...]
Runs are interleaved (a, b, a, b, ...) so that both providers see the same machine load.
Prints one JSON object: {name: {"runs": [...ms], "p50": ms, "p90": ms}}.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def client_cert_pem():
    """An ECDSA P-521 self-signed certificate, like the one go-plugin's AutoMTLS sends."""
    with tempfile.TemporaryDirectory() as d:
        key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521",
             "-nodes", "-keyout", key, "-out", crt, "-days", "1", "-subj",
             "/O=HashiCorp/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
            check=True, capture_output=True)
        with open(crt) as f:
            return f.read()


def one_start(executable, env):
    start = time.perf_counter()
    proc = subprocess.Popen([executable], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    line = proc.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000.0
    # Only the process group we just created (start_new_session) is signalled.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = line.decode(errors="replace").strip().split("|")
    if len(parts) < 5 or parts[0] != "1" or parts[4] != "grpc":
        raise SystemExit(f"{executable}: not a handshake line: {line!r}")
    return elapsed


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main():
    runs = int(sys.argv[1])
    targets = [a.split("=", 1) for a in sys.argv[2:]]
    env = dict(os.environ)
    env.update({
        "TF_PLUGIN_MAGIC_COOKIE": COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": "5,6",
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
        "PLUGIN_CLIENT_CERT": client_cert_pem(),
    })
    for _, exe in targets:  # one warm-up each: page cache, not JIT, is what this removes
        one_start(exe, env)
    results = {name: [] for name, _ in targets}
    for _ in range(runs):
        for name, exe in targets:
            results[name].append(one_start(exe, env))
    print(json.dumps({
        name: {"runs": [round(v, 1) for v in vals], "p50": round(percentile(vals, 50), 1),
               "p90": round(percentile(vals, 90), 1)}
        for name, vals in results.items()}))


if __name__ == "__main__":
    main()
