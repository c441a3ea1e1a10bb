// The client side of bench/xds-push.ts: M ADS SotW streams, each on its own connection (as M Envoys
// would have), each scripted like Envoy's start: CDS wildcard, ACK, EDS for every cluster name, ACK.
import * as grpc from "@grpc/grpc-js";
import {
  DiscoveryRequestCodec,
  DiscoveryResponseCodec,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../harness/proto/discovery.ts";
import { CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL } from "../harness/proto/type-urls.ts";
import { ADS_SOTW_PATH, ScriptedStream } from "../harness/xds/scripted-client.ts";

export interface StreamTiming {
  startMs: number;
  cdsMs: number;
  doneMs: number;
}

type Stream = ScriptedStream<DiscoveryRequest, DiscoveryResponse>;

function openStream(address: string): { client: grpc.Client; stream: Stream } {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    // One connection per stream: grpc-js otherwise shares a subchannel between equal channels.
    "grpc.use_local_subchannel_pool": 1,
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
  });
  const call = client.makeBidiStreamRequest<DiscoveryRequest, DiscoveryResponse>(
    ADS_SOTW_PATH,
    (m) => DiscoveryRequestCodec.encode(m),
    (b) => DiscoveryResponseCodec.decode(b),
  );
  call.on("error", () => undefined);
  return { client, stream: new ScriptedStream(call) };
}

/** Receives responses of typeUrl until `want` resources arrived in one response (SotW: the full set). */
async function receiveAll(stream: Stream, typeUrl: string, want: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await stream.next(Math.max(1, deadline - Date.now()));
    if (res.typeUrl === typeUrl && res.resources.length === want) return res;
    if (Date.now() >= deadline)
      throw new Error(
        `${typeUrl.split(".").pop()}: expected a response with ${want} resources within ${timeoutMs}ms, got ${res.resources.length} (${res.typeUrl})`,
      );
  }
}

async function runOne(
  address: string,
  nodeId: string,
  names: string[],
  timeoutMs: number,
): Promise<StreamTiming> {
  const { client, stream } = openStream(address);
  const node = { id: nodeId, cluster: "bench" };
  try {
    const startMs = performance.now();
    stream.send({ node, typeUrl: CLUSTER_TYPE_URL });
    const cds = await receiveAll(stream, CLUSTER_TYPE_URL, names.length, timeoutMs);
    stream.send({ node, typeUrl: CLUSTER_TYPE_URL, versionInfo: cds.versionInfo, responseNonce: cds.nonce });
    const cdsMs = performance.now();
    stream.send({ node, typeUrl: ENDPOINT_TYPE_URL, resourceNames: names });
    const eds = await receiveAll(stream, ENDPOINT_TYPE_URL, names.length, timeoutMs);
    stream.send({
      node,
      typeUrl: ENDPOINT_TYPE_URL,
      versionInfo: eds.versionInfo,
      responseNonce: eds.nonce,
      resourceNames: names,
    });
    return { startMs, cdsMs, doneMs: performance.now() };
  } finally {
    stream.close();
    client.close();
  }
}

/** Runs M streams at once; every stream presents the same node id (all M share one snapshot). */
export function runStreams(
  address: string,
  nodeId: string,
  names: string[],
  m: number,
  timeoutMs: number,
): Promise<StreamTiming[]> {
  return Promise.all(Array.from({ length: m }, () => runOne(address, nodeId, names, timeoutMs)));
}
