// The workload of a local-cluster pod: an HTTP/1.1 server inside the pod's network namespace that answers
// every request with its identity, in the same shape as harness/traffic/echo-backend.ts (header
// `x-backend-id`, JSON body), so traffic records read the same whichever backend served them.
//
//   ip netns exec <pod-ns> node pod-echo.mjs <name> <pod-ip> <port>
// Prints "listening <ip>:<port>" once accepting. Plain JavaScript so that it starts fast and needs no tsx.
import http from "node:http";

const [name, host, port] = process.argv.slice(2);
if (!name || !host || !port) {
  process.stderr.write("pod-echo: expected <name> <ip> <port>\n");
  process.exit(2);
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const body = JSON.stringify({
      backend: name,
      path: req.url,
      method: req.method,
      peer: req.socket.remoteAddress,
    });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-backend-id": name,
    });
    res.end(body);
  });
});
server.listen(Number(port), host, () => process.stdout.write(`listening ${host}:${port}\n`));
process.on("SIGTERM", () => process.exit(0));
