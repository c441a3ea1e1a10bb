// Where the gRPC proxyless clients (as harness/dataplanes runs them: @grpc/grpc-js-xds 1.14.1, grpc-go
// 1.85.0) depart from the xDS protocol, as the data-plane checks observe them on reference × client.
// proxyless.test.ts holds this list to the truth both ways: a listed check must still fail on that client
// with this evidence, and an unlisted applicable one must pass — so a client fix (or a broken check)
// shows up at once. README.md "Findings on the gRPC proxyless clients" quotes the transcripts.
import type { ProxylessClientName } from "../../harness/dataplanes/proxyless.ts";
import { divergenceLookup, type Divergence } from "./support/divergences.ts";

/** `clients`: the clients on which the check fails. */
export type ProxylessDivergence = Divergence<"clients", ProxylessClientName>;

export const PROXYLESS_DIVERGENCES: readonly ProxylessDivergence[] = [
  {
    // grpc-go: internal/xds/clients/xdsclient/channel.go decodes a response into
    // `ret := make(map[string]dataAndErrTuple)` keyed by resource name, so a second instance overwrites
    // the first and the response is ACKed. grpc-js-xds: xds-client.ts AdsResponseParser.parseResource
    // handles each resource on its own and never compares names within a response.
    check: "protocol.dp-duplicate-names-nacked",
    clients: ["grpc-js", "grpc-go"],
    rule: "R36",
    reason:
      'a SotW response naming the same resource twice (reference fault "duplicate-resources") is ACKed, not NACKed: neither client compares names within a response (a SHOULD in xds_protocol#duplicate-resource-names)',
    evidence: /CDS response naming "backend" twice was ACKed/,
  },
  {
    // The same code paths for EDS (reference fault "duplicate-endpoints").
    check: "protocol.dp-duplicate-endpoints-nacked",
    clients: ["grpc-js", "grpc-go"],
    rule: "R36",
    reason:
      "a SotW EDS response naming the same ClusterLoadAssignment twice is ACKed, not NACKed (a SHOULD in xds_protocol#duplicate-resource-names)",
    evidence: /EDS response naming "backend" twice was ACKed/,
  },
];

export const proxylessDivergence = divergenceLookup(PROXYLESS_DIVERGENCES, "clients");
