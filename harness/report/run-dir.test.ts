import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRunDir, newRunId, useOutDir, writeEvidence } from "./run-dir.ts";

describe("report/run-dir", () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "xdsc-run-dir-"));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("makes sortable run ids from the UTC time", () => {
    const id = newRunId(new Date("2026-11-25T11:02:33.456Z"));
    expect(id).to.match(/^20261125T110233Z-[0-9a-f]{4}$/);
    expect(newRunId(new Date("2026-11-25T11:02:34Z")) > id).to.equal(true);
  });

  it("creates the run directory and repoints latest at the newest run", async () => {
    const first = await createRunDir(base, "20261125T110233Z-aaaa");
    expect(first.dir).to.equal(join(base, "20261125T110233Z-aaaa"));
    expect(await readlink(join(base, "latest"))).to.equal("20261125T110233Z-aaaa");
    const second = await createRunDir(base);
    expect(await readlink(join(base, "latest"))).to.equal(second.runId);
    await writeFile(join(second.dir, "x"), "y");
    expect(await readFile(join(base, "latest", "x"), "utf8")).to.equal("y");
  });

  it("refuses an explicit run id that exists, and a latest that is not a symlink", async () => {
    await createRunDir(base, "run-1");
    let err = await createRunDir(base, "run-1").catch((e: Error) => e);
    expect(String(err)).to.contain("expected a new directory, got an existing one");
    await rm(join(base, "latest"));
    await mkdir(join(base, "latest"));
    err = await createRunDir(base, "run-2").catch((e: Error) => e);
    expect(String(err)).to.contain("expected a symlink to the newest run, got a directory");
    err = await createRunDir(base, "../escape").catch((e: Error) => e);
    expect(String(err)).to.contain("run id: expected");
  });

  it("writes into --out DIR without a latest link, only when DIR is empty", async () => {
    const out = join(base, "ci", "out");
    const run = await useOutDir(out, "r1");
    expect(run).to.deep.equal({ runId: "r1", dir: out });
    await writeFile(join(out, "old.txt"), "");
    const err = await useOutDir(out).catch((e: Error) => e);
    expect(String(err)).to.contain("expected an empty or missing directory, got 1 entries (old.txt)");
    const latest = await readlink(join(base, "ci", "latest")).catch(() => "none");
    expect(latest).to.equal("none");
  });

  it("writes text as is, objects as JSON and arrays as JSONL, with sha256 and excerpts", async () => {
    const written = await writeEvidence(base, "reference--envoy", "ordering.cds-before-eds", [
      { label: "log", file: "envoy.log", content: "a\nb\n", excerpt: "b" },
      { label: "dump", file: "dump.json", content: { a: 1 } },
      { label: "transcript", file: "t/transcript.jsonl", content: [{ n: 1 }, { n: 2 }] },
    ]);
    expect(written.map((w) => w.path)).to.deep.equal([
      "evidence/reference--envoy/ordering.cds-before-eds/envoy.log",
      "evidence/reference--envoy/ordering.cds-before-eds/dump.json",
      "evidence/reference--envoy/ordering.cds-before-eds/t/transcript.jsonl",
    ]);
    const texts = await Promise.all(written.map((w) => readFile(join(base, w.path), "utf8")));
    expect(texts).to.deep.equal(["a\nb\n", '{\n  "a": 1\n}\n', '{"n":1}\n{"n":2}\n']);
    for (const [i, w] of written.entries()) {
      expect(w.sha256).to.equal(createHash("sha256").update(texts[i]!).digest("hex"));
    }
    expect(written.map((w) => w.excerpt)).to.deep.equal(["b", '{\n  "a": 1\n}', '{"n":1}\n{"n":2}']);
  });

  it("rejects evidence names that escape the check folder or repeat", async () => {
    let err = await writeEvidence(base, "c", "x", [{ label: "l", file: "../../up.txt", content: "" }]).catch(
      (e: Error) => e,
    );
    expect(String(err)).to.contain(
      'evidence[0].file: expected a relative name inside the check\'s folder, got "../../up.txt"',
    );
    err = await writeEvidence(base, "c", "x", [
      { label: "a", file: "a.txt", content: "" },
      { label: "b", file: "./a.txt", content: "" },
    ]).catch((e: Error) => e);
    expect(String(err)).to.contain('evidence[1].file: expected a unique name, got "./a.txt" twice');
  });
});
