// Environment loading: `.env` in the working directory is read by every entry point; variables
// already in the real environment win. A profile file (e.g. the embedded demo) fills only what
// neither sets.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

export type Env = Record<string, string | undefined>;

export function loadEnvironment(options: { cwd?: string; profile?: string } = {}): Env {
  const cwd = options.cwd ?? process.cwd();
  const merged: Env = {};
  if (options.profile) Object.assign(merged, parse(readFileSync(options.profile, 'utf8')));
  const dotenv = `${cwd}/.env`;
  if (existsSync(dotenv)) Object.assign(merged, parse(readFileSync(dotenv, 'utf8')));
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) merged[k] = v;
  return merged;
}
