// "The control plane has taken in every request the script sent": a barrier before a state change or a
// reconnect, so "ACK, then change" never races. The reference server says so exactly (its request
// events). Any other control plane is a black box: the tap has forwarded every request, and gRPC keeps
// one stream's messages in order, so the CP reads the ACK before anything the script sends later — but
// a CP that handles requests asynchronously may still act on a snapshot change first. That residual
// race is the CP's own (a DP's ACK can cross a snapshot change just the same), so rules judged after
// it accept either order where the protocol does (see the checks' comments).
import type { Tap } from "../../../harness/tap/tap.ts";
import type { ReferenceServer } from "../../../harness/xds/server.ts";
import type { Subscriber } from "./subscriber.ts";

type CaughtUp = (timeoutMs?: number) => Promise<void>;

function until(
  count: () => number,
  sub: Subscriber,
  subscribe: (onChange: () => void) => () => void,
  what: string,
): CaughtUp {
  return async (timeoutMs = 3000) => {
    if (count() >= sub.sent) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`${what}: expected ${sub.sent} requests within ${timeoutMs}ms, got ${count()}`));
      }, timeoutMs);
      const unsubscribe = subscribe(() => {
        if (count() < sub.sent) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  };
}

export function caughtUpByServer(server: ReferenceServer, sub: Subscriber): CaughtUp {
  let received = 0;
  server.on("request", () => received++);
  return until(
    () => received,
    sub,
    (f) => {
      server.on("request", f);
      return () => server.off("request", f);
    },
    "reference server took in the script's requests",
  );
}

export function caughtUpByTap(tap: Tap, sub: Subscriber): CaughtUp {
  const forwarded = () => tap.entries().filter((e) => e.direction === "request").length;
  return until(
    forwarded,
    sub,
    (f) => {
      tap.on("entry", f);
      return () => tap.off("entry", f);
    },
    "tap forwarded the script's requests to the control plane",
  );
}
