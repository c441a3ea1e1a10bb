// Test helper for envoy-container.test.ts: in a fresh process, asks for the Envoy image (reporting whether
// it had to build it) and starts Envoy in a container through the public API, reports both as one JSON line,
// then idles until the test signals it (SIGKILL: only the reaper cleans up; SIGINT: cleanups run).
import { ensureEnvoyImage } from "../containers/envoy-image.ts";
import { freePort } from "../util/free-port.ts";
import { EnvoyContainer } from "./envoy-container.ts";

const image = await ensureEnvoyImage();
const envoy = await new EnvoyContainer()
  .withXds({ mode: "ads", transport: "sotw", address: `127.0.0.1:${await freePort()}` })
  .withLogLevel("warning")
  .start();
const report = { pid: process.pid, built: image.built, container: envoy.containerName };
process.stdout.write(`${JSON.stringify(report)}\n`);
setInterval(() => {}, 60_000);
