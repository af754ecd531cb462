import { fixtureTable } from './helpers.js';

fixtureTable('statefulset', [
  { file: 'ready.yaml', state: 'ready', message: 'StatefulSet infra/infra-valkey-primary: 1 of 1 replicas ready' },
  { file: 'rolling.yaml', state: 'progressing', message: 'rolling out revision infra-valkey-replicas-6c9e8d7a1: 1 of 3 replicas updated' },
  { file: 'partition.yaml', state: 'ready', message: 'partitioned rollout done' },
  { file: 'on-delete.yaml', state: 'ready', message: 'OnDelete' },
  { file: 'crashloop.yaml', state: 'failed', message: ['0 of 1 replicas ready', 'Pod infra-valkey-primary-0: container valkey: CrashLoopBackOff', 'FATAL CONFIG FILE ERROR'] },
  { file: 'creating.yaml', state: 'progressing', message: ['1 of 3 replicas created', 'unbound immediate PersistentVolumeClaims'] },
]);
