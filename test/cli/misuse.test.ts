// Every CLI misuse gives one line on stderr and exit code 2; malformed fixtures give file:line: field: message.
import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xdsc } from "./support.ts";

const oneLine = (s: string) =>
  s
    .trim()
    .split("\n")
    .filter((l) => !/npm warn/.test(l));

describe("xdsc: misuse gives one line and exit 2", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "xdsc-cli-"));
    writeFileSync(join(dir, "bad-config.yaml"), "suites: [smoke, nope]\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => string[], RegExp][] = [
    ["unknown flag", () => ["certify", "--bogus"], /unknown option '--bogus'/],
    ["unknown suite", () => ["certify", "--suite", "smoke,nope"], /--suite: unknown "nope" \(known: smoke, /],
    [
      "unknown control plane",
      () => ["certify", "--cp", "istio"],
      /--cp: unknown "istio" \(known: reference, /,
    ],
    ["unknown data plane", () => ["certify", "--dp", "nginx"], /--dp: unknown "nginx" \(known: envoy, /],
    ["unknown variant", () => ["certify", "--variant", "grpc"], /--variant: unknown "grpc"/],
    ["bad regex", () => ["certify", "--grep", "("], /--grep: invalid regular expression/],
    ["missing config file", () => ["certify", "--config", "nope.ts"], /--config: file not found: nope.ts/],
    [
      "bad config",
      () => ["certify", "--config", join(dir, "bad-config.yaml")],
      /bad-config.yaml: suites.1: Invalid option/,
    ],
    ["missing fixture (repro)", () => ["repro", "fixtures/repros/nope.yaml"], /fixtures\/repros\/nope.yaml/],
    ["missing fixture (serve)", () => ["serve", "--fixture", "nope.yaml"], /nope.yaml/],
    [
      "bad port",
      () => ["serve", "--fixture", "fixtures/scenarios/smoke.yaml", "--port", "http"],
      /--port: expected 0-65535, got "http"/,
    ],
    ["unknown command", () => ["certfy"], /unknown command 'certfy'/],
  ];
  for (const [name, args, want] of cases) {
    it(name, async () => {
      const r = await xdsc(args());
      expect(r.code, r.stderr).to.equal(2);
      const lines = oneLine(r.stderr);
      expect(lines, r.stderr).to.have.length.within(1, 2); // commander may add "(Did you mean ...?)"
      expect(lines[0]).to.match(want);
      expect(r.stderr).to.not.match(/\n\s+at /, "no stack trace");
    });
  }

  for (const file of readdirSync("fixtures/bad").filter((f) => f.endsWith(".yaml"))) {
    it(`serve rejects fixtures/bad/${file} with file:line: field: message`, async () => {
      const r = await xdsc(["serve", "--fixture", `fixtures/bad/${file}`]);
      expect(r.code, r.stderr).to.equal(2);
      const lines = oneLine(r.stderr);
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^fixtures/bad/${file.replace(".", "\\.")}:\\d+: \\S+: .+`));
    });
  }
});
