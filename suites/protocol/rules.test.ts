// RULES.md is the map from the protocol's sentences to checks: every check it names exists, every check
// in PROTOCOL_CHECKS is named, and its Counts line says what the table says.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { projectPath } from "../../harness/util/paths.ts";
import { PROTOCOL_CHECKS } from "./index.ts";

const text = readFileSync(projectPath("suites", "protocol", "RULES.md"), "utf8");
const rows = text
  .split("\n")
  .filter((l) => /^\| R\d+ \|/.test(l))
  .map((l) => l.split("|").map((c) => c.trim()));
const named = (cell: string) => new Set(cell.match(/protocol\.[a-z0-9-]+/g) ?? []);

describe("suites/protocol/RULES.md", () => {
  it("has unique rule ids", () => {
    const ids = rows.map((r) => r[1]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).to.deep.equal([]);
  });

  it("names only checks that exist, and every protocol check", () => {
    const mapped = new Set(rows.flatMap((r) => [...named(r[5] ?? "")]));
    const ids = new Set(PROTOCOL_CHECKS.map((c) => c.id));
    expect(
      [...mapped].filter((id) => !ids.has(id)),
      "named in RULES.md but not a check",
    ).to.deep.equal([]);
    expect(
      [...ids].filter((id) => !mapped.has(id)),
      "checks RULES.md does not name",
    ).to.deep.equal([]);
  });

  it("states counts that match the table and the code (>= 60 checks)", () => {
    const mappedRules = rows.filter((r) => named(r[5] ?? "").size > 0).length;
    const counts = /Counts: (\d+) rules[^;]*; (\d+) are mapped to the (\d+) protocol checks/.exec(
      text.replace(/\s+/g, " "),
    );
    expect(counts, "the Counts line").to.not.equal(null);
    expect(counts!.slice(1).map(Number)).to.deep.equal([rows.length, mappedRules, PROTOCOL_CHECKS.length]);
    expect(PROTOCOL_CHECKS.length).to.be.at.least(60);
  });
});
