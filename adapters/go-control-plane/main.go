// go-control-plane as an xDS control plane under test: its snapshot cache and server serve ADS and the
// per-type services, SotW and delta, on one loopback port; the harness's adapter API
// (harness/proto/adapter.proto) on a second port sets the snapshot each node is served.
//
// Prints "ready xds=127.0.0.1:<port> adapter=127.0.0.1:<port>" on stdout once both ports listen, so
// the harness can ask for port 0 and read the ports back.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"

	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discoverygrpc "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	endpointservice "github.com/envoyproxy/go-control-plane/envoy/service/endpoint/v3"
	listenerservice "github.com/envoyproxy/go-control-plane/envoy/service/listener/v3"
	routeservice "github.com/envoyproxy/go-control-plane/envoy/service/route/v3"
	runtimeservice "github.com/envoyproxy/go-control-plane/envoy/service/runtime/v3"
	secretservice "github.com/envoyproxy/go-control-plane/envoy/service/secret/v3"
	cachev3 "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/server/config"
	sotw "github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
)

// Large snapshots (the push benchmark sends 10k clusters + 10k endpoint sets in one SetSnapshot).
const maxMessageBytes = 256 << 20

func main() {
	xdsPort := flag.Int("xds-port", 0, "loopback port for the xDS services (0: any free port)")
	adapterPort := flag.Int("adapter-port", 0, "loopback port for the adapter API (0: any free port)")
	adsCache := flag.Bool("ads-cache", true, "snapshot cache in ADS mode (hold a response until the request names every resource of the type); false for a fleet on per-type streams")
	adsOrdered := flag.Bool("ads-ordered", false, "answer ADS SotW requests in a guaranteed type order (sotw.WithOrderedADS)")
	verbose := flag.Bool("verbose", false, "log go-control-plane's debug messages")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	logger := stderrLogger{debug: *verbose}
	// ads=true: hold back a response until every resource the request names exists, so one ADS stream
	// never sees a partial EDS/RDS set (go-control-plane's documented setting for ADS). The flag is
	// cache-wide: in ADS mode a SotW request naming a subset of a type's resources is never answered, on
	// per-type streams too, so per-type fleets run with --ads-cache=false (the harness does this for the
	// per-type variants), where the cache answers the names asked for.
	snapshots := cachev3.NewSnapshotCache(*adsCache, cachev3.IDHash{}, logger)
	var opts []config.XDSOption
	if *adsOrdered {
		opts = append(opts, sotw.WithOrderedADS())
	}
	xds := serverv3.NewServer(ctx, snapshots, nil, opts...)

	xdsServer := grpc.NewServer(grpc.MaxConcurrentStreams(1_000_000), grpc.MaxRecvMsgSize(maxMessageBytes))
	discoverygrpc.RegisterAggregatedDiscoveryServiceServer(xdsServer, xds)
	endpointservice.RegisterEndpointDiscoveryServiceServer(xdsServer, xds)
	clusterservice.RegisterClusterDiscoveryServiceServer(xdsServer, xds)
	routeservice.RegisterRouteDiscoveryServiceServer(xdsServer, xds)
	routeservice.RegisterScopedRoutesDiscoveryServiceServer(xdsServer, xds)
	routeservice.RegisterVirtualHostDiscoveryServiceServer(xdsServer, xds)
	listenerservice.RegisterListenerDiscoveryServiceServer(xdsServer, xds)
	secretservice.RegisterSecretDiscoveryServiceServer(xdsServer, xds)
	runtimeservice.RegisterRuntimeDiscoveryServiceServer(xdsServer, xds)

	features := []string{"sotw", "delta", "ads", "per-type"}
	if *adsCache {
		features = append(features, "ads-cache")
	}
	if *adsOrdered {
		features = append(features, "ordered-ads")
	}
	adapterServer := grpc.NewServer(grpc.ForceServerCodec(wireCodec{}), grpc.MaxRecvMsgSize(maxMessageBytes))
	registerAdapter(adapterServer, &adapter{cache: snapshots, features: features})

	xdsListener := listen(*xdsPort)
	adapterListener := listen(*adapterPort)
	go serve(xdsServer, xdsListener)
	go serve(adapterServer, adapterListener)
	fmt.Printf("ready xds=%s adapter=%s\n", xdsListener.Addr(), adapterListener.Addr())

	<-ctx.Done()
	adapterServer.Stop()
	xdsServer.Stop()
}

func listen(port int) net.Listener {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		log.Fatalf("listen on 127.0.0.1:%d: %v", port, err)
	}
	return l
}

func serve(s *grpc.Server, l net.Listener) {
	if err := s.Serve(l); err != nil {
		log.Printf("serve %s: %v", l.Addr(), err)
	}
}

type stderrLogger struct{ debug bool }

func (l stderrLogger) Debugf(format string, args ...any) {
	if l.debug {
		log.Printf("debug: "+format, args...)
	}
}
func (l stderrLogger) Infof(format string, args ...any) {
	if l.debug {
		log.Printf("info: "+format, args...)
	}
}
func (stderrLogger) Warnf(format string, args ...any)  { log.Printf("warn: "+format, args...) }
func (stderrLogger) Errorf(format string, args ...any) { log.Printf("error: "+format, args...) }
