/**
 * The workload families of kube-state-metrics v2.18.0 that Vigil writes, in KSM's order:
 * deployments (`namespace`, `deployment`), statefulsets (`namespace`, `statefulset`), daemonsets
 * (`namespace`, `daemonset`), replicasets (`namespace`, `replicaset`) and jobs (`namespace`,
 * `job_name`).
 */
import type { DaemonSet, Deployment, Job, KubeObject, ReplicaSet, StatefulSet } from '../kube/objects/types';
import { label } from './exposition';
import { boolValue, conditionSeries, created, family, gauge, owners, type Family, type Resource } from './family';

/** count reads a status count (Go's int32 zero value when absent). */
function count<T>(get: (o: T) => number | undefined): (o: T) => number {
  return (o) => get(o) ?? 0;
}

/** namespaced is the base labels `namespace` and the object's name as `key`. */
function namespaced<T extends KubeObject>(key: string): (o: T) => string {
  return (o) => `${label('namespace', o.metadata?.namespace)},${label(key, o.metadata?.name)}`;
}

const generation = 'Sequence number representing a specific generation of the desired state.';

/** DEPLOYMENT_REASONS are the condition reasons KSM keeps; any other becomes `unknown`. */
const DEPLOYMENT_REASONS = new Set(['ReplicaSetUpdated', 'ReplicaSetCreateError', 'NewReplicaSetCreated', 'FoundNewReplicaSet', 'NewReplicaSetAvailable', 'ProgressDeadlineExceeded', 'DeploymentPaused', 'DeploymentResumed', 'MinimumReplicasAvailable', 'MinimumReplicasUnavailable', '']);

