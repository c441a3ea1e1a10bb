// Check specs are short references ("xds_protocol#ack", "discovery.proto DiscoveryRequest.version_info"),
// possibly several ("a; b") and with a note in parentheses; reports link the first one where we know the
// page. Anything else is shown as text.
const ENVOY_DOCS = "https://www.envoyproxy.io/docs/envoy/latest/api-docs/";
const DISCOVERY_PROTO =
  "https://github.com/envoyproxy/envoy/blob/main/api/envoy/service/discovery/v3/discovery.proto";

export function specUrl(spec: string): string | undefined {
  const first = spec.split(";", 1)[0]!.trim().split(/\s+/, 1)[0] ?? "";
  if (/^https?:\/\//.test(first)) return first;
  const [page, anchor] = first.split("#", 2);
  // Sphinx anchors are lower-case words joined by "-"; anything after them (a note, a comma) is not part of it.
  const section = /^[a-z0-9-]+/.exec(anchor ?? "")?.[0];
  if (page === "xds_protocol") return `${ENVOY_DOCS}xds_protocol${section ? `#${section}` : ""}`;
  if (page === "discovery.proto") return DISCOVERY_PROTO;
  return undefined;
}
