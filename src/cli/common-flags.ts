import type { ValueOptions } from '../values/options.js';
import { flagList, flagString, type FlagSpec, type ParsedArgs } from './args.js';

export const valueFlags: FlagSpec[] = [
  { name: 'values', short: 'f', type: 'list', valueName: 'FILE', description: 'Values file (YAML); later files win; "-" reads stdin' },
  { name: 'set', type: 'list', valueName: 'K=V', description: 'Set values (a.b=1,c[0]=x), typed as Helm does' },
  { name: 'set-string', type: 'list', valueName: 'K=V', description: 'Set values as strings' },
  { name: 'set-file', type: 'list', valueName: 'K=PATH', description: "Set a value to a file's content" },
  { name: 'set-json', type: 'list', valueName: 'K=JSON', description: 'Set a value to JSON' },
  { name: 'set-literal', type: 'list', valueName: 'K=V', description: 'Set a literal string value (no parsing)' },
];

export const namespaceFlag: FlagSpec = { name: 'namespace', short: 'n', type: 'string', valueName: 'NS', default: 'default', description: 'Namespace of the release' };

export function valueOptionsFrom(args: ParsedArgs): ValueOptions {
  return {
    valueFiles: flagList(args, 'values'),
    values: flagList(args, 'set'),
    stringValues: flagList(args, 'set-string'),
    fileValues: flagList(args, 'set-file'),
    jsonValues: flagList(args, 'set-json'),
    literalValues: flagList(args, 'set-literal'),
  };
}

export function namespaceFrom(args: ParsedArgs): string {
  return flagString(args, 'namespace') ?? 'default';
}
