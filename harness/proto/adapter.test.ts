import { expect } from "chai";
import {
  adapterRegistry,
  adapterServiceDefinition,
  decodeAdapterMessage,
  encodeAdapterMessage,
  parseAdapterProto,
  type GetInfoResponse,
  type SetSnapshotRequest,
} from "./adapter.ts";
import { CLUSTER_TYPE_URL } from "./type-urls.ts";

describe("adapter API (adapter.proto)", () => {
  it("loads the service with its three unary rpcs", () => {
    const service = adapterRegistry().getService("xdsc.adapter.v1.ControlPlaneAdapter")!;
    expect(service.methods.map((m) => `${m.name}(${m.input.name}) ${m.output.name}`)).to.deep.equal([
      "GetInfo(GetInfoRequest) GetInfoResponse",
      "SetSnapshot(SetSnapshotRequest) SetSnapshotResponse",
      "ClearSnapshot(ClearSnapshotRequest) ClearSnapshotResponse",
    ]);
    const paths = Object.values(adapterServiceDefinition()).map((d) => d.path);
    expect(paths).to.include("/xdsc.adapter.v1.ControlPlaneAdapter/SetSnapshot");
  });

  it("encodes SetSnapshotRequest in the wire format the Go adapter decodes by hand", () => {
    const bytes = encodeAdapterMessage("SetSnapshotRequest", {
      nodeId: "n",
      version: "v1",
      resources: [{ typeUrl: "t", value: new Uint8Array([1, 2]) }],
    });
    // field 1 "n", field 2 "v1", field 3 { field 1 "t", field 2 0x0102 } (adapters/go-control-plane/wire.go)
    expect(bytes.toString("hex")).to.equal("0a016e120276311a070a017412020102");
  });

  it("round-trips requests and responses as plain objects", () => {
    const req: SetSnapshotRequest = {
      nodeId: "node-1",
      version: "v2",
      resources: [{ typeUrl: CLUSTER_TYPE_URL, value: new Uint8Array([10, 1, 97]) }],
    };
    const back = decodeAdapterMessage<SetSnapshotRequest>(
      "SetSnapshotRequest",
      encodeAdapterMessage("SetSnapshotRequest", req),
    );
    expect(back.nodeId).to.equal("node-1");
    expect(back.resources[0]!.typeUrl).to.equal(CLUSTER_TYPE_URL);
    expect([...back.resources[0]!.value]).to.deep.equal([10, 1, 97]);
    const info: GetInfoResponse = { name: "cp", version: "1.2", features: ["ads", "delta"] };
    expect(
      decodeAdapterMessage("GetInfoResponse", encodeAdapterMessage("GetInfoResponse", info)),
    ).to.deep.equal(info);
  });

  it("rejects proto syntax outside the supported subset with its line", () => {
    const text = 'syntax = "proto3";\npackage p;\nmessage A {\n  map<string, string> m = 1;\n}\n';
    expect(() => parseAdapterProto(text, "x.proto")).to.throw(/x\.proto:4: expected a declaration.*map</);
    expect(() => parseAdapterProto("message A {\n", "y.proto")).to.throw(
      /y\.proto: expected "}" closing message A/,
    );
  });
});
