import type { CommandSpec } from '../args.js';
export const lintCommand: CommandSpec = { path: ['lint'], summary: 'placeholder', positionals: [], flags: [], run: () => 0 };
