package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

const echoMethod = "/xdsc.echo.v1.Echo/Call"

// rawCodec passes bytes through: requests and responses are JSON the caller builds and parses.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: expected *[]byte, got %T", v)
	}
	return *b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: expected *[]byte, got %T", v)
	}
	*b = append([]byte(nil), data...)
	return nil
}

// Name is the content-subtype: "application/grpc+json", which any gRPC server accepts.
func (rawCodec) Name() string { return "json" }

// rpcRecord mirrors one entry of gRPC's LoadBalancerStatsService view, per RPC.
type rpcRecord struct {
	Seq         int     `json:"seq"`
	ScheduledAt float64 `json:"scheduledAt"`
	SentAt      float64 `json:"sentAt"`
	EndedAt     float64 `json:"endedAt"`
	LatencyMs   float64 `json:"latencyMs"`
	Status      string  `json:"status"`
	Backend     string  `json:"backend,omitempty"`
	Error       string  `json:"error,omitempty"`
}

func epochMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// waitReady drives the channel out of IDLE and waits for READY; TRANSIENT_FAILURE is not final while
// xDS resources are still arriving, so only the deadline ends the wait.
func waitReady(conn *grpc.ClientConn, timeoutMs int) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(timeoutMs)*time.Millisecond)
	defer cancel()
	conn.Connect()
	for {
		state := conn.GetState()
		if state == connectivity.Ready {
			return state.String(), nil
		}
		if state == connectivity.Idle {
			conn.Connect()
		}
		if !conn.WaitForStateChange(ctx, state) {
			return state.String(), fmt.Errorf("channel %s: expected READY within %dms, got %s", conn.Target(), timeoutMs, state)
		}
	}
}

// sendRPCs sends count RPCs: one after another without a rate, else open loop on a fixed schedule
// (a slow RPC does not delay the next one).
func sendRPCs(conn *grpc.ClientConn, cmd command) []rpcRecord {
	records := make([]rpcRecord, cmd.Count)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cmd.Count {
		scheduled := time.Now()
		if cmd.RatePerSec > 0 {
			scheduled = start.Add(time.Duration(float64(i) / cmd.RatePerSec * float64(time.Second)))
			time.Sleep(time.Until(scheduled))
			wg.Add(1)
			go func() {
				defer wg.Done()
				records[i] = callOnce(conn, i, scheduled, cmd.TimeoutMs)
			}()
		} else {
			records[i] = callOnce(conn, i, scheduled, cmd.TimeoutMs)
		}
	}
	wg.Wait()
	return records
}

func callOnce(conn *grpc.ClientConn, seq int, scheduled time.Time, timeoutMs int) rpcRecord {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(timeoutMs)*time.Millisecond)
	defer cancel()
	req, _ := json.Marshal(map[string]int{"seq": seq})
	var res []byte
	sent := time.Now()
	err := conn.Invoke(ctx, echoMethod, &req, &res, grpc.ForceCodec(rawCodec{}))
	ended := time.Now()
	rec := rpcRecord{
		Seq:         seq,
		ScheduledAt: epochMs(scheduled),
		SentAt:      epochMs(sent),
		EndedAt:     epochMs(ended),
		LatencyMs:   float64(ended.Sub(sent).Microseconds()) / 1000,
	}
	st := status.Convert(err)
	rec.Status = codeName(st.Code())
	if err != nil {
		rec.Error = st.Message()
		return rec
	}
	var body struct {
		Backend string `json:"backend"`
	}
	if jsonErr := json.Unmarshal(res, &body); jsonErr != nil {
		rec.Error = fmt.Sprintf("response: expected JSON {\"backend\":...}, got %q", string(res))
	}
	rec.Backend = body.Backend
	return rec
}
