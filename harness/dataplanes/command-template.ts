// Placeholders of the command data plane (bootstrap template, command line, hook URLs). Values the harness
// allocates or knows at start, nothing else: no expressions, no conditionals. `$${` writes a literal `${`.
// The set (documented in README.md, "Certify your proxy"):
//   ${xds.host} ${xds.port} ${xds.address} ${xds.transport} ${xds.mode}
//   ${node.id} ${node.cluster} ${admin.port} ${ports.NAME} ${dir} ${bootstrap.path} ${var.NAME} ${env.NAME}

export interface TemplateContext {
  xds: { host: string; port: number; transport: string; mode: string };
  node: { id: string; cluster: string };
  adminPort: number;
  /** Extra ports the definition asked for, by name. */
  ports: Record<string, number>;
  dir: string;
  bootstrapPath: string;
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
}

export const PLACEHOLDERS = [
  "xds.host",
  "xds.port",
  "xds.address",
  "xds.transport",
  "xds.mode",
  "node.id",
  "node.cluster",
  "admin.port",
  "ports.NAME",
  "dir",
  "bootstrap.path",
  "var.NAME",
  "env.NAME",
];

const TOKEN_RE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;

/** The value of one placeholder, or why it has none. */
function lookup(expr: string, ctx: TemplateContext): { value: string } | { error: string } {
  const fixed: Record<string, string | number> = {
    "xds.host": ctx.xds.host,
    "xds.port": ctx.xds.port,
    "xds.address": ctx.xds.host.includes(":")
      ? `[${ctx.xds.host}]:${ctx.xds.port}`
      : `${ctx.xds.host}:${ctx.xds.port}`,
    "xds.transport": ctx.xds.transport,
    "xds.mode": ctx.xds.mode,
    "node.id": ctx.node.id,
    "node.cluster": ctx.node.cluster,
    "admin.port": ctx.adminPort,
    dir: ctx.dir,
    "bootstrap.path": ctx.bootstrapPath,
  };
  if (expr in fixed) return { value: String(fixed[expr]) };
  const [scope, ...rest] = expr.split(".");
  const name = rest.join(".");
  const table: Record<string, Record<string, unknown>> = { ports: ctx.ports, var: ctx.vars, env: ctx.env };
  if (name !== "" && scope in table) {
    const value = table[scope][name];
    if (value !== undefined) return { value: String(value) };
    const known = Object.keys(table[scope]).filter((k) => scope !== "env" || k === name);
    const hint = scope === "env" ? "it is not set" : `known: ${known.sort().join(", ") || "none"}`;
    return { error: `\${${expr}} has no value (${hint})` };
  }
  return {
    error: `unknown placeholder \${${expr}} (known: ${PLACEHOLDERS.map((p) => `\${${p}}`).join(" ")})`,
  };
}

/**
 * Replaces every placeholder in `text`. Fails with every problem at once, each prefixed with
 * `<where>:<line>` so a vendor finds it in their template.
 */
export function renderTemplate(text: string, ctx: TemplateContext, where: string): string {
  const errors: string[] = [];
  const out = text.replace(TOKEN_RE, (token, expr: string | undefined, offset: number) => {
    if (token === "$${") return "${";
    const line = text.slice(0, offset).split("\n").length;
    if (expr === undefined) {
      errors.push(`${where}:${line}: expected "}" after "\${", got end of placeholder`);
      return token;
    }
    const found = lookup(expr.trim(), ctx);
    if ("error" in found) {
      errors.push(`${where}:${line}: ${found.error}`);
      return token;
    }
    return found.value;
  });
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return out;
}
