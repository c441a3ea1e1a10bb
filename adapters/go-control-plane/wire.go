// Hand-written protobuf wire encoding of the adapter API messages; field numbers must match
// harness/proto/adapter.proto (the e2e test exercises both sides against each other).
package main

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

type wireMessage interface {
	marshal() []byte
	unmarshal([]byte) error
}

type anyResource struct {
	typeURL string
	value   []byte
}

type getInfoRequest struct{}
type getInfoResponse struct {
	name, version string
	features      []string
}
type setSnapshotRequest struct {
	nodeID, version string
	resources       []anyResource
}
type setSnapshotResponse struct{}
type clearSnapshotRequest struct{ nodeID string }
type clearSnapshotResponse struct{}

func (*getInfoRequest) marshal() []byte        { return nil }
func (*getInfoRequest) unmarshal([]byte) error { return nil }

func (m *getInfoResponse) marshal() []byte {
	var b []byte
	b = appendString(b, 1, m.name)
	b = appendString(b, 2, m.version)
	for _, f := range m.features {
		b = appendString(b, 3, f)
	}
	return b
}
func (m *getInfoResponse) unmarshal(b []byte) error {
	return eachField(b, func(num protowire.Number, v []byte) error {
		switch num {
		case 1:
			m.name = string(v)
		case 2:
			m.version = string(v)
		case 3:
			m.features = append(m.features, string(v))
		}
		return nil
	})
}

func (m *setSnapshotRequest) marshal() []byte {
	var b []byte
	b = appendString(b, 1, m.nodeID)
	b = appendString(b, 2, m.version)
	for _, r := range m.resources {
		var a []byte
		a = appendString(a, 1, r.typeURL)
		a = protowire.AppendTag(a, 2, protowire.BytesType)
		a = protowire.AppendBytes(a, r.value)
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendBytes(b, a)
	}
	return b
}
func (m *setSnapshotRequest) unmarshal(b []byte) error {
	return eachField(b, func(num protowire.Number, v []byte) error {
		switch num {
		case 1:
			m.nodeID = string(v)
		case 2:
			m.version = string(v)
		case 3:
			var r anyResource
			err := eachField(v, func(n protowire.Number, f []byte) error {
				switch n {
				case 1:
					r.typeURL = string(f)
				case 2:
					r.value = append([]byte(nil), f...)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("resources[%d]: %w", len(m.resources), err)
			}
			m.resources = append(m.resources, r)
		}
		return nil
	})
}

func (*setSnapshotResponse) marshal() []byte        { return nil }
func (*setSnapshotResponse) unmarshal([]byte) error { return nil }

func (m *clearSnapshotRequest) marshal() []byte { return appendString(nil, 1, m.nodeID) }
func (m *clearSnapshotRequest) unmarshal(b []byte) error {
	return eachField(b, func(num protowire.Number, v []byte) error {
		if num == 1 {
			m.nodeID = string(v)
		}
		return nil
	})
}

func (*clearSnapshotResponse) marshal() []byte        { return nil }
func (*clearSnapshotResponse) unmarshal([]byte) error { return nil }

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b // proto3: default values are not written
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// eachField calls fn for every length-delimited field and skips the others (unknown fields are
// allowed, as proto3 parsers must).
func eachField(b []byte, fn func(protowire.Number, []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if typ != protowire.BytesType {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
			}
			b = b[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		if err := fn(num, v); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
