// Command grpc-go-client is the grpc-go proxyless data plane of xds-conformance. It reads the xDS
// bootstrap the harness wrote (GRPC_XDS_BOOTSTRAP), connects to the harness's control socket (-control,
// a Unix socket) and answers line-delimited JSON commands there:
//
//	{"id":0,"cmd":"connect","target":"xds:///ingress"}
//	{"id":1,"cmd":"ready","target":"xds:///ingress","timeoutMs":10000}
//	{"id":2,"cmd":"rpcs","target":"xds:///ingress","count":20,"ratePerSec":50,"timeoutMs":2000}
//
// Each RPC calls /xdsc.echo.v1.Echo/Call with a JSON body through a raw-bytes codec, so no .proto file
// or generated code is needed; the echo backend answers {"backend":"<name>"}. stdout/stderr are logs.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/xds" // registers the xds:/// resolver and the xDS load-balancing policies
)

type command struct {
	ID         int     `json:"id"`
	Cmd        string  `json:"cmd"`
	Target     string  `json:"target"`
	Count      int     `json:"count"`
	RatePerSec float64 `json:"ratePerSec"`
	TimeoutMs  int     `json:"timeoutMs"`
}

type reply struct {
	ID      int         `json:"id"`
	OK      bool        `json:"ok"`
	Error   string      `json:"error,omitempty"`
	State   string      `json:"state,omitempty"`
	Records []rpcRecord `json:"records,omitempty"`
}

type hello struct {
	Event   string `json:"event"`
	Client  string `json:"client"`
	Version string `json:"version"`
}

// channels keeps one ClientConn per target, so picks (round robin) carry over between commands.
type channels struct {
	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

func (c *channels) get(target string) (*grpc.ClientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.conns[target]; ok {
		return conn, nil
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	c.conns[target] = conn
	return conn, nil
}

func main() {
	control := flag.String("control", "", "Unix socket of the harness's control channel")
	flag.Parse()
	if *control == "" {
		log.Fatal("grpc-go-client: expected -control <socket path>, got none")
	}
	sock, err := net.Dial("unix", *control)
	if err != nil {
		log.Fatalf("grpc-go-client: expected to connect to control socket %s, got %v", *control, err)
	}
	var writeMu sync.Mutex
	enc := json.NewEncoder(sock)
	send := func(v any) {
		writeMu.Lock()
		defer writeMu.Unlock()
		if err := enc.Encode(v); err != nil {
			log.Printf("control write: %v", err)
		}
	}
	send(hello{Event: "hello", Client: "grpc-go", Version: grpc.Version})
	log.Printf("grpc-go-client %s: connected to %s", grpc.Version, *control)

	chans := &channels{conns: map[string]*grpc.ClientConn{}}
	scanner := bufio.NewScanner(sock)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var cmd command
		if err := json.Unmarshal(scanner.Bytes(), &cmd); err != nil {
			send(reply{ID: -1, Error: fmt.Sprintf("command: expected JSON, got %q (%v)", scanner.Text(), err)})
			continue
		}
		// Commands run concurrently: a long rpcs batch must not hold up a readiness probe.
		go func() { send(handle(chans, cmd)) }()
	}
	// The harness closed the control channel: it is done with us (or gone), so exit.
	log.Printf("grpc-go-client: control channel closed (%v), exiting", scanner.Err())
	os.Exit(0)
}

func handle(chans *channels, cmd command) reply {
	conn, err := chans.get(cmd.Target)
	if err != nil {
		return reply{ID: cmd.ID, Error: fmt.Sprintf("target %q: %v", cmd.Target, err)}
	}
	switch cmd.Cmd {
	case "connect":
		conn.Connect()
		return reply{ID: cmd.ID, OK: true}
	case "ready":
		state, err := waitReady(conn, cmd.TimeoutMs)
		if err != nil {
			return reply{ID: cmd.ID, State: state, Error: err.Error()}
		}
		return reply{ID: cmd.ID, OK: true, State: state}
	case "rpcs":
		return reply{ID: cmd.ID, OK: true, Records: sendRPCs(conn, cmd)}
	default:
		return reply{ID: cmd.ID, Error: fmt.Sprintf("cmd: expected \"connect\", \"ready\" or \"rpcs\", got %q", cmd.Cmd)}
	}
}
