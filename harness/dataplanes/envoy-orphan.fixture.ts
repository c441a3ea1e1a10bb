// Test helper for envoy-process.test.ts: starts Envoy through the public API, reports its pid and temp dir
// as one JSON line, then idles until the test kills this process with SIGKILL (no cleanup code runs).
import { freePort } from "../util/free-port.ts";
import { EnvoyProcess } from "./envoy-process.ts";

const envoy = await new EnvoyProcess()
  .withXds({ mode: "ads", transport: "sotw", address: `127.0.0.1:${await freePort()}` })
  .withLogLevel("warning")
  .start();
process.stdout.write(`${JSON.stringify({ pid: envoy.pid, dir: envoy.dir })}\n`);
setInterval(() => {}, 60_000);
