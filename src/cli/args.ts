import { UserError } from '../core/errors.js';
import { closest } from '../schema/validate.js';

export interface FlagSpec {
  name: string;
  short?: string;
  /** 'string' takes a value; 'list' takes a value and may repeat; 'bool' takes none. */
  type: 'string' | 'list' | 'bool';
  description: string;
  valueName?: string;
  default?: string | boolean;
}

export interface CommandSpec {
  /** e.g. ['show', 'values'] */
  path: string[];
  summary: string;
  positionals: { name: string; description: string; optional?: boolean }[];
  flags: FlagSpec[];
  examples?: string[];
  run(args: ParsedArgs): Promise<number> | number;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}
export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : [];
}
export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** Parses flags the way Helm's (cobra/pflag) CLI accepts them: --x v, --x=v, -x v, -xv, repeated lists. */
export function parseArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  for (const f of spec.flags) if (f.type === 'list') flags[f.name] = [];
    else if (f.default !== undefined) flags[f.name] = f.default;
  const positionals: string[] = [];
  const command = `inferctl ${spec.path.join(' ')}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let flag: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      flag = spec.flags.find((f) => f.name === name);
      if (!flag && name.startsWith('no-')) {
        const negated = spec.flags.find((f) => f.name === name.slice(3) && f.type === 'bool');
        if (negated) {
          flags[negated.name] = false;
          continue;
        }
      }
      if (!flag) {
        const guess = closest(name, spec.flags.map((f) => f.name));
        throw new UserError(`${command}: unknown flag --${name}${guess ? `; did you mean --${guess}?` : ''} Run "${command} --help" for the flags it accepts.`);
      }
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const short = arg[1];
      flag = spec.flags.find((f) => f.short === short);
      if (!flag) throw new UserError(`${command}: unknown shorthand flag -${short} in "${arg}". Run "${command} --help" for the flags it accepts.`);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (flag.type === 'bool') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) {
        throw new UserError(`${command}: flag --${flag.name} takes true or false, got "${inline}".`);
      }
      flags[flag.name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UserError(`${command}: flag --${flag.name} needs a value (${flag.valueName ?? 'VALUE'}).`);
      value = argv[++i];
    }
    if (flag.type === 'list') (flags[flag.name] as string[]).push(value);
    else flags[flag.name] = value;
  }
  const required = spec.positionals.filter((p) => !p.optional);
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((p) => p.name).join(' ');
    throw new UserError(`${command}: missing ${missing}. Usage: ${usageLine(spec)}`);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UserError(`${command}: unexpected argument "${positionals[spec.positionals.length]}". Usage: ${usageLine(spec)}`);
  }
  return { positionals, flags };
}

export function usageLine(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ');
  return `inferctl ${spec.path.join(' ')}${pos ? ` ${pos}` : ''}${spec.flags.length ? ' [flags]' : ''}`;
}

export function helpText(spec: CommandSpec): string {
  const lines = [spec.summary, '', `Usage:\n  ${usageLine(spec)}`];
  if (spec.positionals.length) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)}${p.description}`);
  }
  if (spec.flags.length) {
    lines.push('', 'Flags:');
    for (const f of spec.flags) {
      const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'bool' ? '' : ` ${f.valueName ?? 'VALUE'}`}`;
      // As pflag prints them: strings quoted, durations, numbers and booleans bare.
      const bare = typeof f.default === 'boolean' || f.valueName === 'DURATION' || f.valueName === 'N';
      const shown = f.default === undefined || f.default === false ? '' : ` (default ${bare ? f.default : JSON.stringify(f.default)})`;
      lines.push(`  ${names.padEnd(32)}${f.description}${f.type === 'list' ? ' (repeatable)' : ''}${shown}`);
    }
  }
  lines.push(`      --help${' '.repeat(22)}Show this help`);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
