// The control protocol between the harness and a proxyless client process (the grpc-js script here and
// the grpc-go program in adapters/grpc-go-client): one JSON object per line, both ways, on a Unix socket
// the harness listens on and passes as `--control <path>` / `-control <path>`. A socket rather than
// stdin/stdout because harness children (harness/util/child.ts) get no stdin and their output is the log.
//
// child → harness, once on connect:  {"event":"hello","client":"grpc-js","version":"1.14.1 (grpc-js 1.14.7)"}
// harness → child:                   {"id":0,"cmd":"connect","target":"xds:///ingress"}  (at start)
// harness → child:                   {"id":1,"cmd":"ready","target":"xds:///ingress","timeoutMs":10000}
// child → harness:                   {"id":1,"ok":true,"state":"READY"}
// harness → child:                   {"id":2,"cmd":"rpcs","target":"xds:///ingress","count":20,"timeoutMs":2000}
// child → harness:                   {"id":2,"ok":true,"records":[{"seq":0,...,"status":"OK","backend":"v1"}]}
// A reply with "ok": false carries "error" (and "state" for ready). Commands may overlap; ids match them.

/** Creates the channel and leaves IDLE, so xDS starts without an RPC (as Envoy's does at start). */
export interface ConnectCommand {
  id: number;
  cmd: "connect";
  target: string;
}

export interface ReadyCommand {
  id: number;
  cmd: "ready";
  target: string;
  timeoutMs: number;
}

export interface RpcsCommand {
  id: number;
  cmd: "rpcs";
  target: string;
  count: number;
  /** Open loop at this rate; without it the RPCs go one after another. */
  ratePerSec?: number;
  /** Deadline of each RPC. */
  timeoutMs: number;
}

export type ControlCommand = ConnectCommand | ReadyCommand | RpcsCommand;

/** One RPC, like an entry of gRPC's LoadBalancerStatsService; times are epoch ms. */
export interface RpcRecord {
  seq: number;
  scheduledAt: number;
  sentAt: number;
  endedAt: number;
  latencyMs: number;
  /** Canonical gRPC code name: "OK", "UNAVAILABLE", "DEADLINE_EXCEEDED", ... */
  status: string;
  /** Who answered (the echo backend's name), on OK. */
  backend?: string;
  /** The status details of a failed RPC. */
  error?: string;
}

export interface Hello {
  event: "hello";
  client: string;
  version: string;
}

export interface ControlReply {
  id: number;
  ok: boolean;
  error?: string;
  state?: string;
  records?: RpcRecord[];
}
