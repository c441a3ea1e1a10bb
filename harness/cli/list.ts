// `xdsc list`: every check with its id, suite, role, requirements, twins and spec reference.
import type { CheckDefinition } from "../checks/define.ts";

export function list(checks: CheckDefinition[], json: boolean): void {
  if (json) {
    const rows = checks.map((c) => ({
      id: c.id,
      suite: c.suite,
      title: c.title,
      role: c.role,
      requires: c.requires,
      spec: c.spec,
      twins: c.twins.map((t) => t.name),
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  const widths = [Math.max(...checks.map((c) => c.id.length), 2), 13, 6];
  for (const c of checks) {
    process.stdout.write(
      `${c.id.padEnd(widths[0]!)}  ${c.role.padEnd(widths[1]!)}  ${(c.requires.join(",") || "-").padEnd(widths[2]!)}  ${c.spec}\n    ${c.title} (twins: ${c.twins.map((t) => t.name).join(", ")})\n`,
    );
  }
  process.stdout.write(`${checks.length} checks\n`);
}
