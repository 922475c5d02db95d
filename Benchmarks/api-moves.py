#!/usr/bin/env python3
"""Single-unit moves over HTTP by one sequential client, as a scanner would send them.

usage: python3 Benchmarks/api-moves.py [N] [CLIENTS]   (default 2000 moves, 1 client; release binary)

Starts `unitrace serve` on a fresh store with N units, moves each unit once per request over one
keep-alive connection, and prints requests/s, client-side median and p99 latency, and the server's own
mean time per request (from its /metrics histogram).
"""
import http.client, json, os, re, statistics, subprocess, sys, tempfile, threading, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 1
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, ".build", "release", "unitrace")
work = tempfile.mkdtemp()
run = lambda *args: subprocess.run([binary, *args], cwd=work, check=True, capture_output=True, text=True).stdout
run("init")
run("product", "add", "P", "--name", "Part")
run("location", "add", "A", "--name", "A", "--kind", "warehouse")
run("location", "add", "B", "--name", "B", "--kind", "warehouse")
run("receive", "--product", "P", "--at", "A", "--count", str(n))
admin = run("key", "create", "--role", "admin", "--name", "bench").strip().splitlines()[-1]
server = subprocess.Popen([binary, "serve", "--port", "0"], cwd=work, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "LOG_LEVEL": "error"})
port = int(re.search(r":(\d+)$", server.stdout.readline().strip()).group(1))
headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
latencies = []
lock = threading.Lock()

def client(first, last):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    mine = []
    for i in range(first, last):
        body = json.dumps({"units": [f"P/{i:06d}"], "location": "B"})
        t = time.perf_counter()
        connection.request("POST", "/api/v1/units/move", body, headers)
        response = connection.getresponse()
        response.read()
        mine.append(time.perf_counter() - t)
        assert response.status == 200, response.status
    with lock:
        latencies.extend(mine)

share = n // clients
threads = [threading.Thread(target=client, args=(1 + k * share, 1 + (k + 1) * share)) for k in range(clients)]
start = time.perf_counter()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - start
connection = http.client.HTTPConnection("127.0.0.1", port)
connection.request("GET", "/metrics", headers=headers)
metrics = connection.getresponse().read().decode()
total = float(re.search(r'unitrace_http_request_duration_seconds_sum\{method="POST"\} ([0-9.e+-]+)', metrics).group(1))
count = float(re.search(r'unitrace_http_request_duration_seconds_count\{method="POST"\} ([0-9.e+-]+)', metrics).group(1))
server.terminate()
server.wait()
latencies.sort()
print(f"{share * clients} single-unit moves, {clients} client(s), each sequential: {share * clients / elapsed:.0f} moves/s")
print(f"client latency: median {statistics.median(latencies) * 1000:.2f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.2f} ms")
print(f"server time per request (mean, from /metrics): {total / count * 1000:.3f} ms")