/** DEPLOYMENTS is the `deployments` resource. */
export const DEPLOYMENTS: Resource<Deployment> = {
  name: 'deployments',
  kind: 'deployment',
  base: namespaced('deployment'),
  families: [
    created<Deployment>('kube_deployment_created'),
    gauge<Deployment>('kube_deployment_status_replicas', 'The number of replicas per deployment.', count((d) => d.status?.replicas)),
    gauge<Deployment>('kube_deployment_status_replicas_ready', 'The number of ready replicas per deployment.', count((d) => d.status?.readyReplicas)),
    gauge<Deployment>('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', count((d) => d.status?.availableReplicas)),
    gauge<Deployment>('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', count((d) => d.status?.unavailableReplicas)),
    gauge<Deployment>('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', count((d) => d.status?.updatedReplicas)),
    gauge<Deployment>('kube_deployment_status_observed_generation', 'The generation observed by the deployment controller.', count((d) => d.status?.observedGeneration)),
    family<Deployment>({
      name: 'kube_deployment_status_condition',
      help: 'The current status conditions of a deployment.',
      series(d, w) {
        for (const c of d.status?.conditions ?? []) {
          const reason = DEPLOYMENT_REASONS.has(c.reason ?? '') ? (c.reason ?? '') : 'unknown';
          conditionSeries(w, `${label('reason', reason)},${label('condition', c.type)},`, 'status', c.status);
        }
      },
    }),
    // The API server defaults spec.replicas to 1, so KSM (which dereferences it) always has one.
    gauge<Deployment>('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (d) => d.spec?.replicas ?? 1),
    gauge<Deployment>('kube_deployment_spec_paused', 'Whether the deployment is paused and will not be processed by the deployment controller.', (d) => boolValue(d.spec?.paused)),
    gauge<Deployment>('kube_deployment_metadata_generation', generation, count((d) => d.metadata?.generation)),
  ],
};

/** STATEFULSETS is the `statefulsets` resource. */
export const STATEFULSETS: Resource<StatefulSet> = {
  name: 'statefulsets',
  kind: 'statefulset',
  base: namespaced('statefulset'),
  families: [
    created<StatefulSet>('kube_statefulset_created'),
    gauge<StatefulSet>('kube_statefulset_status_replicas', 'The number of replicas per StatefulSet.', count((s) => s.status?.replicas)),
    gauge<StatefulSet>('kube_statefulset_status_replicas_available', 'The number of available replicas per StatefulSet.', count((s) => s.status?.availableReplicas)),
    gauge<StatefulSet>('kube_statefulset_status_replicas_current', 'The number of current replicas per StatefulSet.', count((s) => s.status?.currentReplicas)),
    gauge<StatefulSet>('kube_statefulset_status_replicas_ready', 'The number of ready replicas per StatefulSet.', count((s) => s.status?.readyReplicas)),
    gauge<StatefulSet>('kube_statefulset_status_replicas_updated', 'The number of updated replicas per StatefulSet.', count((s) => s.status?.updatedReplicas)),
    gauge<StatefulSet>('kube_statefulset_status_observed_generation', 'The generation observed by the StatefulSet controller.', count((s) => s.status?.observedGeneration)),
    gauge<StatefulSet>('kube_statefulset_replicas', 'Number of desired pods for a StatefulSet.', (s) => s.spec?.replicas),
    gauge<StatefulSet>('kube_statefulset_metadata_generation', 'Sequence number representing a specific generation of the desired state for the StatefulSet.', count((s) => s.metadata?.generation)),
    family<StatefulSet>({
      name: 'kube_statefulset_status_current_revision',
      help: 'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).',
      series: (s, w) => w.add(label('revision', s.status?.currentRevision), 1),
    }),
    family<StatefulSet>({
      name: 'kube_statefulset_status_update_revision',
      help: 'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)',
      series: (s, w) => w.add(label('revision', s.status?.updateRevision), 1),
    }),
  ],
};

/** DAEMONSETS is the `daemonsets` resource. */
export const DAEMONSETS: Resource<DaemonSet> = {
  name: 'daemonsets',
  kind: 'daemonset',
  base: namespaced('daemonset'),
  families: [
    created<DaemonSet>('kube_daemonset_created'),
    gauge<DaemonSet>('kube_daemonset_status_current_number_scheduled', 'The number of nodes running at least one daemon pod and are supposed to.', count((d) => d.status?.currentNumberScheduled)),
    gauge<DaemonSet>('kube_daemonset_status_desired_number_scheduled', 'The number of nodes that should be running the daemon pod.', count((d) => d.status?.desiredNumberScheduled)),
    gauge<DaemonSet>('kube_daemonset_status_number_available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available', count((d) => d.status?.numberAvailable)),
    gauge<DaemonSet>('kube_daemonset_status_number_misscheduled', 'The number of nodes running a daemon pod but are not supposed to.', count((d) => d.status?.numberMisscheduled)),
    gauge<DaemonSet>('kube_daemonset_status_number_ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', count((d) => d.status?.numberReady)),
    gauge<DaemonSet>('kube_daemonset_status_number_unavailable', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available', count((d) => d.status?.numberUnavailable)),
    gauge<DaemonSet>('kube_daemonset_status_observed_generation', 'The most recent generation observed by the daemon set controller.', count((d) => d.status?.observedGeneration)),
    gauge<DaemonSet>('kube_daemonset_status_updated_number_scheduled', 'The total number of nodes that are running updated daemon pod', count((d) => d.status?.updatedNumberScheduled)),
    gauge<DaemonSet>('kube_daemonset_metadata_generation', generation, count((d) => d.metadata?.generation)),
  ],
};

/** REPLICASETS is the `replicasets` resource (its owner, which joins pods to Deployments). */
export const REPLICASETS: Resource<ReplicaSet> = {
  name: 'replicasets',
  kind: 'replicaset',
  base: namespaced('replicaset'),
  families: [owners<ReplicaSet>('kube_replicaset_owner', "Information about the ReplicaSet's owner.", true)],
};

/** JOB_FAILURE_REASONS are the Failed-condition reasons kube_job_status_failed spells out. */
const JOB_FAILURE_REASONS = ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'];

/** jobCondition is kube_job_complete / kube_job_failed: true/false/unknown for each condition of the type. */
function jobCondition(name: string, help: string, type: string): Family<Job> {
  return family<Job>({
    name,
    help,
    series(j, w) {
      for (const c of j.status?.conditions ?? []) if (c.type === type) conditionSeries(w, '', 'condition', c.status);
    },
  });
}

/** JOBS is the `jobs` resource. */
export const JOBS: Resource<Job> = {
  name: 'jobs',
  kind: 'job',
  base: namespaced('job_name'),
  families: [
    gauge<Job>('kube_job_info', 'Information about job.', () => 1),
    created<Job>('kube_job_created'),
    gauge<Job>('kube_job_status_succeeded', 'The number of pods which reached Phase Succeeded.', count((j) => j.status?.succeeded)),
    family<Job>({
      name: 'kube_job_status_failed',
      help: 'The number of pods which reached Phase Failed and the reason for failure.',
      series(j, w) {
        const failed = j.status?.failed ?? 0;
        if (failed === 0) {
          w.add('', 0);
          return;
        }
        let known = false;
        for (const c of j.status?.conditions ?? []) {
          if (c.type !== 'Failed') continue;
          for (const r of JOB_FAILURE_REASONS) {
            known ||= c.reason === r;
            w.add(`reason="${r}"`, c.reason === r ? 1 : 0);
          }
        }
        if (!known) w.add('reason=""', failed);
      },
    }),
    gauge<Job>('kube_job_status_active', 'The number of actively running pods.', count((j) => j.status?.active)),
    jobCondition('kube_job_complete', 'The job has completed its execution.', 'Complete'),
    jobCondition('kube_job_failed', 'The job has failed its execution.', 'Failed'),
    gauge<Job>('kube_job_status_start_time', 'StartTime represents time when the job was acknowledged by the Job Manager.', (j) => j.status?.startTime),
    gauge<Job>('kube_job_status_completion_time', 'CompletionTime represents time when the job was completed.', (j) => j.status?.completionTime),
    owners<Job>('kube_job_owner', "Information about the Job's owner.", true),
  ],
};
