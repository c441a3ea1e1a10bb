// Check specs are short references ("xds_protocol#ack", "discovery.proto"); reports link them where we
// know the page. Anything else is shown as text.
const ENVOY_DOCS = "https://www.envoyproxy.io/docs/envoy/latest/api-docs/";
const DISCOVERY_PROTO =
  "https://github.com/envoyproxy/envoy/blob/main/api/envoy/service/discovery/v3/discovery.proto";

export function specUrl(spec: string): string | undefined {
  if (/^https?:\/\//.test(spec)) return spec;
  const [page, anchor] = spec.split("#", 2);
  if (page === "xds_protocol") return `${ENVOY_DOCS}xds_protocol${anchor ? `#${anchor}` : ""}`;
  if (page === "discovery.proto") return DISCOVERY_PROTO;
  return undefined;
}
