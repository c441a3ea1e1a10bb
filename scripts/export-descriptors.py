"""Exports every compiled .proto descriptor that xds-protos (and its protobuf/grpc deps) installed into a
single FileDescriptorSet on stdout, files in dependency order. harness/proto loads it into a
@bufbuild/protobuf registry used both for the gRPC services and for the proto3-JSON codec.

The Python runtime's CopyToProto leaves json_name empty; proto3 JSON needs it, so it is filled in with
protoc's lowerCamelCase rule."""
import importlib
import os
import site
import sys

from google.protobuf import descriptor_pb2

ROOTS = ["envoy", "xds", "udpa", "validate", "google", "opencensus", "opentelemetry", "cel"]


def site_dir():
    for p in site.getsitepackages():
        if os.path.isdir(os.path.join(p, "xds")):
            return p
    sys.exit("export-descriptors: xds-protos is not installed in this interpreter")


def modules(sp):
    for root in ROOTS:
        for dirpath, _, files in os.walk(os.path.join(sp, root)):
            for f in files:
                if f.endswith("_pb2.py"):
                    rel = os.path.relpath(os.path.join(dirpath, f[:-3]), sp)
                    yield rel.replace(os.sep, ".")


def camel(name):
    out, up = "", False
    for c in name:
        if c == "_":
            up = True
        elif up:
            out, up = out + c.upper(), False
        else:
            out += c
    return out


def fix_json_names(msg):
    for f in list(msg.field) + list(msg.extension):
        if not f.json_name:
            f.json_name = camel(f.name)
    for n in msg.nested_type:
        fix_json_names(n)


def main():
    sp = site_dir()
    failed = []
    mods = sorted(set(modules(sp)))
    for m in mods:
        try:
            importlib.import_module(m)
        except Exception as e:  # a broken optional module must not hide the rest
            failed.append(f"{m}: {e}")
    out, seen = descriptor_pb2.FileDescriptorSet(), set()

    def add(fd):
        if fd.name in seen:
            return
        seen.add(fd.name)
        for dep in fd.dependencies:
            add(dep)
        p = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(p)
        for m in p.message_type:
            fix_json_names(m)
        for e in p.extension:
            if not e.json_name:
                e.json_name = camel(e.name)
        out.file.append(p)

    for m in mods:
        mod = sys.modules.get(m)
        if mod is not None and hasattr(mod, "DESCRIPTOR"):
            add(mod.DESCRIPTOR)
    if failed:
        print("export-descriptors: skipped modules:\n  " + "\n  ".join(failed), file=sys.stderr)
    sys.stdout.buffer.write(out.SerializeToString())


if __name__ == "__main__":
    main()
