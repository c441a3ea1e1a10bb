// The example certification matrix: `npm run certify` runs it (reference control plane × real Envoy,
// every suite, the four gRPC variants). Add control planes and data planes by name; see README.
import { defineConfig } from "./harness/cli/config.ts";

export default defineConfig({
  controlPlanes: ["reference"],
  dataPlanes: ["envoy"],
  variants: ["sotw-ads", "delta-ads", "sotw-per-type", "delta-per-type"],
  suites: ["smoke", "ordering", "make-before-break", "traffic-split", "protocol", "parity"],
  outputDir: "reports",
});
