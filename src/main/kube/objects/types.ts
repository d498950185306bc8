/**
 * The shapes of the watched Kubernetes objects, narrowed from @kubernetes/client-node's generated
 * API types to exactly the fields Vigil reads: what Prometheus's discovery/kubernetes reads (the
 * role builders of discovery/kubernetes/roles) and what the kube-state series need (kubestate/),
 * so the field names stay honest against the API and `trim.ts` knows what to keep.
 *
 * The objects are the API's raw JSON, with one change: a timestamp (`creationTimestamp`,
 * `startTime`, ...) is kept as Unix seconds (`Time`, what metav1.Time's Unix() gives), not as its
 * RFC 3339 string. Resource quantities stay the API's strings (`"100m"`, `"8Gi"`). Every field is
 * optional, as JSON may omit any of them (Go's zero values apply: a missing string reads as "", a
 * missing number as 0). Pointer fields of Go's API structs (`nodeName` of an endpoint address, the
 * conditions of an EndpointSlice endpoint, `targetRef`, `http` of an ingress rule, a Deployment's
 * `replicas`, a PVC's `storageClassName`, ...) distinguish "absent" (undefined or null) from
 * "empty" ("" or {}), as Go does.
 */
import type {
  CoreV1EndpointPort,
  DiscoveryV1EndpointPort,
  V1Container,
  V1ContainerPort,
  V1ContainerStatus,
  V1DaemonSetStatus,
  V1DeploymentStatus,
  V1DaemonEndpoint,
  V1Endpoint,
  V1EndpointAddress,
  V1EndpointConditions,
  V1EndpointSlice,
  V1HTTPIngressPath,
  V1IngressRule,
  V1IngressSpec,
  V1IngressTLS,
  V1JobStatus,
  V1NodeAddress,
  V1NodeCondition,
  V1NodeSpec,
  V1NodeSystemInfo,
  V1ObjectMeta,
  V1ObjectReference,
  V1OwnerReference,
  V1PodCondition,
  V1PodSpec,
  V1PodStatus,
  V1ServicePort,
  V1ServiceSpec,
  V1StatefulSetStatus,
} from '@kubernetes/client-node';

/** Narrow keeps the keys K of an API type T, each optional (JSON may omit any field). */
export type Narrow<T, K extends keyof T> = { [P in K]?: T[P] | undefined };

/** StringMap is a JSON object of strings (metadata labels and annotations, topology). */
export type StringMap = Record<string, string>;

/** Time is a timestamp as Unix seconds (the trim parses the API's RFC 3339 string; Go's Unix()). */
export type Time = number;

/** ResourceList maps resource names to the API's quantity strings (`cpu: "250m"`). */
export type ResourceList = Record<string, string>;

/** OwnerReference is the part of an owner reference Vigil reads (GetControllerOf; kube_*_owner). */
export type OwnerReference = Narrow<V1OwnerReference, 'kind' | 'name' | 'controller'>;

/** ObjectMeta is the part of metadata the builders and the kube-state series read. */
export type ObjectMeta = Narrow<V1ObjectMeta, 'name' | 'namespace' | 'uid' | 'generation'> & {
  labels?: StringMap | undefined;
  annotations?: StringMap | undefined;
  ownerReferences?: OwnerReference[] | undefined;
  creationTimestamp?: Time | undefined;
};

/** KubeObject is any object with metadata. */
export interface KubeObject {
  metadata?: ObjectMeta | undefined;
}

/** ContainerPort is a port a container declares. */
export type ContainerPort = Narrow<V1ContainerPort, 'name' | 'containerPort' | 'protocol'>;

/** Container is a container or init container of a pod spec. */
export type Container = Narrow<V1Container, 'name' | 'image' | 'restartPolicy'> & {
  ports?: ContainerPort[] | undefined;
  resources?: { requests?: ResourceList | undefined; limits?: ResourceList | undefined } | undefined;
};

/** ContainerStateReason is a container state (waiting, terminated) with its reason. */
export interface ContainerStateReason {
  reason?: string | undefined;
}

/** ContainerState is which state a container is in (each present or not, as Go's pointers). */
export interface ContainerState {
  waiting?: ContainerStateReason | undefined;
  running?: Record<string, never> | undefined;
  terminated?: ContainerStateReason | undefined;
}

