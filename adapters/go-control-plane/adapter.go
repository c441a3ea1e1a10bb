// The adapter API (harness/proto/adapter.proto, service xdsc.adapter.v1.ControlPlaneAdapter) without
// generated code: protoc is not available where this builds, so the three request/response pairs are
// encoded by hand with protowire, and a server-wide codec hands them raw bytes. Resources arrive as
// binary google.protobuf.Any and are decoded into go-control-plane's own Envoy API types.
package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"

	// Registers the resource types a snapshot can carry, so type URLs resolve in protoregistry.
	_ "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/service/runtime/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
)

const (
	serviceName = "xdsc.adapter.v1.ControlPlaneAdapter"
	modulePath  = "github.com/envoyproxy/go-control-plane"
)

type adapter struct {
	cache    cachev3.SnapshotCache
	features []string
}

func (a *adapter) getInfo(context.Context, *getInfoRequest) (*getInfoResponse, error) {
	version := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				version = dep.Version
			}
		}
	}
	return &getInfoResponse{name: "go-control-plane", version: version, features: a.features}, nil
}

// setSnapshot replaces the node's state; the snapshot must be consistent (every EDS/RDS name a
// CDS/LDS resource references is present), else the caller gets go-control-plane's error and the
// node keeps its previous snapshot.
func (a *adapter) setSnapshot(ctx context.Context, req *setSnapshotRequest) (*setSnapshotResponse, error) {
	if req.nodeID == "" {
		return nil, status.Error(codes.InvalidArgument, "node_id: expected a node id, got an empty string")
	}
	byType := map[string][]types.Resource{}
	for i, r := range req.resources {
		mt, err := protoregistry.GlobalTypes.FindMessageByURL(r.typeURL)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "resources[%d]: unknown type_url %q: %v", i, r.typeURL, err)
		}
		m := mt.New().Interface()
		if err := proto.Unmarshal(r.value, m); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "resources[%d] (%s): %v", i, r.typeURL, err)
		}
		byType[r.typeURL] = append(byType[r.typeURL], m)
	}
	snap, err := cachev3.NewSnapshot(req.version, byType)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "snapshot %q: %v (types %v)", req.version, err, typeList(byType))
	}
	if err := snap.Consistent(); err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "snapshot %q for node %q is not consistent: %v", req.version, req.nodeID, err)
	}
	if err := a.cache.SetSnapshot(ctx, req.nodeID, snap); err != nil {
		return nil, status.Errorf(codes.Internal, "set snapshot %q for node %q: %v", req.version, req.nodeID, err)
	}
	return &setSnapshotResponse{}, nil
}

func (a *adapter) clearSnapshot(_ context.Context, req *clearSnapshotRequest) (*clearSnapshotResponse, error) {
	a.cache.ClearSnapshot(req.nodeID)
	return &clearSnapshotResponse{}, nil
}

func typeList(m map[string][]types.Resource) []string {
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// unary adapts one typed handler to grpc's untyped method handler.
func unary[Req any, PReq interface {
	*Req
	wireMessage
}, Res wireMessage](call func(*adapter, context.Context, PReq) (Res, error)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		req := PReq(new(Req))
		if err := dec(req); err != nil {
			return nil, err
		}
		return call(srv.(*adapter), ctx, req)
	}
}

func registerAdapter(s *grpc.Server, a *adapter) {
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: serviceName,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			{MethodName: "GetInfo", Handler: unary((*adapter).getInfo)},
			{MethodName: "SetSnapshot", Handler: unary((*adapter).setSnapshot)},
			{MethodName: "ClearSnapshot", Handler: unary((*adapter).clearSnapshot)},
		},
		Metadata: "harness/proto/adapter.proto",
	}, a)
}

// wireCodec is the adapter server's only codec: messages encode themselves (protobuf wire format).
type wireCodec struct{}

func (wireCodec) Name() string { return "proto" }

func (wireCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(wireMessage)
	if !ok {
		return nil, fmt.Errorf("adapter codec: expected a wire message, got %T", v)
	}
	return m.marshal(), nil
}

func (wireCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(wireMessage)
	if !ok {
		return fmt.Errorf("adapter codec: expected a wire message, got %T", v)
	}
	return m.unmarshal(data)
}
