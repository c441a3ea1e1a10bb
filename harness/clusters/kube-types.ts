// The slice of the Kubernetes core/v1 Service and discovery.k8s.io/v1 EndpointSlice schemas that the
// harness writes (local provider) and translates to xDS (harness/translate). Field names are the API's.

export interface ServicePort {
  name?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
  port: number;
  /** A number, or the name of a container port (resolved per endpoint through EndpointSlice ports). */
  targetPort?: number | string;
  appProtocol?: string;
}

export interface Service {
  apiVersion: "v1";
  kind: "Service";
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    type?: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: ("IPv4" | "IPv6")[];
    ports?: ServicePort[];
    selector?: Record<string, string>;
    sessionAffinity?: "None" | "ClientIP";
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    internalTrafficPolicy?: "Cluster" | "Local";
    publishNotReadyAddresses?: boolean;
    externalName?: string;
  };
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  nodeName?: string;
  zone?: string;
  hostname?: string;
  targetRef?: { kind: string; name: string; namespace?: string };
}

export interface EndpointPort {
  name?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice {
  apiVersion: "discovery.k8s.io/v1";
  kind: "EndpointSlice";
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  addressType: "IPv4" | "IPv6" | "FQDN";
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** Set on slices the harness writes, so that an EndpointSlice controller (kind, existing) leaves them alone. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const MANAGED_BY_XDSC = "xdsc.harness";

export interface SliceEndpoint {
  ip: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  nodeName?: string;
  podName?: string;
}

/** An IPv4 EndpointSlice for service (default: all endpoints ready and serving). */
export function endpointSliceFor(
  service: Service,
  endpoints: SliceEndpoint[],
  ports: EndpointPort[],
  sliceName = `${service.metadata.name}-xdsc`,
): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: sliceName,
      namespace: service.metadata.namespace ?? "default",
      labels: { [SERVICE_NAME_LABEL]: service.metadata.name, [MANAGED_BY_LABEL]: MANAGED_BY_XDSC },
    },
    addressType: "IPv4",
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.podName
        ? { targetRef: { kind: "Pod", name: e.podName, namespace: service.metadata.namespace ?? "default" } }
        : {}),
    })),
    ports,
  };
}
