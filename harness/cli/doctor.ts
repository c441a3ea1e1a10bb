// `xdsc doctor`: every prerequisite, found or missing, and how to fix it; exit 1 if a required one is missing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { envoyVersion, findEnvoy } from "../dataplanes/envoy-binary.ts";
import { DESCRIPTOR_SET_PATH } from "../proto/schemas.ts";

interface Probe {
  name: string;
  required: boolean;
  /** Found: a version or detail. Missing: throws with the reason. */
  probe: () => Promise<string> | string;
  fix: string;
}

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).trim();

const PROBES: Probe[] = [
  {
    name: "Envoy",
    required: true,
    probe: async () => `${await envoyVersion(findEnvoy())} (${findEnvoy()})`,
    fix: "npm run setup, or set ENVOY_BIN",
  },
  {
    name: "Python 3",
    required: true,
    probe: () => run("python3", ["--version"]),
    fix: "apt-get install python3 python3-venv",
  },
  {
    name: "xDS descriptors",
    required: true,
    probe: () => {
      if (!existsSync(DESCRIPTOR_SET_PATH)) throw new Error("not exported");
      return DESCRIPTOR_SET_PATH;
    },
    fix: "npm run setup",
  },
  {
    name: "Go",
    required: false,
    probe: () => run("go", ["version"]),
    fix: "install Go ≥ 1.22 (go-control-plane and grpc-go peers)",
  },
  {
    name: "Docker engine",
    required: false,
    probe: () => run("docker", ["version", "--format", "{{.Server.Version}}"]),
    fix: "bash scripts/docker-engine.sh (installs Debian's docker.io and starts dockerd)",
  },
  {
    name: "kind",
    required: false,
    probe: () => run("kind", ["version"]),
    fix: "go install sigs.k8s.io/kind@latest (nightly kind clusters)",
  },
  {
    name: "kubectl",
    required: false,
    probe: () => run("kubectl", ["version", "--client"]).split("\n")[0]!,
    fix: "apt-get install kubernetes-client",
  },
  {
    name: "iptables",
    required: false,
    probe: () => run("iptables", ["--version"]),
    fix: "apt-get install iptables (kube-proxy parity)",
  },
  {
    name: "nft",
    required: false,
    probe: () => run("nft", ["--version"]),
    fix: "apt-get install nftables (kube-proxy nftables mode)",
  },
  {
    name: "network namespaces",
    required: false,
    probe: () => {
      const name = `xdsc-doctor-${process.pid}`;
      run("ip", ["netns", "add", name]);
      run("ip", ["netns", "delete", name]);
      return "ip netns add/delete allowed";
    },
    fix: "run as root with iproute2 installed (local Kubernetes cluster)",
  },
  {
    name: "Java (Allure)",
    required: false,
    probe: () =>
      execFileSync("java", ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) ||
      "present",
    fix: "apt-get install default-jre-headless (xdsc report)",
  },
];

export async function doctor(): Promise<number> {
  let missingRequired = 0;
  for (const p of PROBES) {
    try {
      const found = (await p.probe()).split("\n")[0];
      process.stdout.write(`found    ${p.name}: ${found}\n`);
    } catch (e) {
      if (p.required) missingRequired++;
      const why = ((e as { stderr?: string }).stderr || (e as Error).message).toString().split("\n")[0];
      process.stdout.write(
        `${p.required ? "MISSING " : "missing "} ${p.name}${p.required ? " (required)" : ""}: ${why} — fix: ${p.fix}\n`,
      );
    }
  }
  return missingRequired > 0 ? 1 : 0;
}
