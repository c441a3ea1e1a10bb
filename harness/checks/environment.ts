// Prerequisites the machine offers to checks: a Docker engine and the local Kubernetes cluster (root,
// network tools). A check needing one that is absent is `skipped: <reason>` — a failure under --strict.
import { dockerAvailable } from "../containers/docker-engine.ts";
import { missingTools } from "../clusters/local/netns.ts";
import type { Feature } from "./features.ts";

export interface Environment {
  features: Feature[];
  /** Why each absent prerequisite is absent, for skip reasons and `xdsc doctor`. */
  absent: Partial<Record<Feature, string>>;
}

export async function detectEnvironment(): Promise<Environment> {
  const features: Feature[] = [];
  const absent: Environment["absent"] = {};
  const docker = await dockerAvailable();
  if (docker.available) features.push("docker");
  else absent.docker = docker.reason;
  const missing = process.platform === "linux" ? await missingTools() : ["Linux network namespaces"];
  if (process.getuid?.() !== 0) absent.kube = "the local cluster needs root (ip netns, iptables, nft)";
  else if (missing.length > 0)
    absent.kube = `missing tools: ${missing.join(", ")} (bash scripts/system-packages.sh)`;
  else features.push("kube");
  return { features, absent };
}
