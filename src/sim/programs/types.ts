/**
 * A program the simulator can really run in place of a Job container's image: the container's
 * Python script with this machine's python3, Envoy Gateway's certgen re-implemented, and so on.
 * The job-programs controller picks the first program that matches a Job pod's container.
 */
import type { K8sObject } from '../../core/object.js';
import type { ControllerContext } from '../controllers/types.js';

export type Container = Record<string, any>;

export interface ProgramRun {
  pod: K8sObject;
  container: Container;
  /** The container's environment, resolved as the kubelet does (secrets included: never log it). */
  env: Record<string, string>;
  /** command + args with $(VAR) expanded. */
  argv: string[];
  ctx: ControllerContext;
  /** Aborted when the pod is deleted or the simulator stops. */
  signal: AbortSignal;
  /** Appends to the container's log (`kubectl logs`). */
  log(text: string): void;
}

export interface ContainerProgram {
  readonly name: string;
  /** Whether this is what the container runs, judged from the pod spec before it starts. */
  matches(pod: K8sObject, container: Container): boolean;
  /** Runs to completion; resolves to the container's exit code. */
  run(r: ProgramRun): Promise<number>;
}
