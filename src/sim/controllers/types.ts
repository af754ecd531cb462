/**
 * What every scripted controller gets: a client that goes through the same API rules as HTTP
 * requests (with its own field manager), scaled timers, the failure-injection scripts and an
 * event recorder. Controllers react to store events delivered after the request that caused
 * them has finished, like informers.
 */
import type { K8sObject } from '../../core/object.js';
import type { ApiServer } from '../api.js';
import type { ResourceRegistry } from '../resources.js';
import type { Scripts } from '../scripts.js';
import type { Store, StoreEvent } from '../store.js';
import type { LoopbackBackends } from '../loopback.js';
import type { Client } from './client.js';
import type { EventRecorder } from './events.js';

/** Delays in milliseconds at speed 1. Every delay is divided by the simulator's speed. */
export interface Timing {
  /** Pending -> bound to a node. */
  podScheduleMs: number;
  /** ContainerCreating -> Running (image pulled, containers started). */
  podStartMs: number;
  /** Running -> Ready (readiness probe passes). */
  podReadyMs: number;
  /**
   * Multiplies a terminating pod's grace period (deletionGracePeriodSeconds, from
   * spec.terminationGracePeriodSeconds, default 30 s): the kubelet removes the pod when it ends.
   */
  terminationGraceScale: number;
  /** A Job pod's run time before it succeeds or fails. */
  jobRunMs: number;
  /** Time between restarts of a crash-looping container. */
  crashLoopRestartMs: number;
  /** ErrImagePull -> ImagePullBackOff. */
  imagePullBackoffMs: number;
  /** CRD names accepted -> Established and served (discovery, REST). */
  crdEstablishMs: number;
  /** PVC -> Bound. */
  pvcBindMs: number;
  /** LoadBalancer Service -> ingress IP. */
  loadBalancerMs: number;
  /** Operators (CNPG, Envoy Gateway, Knative, KServe): dependencies ready -> resource Ready. */
  operatorMs: number;
  /** Multiplies Deployment progressDeadlineSeconds (600s is too long for tests; 0.001 makes it 600ms). */
  deadlineScale: number;
}

export const DEFAULT_TIMING: Timing = {
  podScheduleMs: 5,
  podStartMs: 20,
  podReadyMs: 20,
  terminationGraceScale: 1,
  jobRunMs: 30,
  crashLoopRestartMs: 40,
  imagePullBackoffMs: 20,
  crdEstablishMs: 1000,
  pvcBindMs: 10,
  loadBalancerMs: 10,
  operatorMs: 20,
  deadlineScale: 1,
};

export interface ControllerContext {
  api: ApiServer;
  store: Store;
  registry: ResourceRegistry;
  scripts: Scripts;
  timing: Timing;
  /** A client whose writes carry this field manager. */
  client(manager: string): Client;
  /** Runs fn after ms (scaled by speed); cancelled when the simulator stops. Returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  events: EventRecorder;
  /** Per-pod log text served at pods/<name>/log. */
  podLogs: Map<string, string>;
  /** Asks every controller to look at everything again (after a script or config change). */
  resyncAll(): void;
  /** The simulator's own URL (http://127.0.0.1:PORT), for programs that talk to the API. */
  apiUrl(): string;
  /** Pod ports the simulator serves on 127.0.0.1 (cluster DNS sends Service traffic there). */
  backends: LoopbackBackends;
  /** A line for the person running the simulator (the standalone prints it). */
  notice(message: string): void;
}

export interface Controller {
  readonly name: string;
  /** Called once with the context before any event. */
  start(ctx: ControllerContext): void;
  /** Every store change, delivered after the request that made it. */
  onEvent?(e: StoreEvent): void;
  /** Re-examine all objects of interest (script changes, timers). */
  resync?(): void;
  stop?(): void;
}

export type ObjectRef = Pick<K8sObject, 'apiVersion' | 'kind'> & { metadata: { name: string; namespace?: string; uid?: unknown } };