/** ContainerStatus is the part of a container status discovery (the ID) and the kube-state series read. */
export type ContainerStatus = Narrow<V1ContainerStatus, 'name' | 'containerID' | 'image' | 'imageID' | 'ready' | 'restartCount'> & {
  state?: ContainerState | undefined;
  lastState?: { terminated?: ContainerStateReason | undefined } | undefined;
};

/** PodCondition is a pod condition (Prometheus reads the `Ready` one). */
export type PodCondition = Narrow<V1PodCondition, 'type' | 'status'>;

/** Pod is a core/v1 Pod. */
export interface Pod extends KubeObject {
  spec?:
    | (Narrow<V1PodSpec, 'nodeName' | 'priorityClassName' | 'hostNetwork'> & {
        containers?: Container[] | undefined;
        initContainers?: Container[] | undefined;
      })
    | undefined;
  status?:
    | (Narrow<V1PodStatus, 'podIP' | 'hostIP' | 'phase'> & {
        startTime?: Time | undefined;
        conditions?: PodCondition[] | undefined;
        containerStatuses?: ContainerStatus[] | undefined;
        initContainerStatuses?: ContainerStatus[] | undefined;
      })
    | undefined;
}

/** NodeAddress is one address of a node's status. */
export type NodeAddress = Narrow<V1NodeAddress, 'type' | 'address'>;

/** NodeCondition is one condition of a node's status. */
export type NodeCondition = Narrow<V1NodeCondition, 'type' | 'status'>;

/** NodeInfo is the part of a node's system info kube_node_info reads. */
export type NodeInfo = Narrow<V1NodeSystemInfo, 'kernelVersion' | 'osImage' | 'containerRuntimeVersion' | 'kubeletVersion' | 'systemUUID'>;

/** Node is a core/v1 Node. Note the kubelet endpoint's JSON key `Port` (capitalised in the API). */
export interface Node extends KubeObject {
  spec?: Narrow<V1NodeSpec, 'providerID' | 'podCIDR' | 'unschedulable'> | undefined;
  status?:
    | {
        addresses?: NodeAddress[] | undefined;
        conditions?: NodeCondition[] | undefined;
        daemonEndpoints?: { kubeletEndpoint?: Narrow<V1DaemonEndpoint, 'Port'> | undefined } | undefined;
        capacity?: ResourceList | undefined;
        allocatable?: ResourceList | undefined;
        nodeInfo?: NodeInfo | undefined;
      }
    | undefined;
}

/** ServicePort is one port of a service spec. */
export type ServicePort = Narrow<V1ServicePort, 'name' | 'port' | 'protocol'>;

/** Service is a core/v1 Service. */
export interface Service extends KubeObject {
  spec?:
    | (Narrow<V1ServiceSpec, 'type' | 'clusterIP' | 'externalName' | 'loadBalancerIP' | 'ipFamilyPolicy' | 'externalTrafficPolicy'> & {
        ports?: ServicePort[] | undefined;
        ipFamilies?: string[] | undefined;
      })
    | undefined;
}

/** ObjectReference is the target reference of an endpoint address. */
export type ObjectReference = Narrow<V1ObjectReference, 'kind' | 'name' | 'namespace'>;

/** EndpointAddress is one (ready or not ready) address of an Endpoints subset. */
export type EndpointAddress = Narrow<V1EndpointAddress, 'ip' | 'hostname' | 'nodeName'> & {
  targetRef?: ObjectReference | null | undefined;
};

/** EndpointPort is one port of an Endpoints subset. */
export type EndpointPort = Narrow<CoreV1EndpointPort, 'name' | 'port' | 'protocol'>;

/** EndpointSubset is one subset of an Endpoints object. */
export interface EndpointSubset {
  addresses?: EndpointAddress[] | undefined;
  notReadyAddresses?: EndpointAddress[] | undefined;
  ports?: EndpointPort[] | undefined;
}

/** Endpoints is a core/v1 Endpoints (deprecated by Kubernetes v1.33 in favour of EndpointSlice). */
export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[] | undefined;
}

/** EndpointConditions are an EndpointSlice endpoint's conditions (each may be absent). */
export type EndpointConditions = { [K in keyof V1EndpointConditions]?: boolean | null | undefined };

/** SliceEndpoint is one endpoint of an EndpointSlice. */
export type SliceEndpoint = { [K in 'hostname' | 'nodeName' | 'zone']?: V1Endpoint[K] | null | undefined } & {
  addresses?: string[] | undefined;
  conditions?: EndpointConditions | undefined;
  targetRef?: ObjectReference | null | undefined;
  deprecatedTopology?: StringMap | null | undefined;
};

/** SlicePort is one port of an EndpointSlice (every field may be absent). */
export type SlicePort = { [K in keyof DiscoveryV1EndpointPort]?: DiscoveryV1EndpointPort[K] | null | undefined };

/** EndpointSlice is a discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  addressType?: V1EndpointSlice['addressType'] | undefined;
  ports?: SlicePort[] | undefined;
  endpoints?: SliceEndpoint[] | undefined;
}

/** IngressPath is one HTTP path of an ingress rule. */
export type IngressPath = Narrow<V1HTTPIngressPath, 'path'>;

/** IngressRule is one rule of an ingress; `http` absent means "no paths given" (path `/`). */
export type IngressRule = Narrow<V1IngressRule, 'host'> & {
  http?: { paths?: IngressPath[] | undefined } | null | undefined;
};

/** IngressTLS is one TLS entry of an ingress. */
export type IngressTLS = Narrow<V1IngressTLS, 'hosts'>;

/** Ingress is a networking.k8s.io/v1 Ingress. */
export interface Ingress extends KubeObject {
  spec?:
    | (Narrow<V1IngressSpec, 'ingressClassName'> & {
        rules?: IngressRule[] | undefined;
        tls?: IngressTLS[] | undefined;
      })
    | undefined;
}

/** Namespace is a core/v1 Namespace. */
export interface Namespace extends KubeObject {
  status?: { phase?: string | undefined } | undefined;
}

/** ReplicaSet is an apps/v1 ReplicaSet (its controller names the pod's Deployment). */
export type ReplicaSet = KubeObject;

/** Condition is a status condition of a workload (type, status, reason). */
export interface Condition {
  type?: string | undefined;
  status?: string | undefined;
  reason?: string | undefined;
}

/** Job is a batch/v1 Job (its controller names the pod's CronJob). */
export interface Job extends KubeObject {
  status?:
    | (Narrow<V1JobStatus, 'active' | 'succeeded' | 'failed'> & {
        startTime?: Time | undefined;
        completionTime?: Time | undefined;
        conditions?: Condition[] | undefined;
      })
    | undefined;
}

/** Deployment is an apps/v1 Deployment. */
export interface Deployment extends KubeObject {
  spec?: { replicas?: number | null | undefined; paused?: boolean | undefined } | undefined;
  status?:
    | (Narrow<V1DeploymentStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas' | 'updatedReplicas' | 'observedGeneration'> & {
        conditions?: Condition[] | undefined;
      })
    | undefined;
}

/** StatefulSet is an apps/v1 StatefulSet. */
export interface StatefulSet extends KubeObject {
  spec?: { replicas?: number | null | undefined } | undefined;
  status?: Narrow<V1StatefulSetStatus, 'replicas' | 'availableReplicas' | 'currentReplicas' | 'readyReplicas' | 'updatedReplicas' | 'observedGeneration' | 'currentRevision' | 'updateRevision'> | undefined;
}

/** DaemonSet is an apps/v1 DaemonSet. */
export interface DaemonSet extends KubeObject {
  status?:
    | Narrow<V1DaemonSetStatus, 'currentNumberScheduled' | 'desiredNumberScheduled' | 'numberAvailable' | 'numberMisscheduled' | 'numberReady' | 'numberUnavailable' | 'observedGeneration' | 'updatedNumberScheduled'>
    | undefined;
}

/** PersistentVolumeClaim is a core/v1 PersistentVolumeClaim (metadata keeps only the beta storage-class annotation). */
export interface PersistentVolumeClaim extends KubeObject {
  spec?:
    | {
        storageClassName?: string | null | undefined;
        volumeName?: string | undefined;
        volumeMode?: string | null | undefined;
        accessModes?: string[] | undefined;
        resources?: { requests?: ResourceList | undefined } | undefined;
      }
    | undefined;
  status?: { phase?: string | undefined } | undefined;
}
