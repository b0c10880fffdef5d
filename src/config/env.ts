// Environment loading: `.env` in the working directory is read by every entry point; variables
// already in the real environment win. A profile file (e.g. the embedded demo) fills only what
// neither sets.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/** The variables an operator's files (`.env`, a profile) set, attached to a loaded environment. */
const FROM_FILES = Symbol.for('exstate.env.fromFiles');

export function variablesFromFiles(env: Env): ReadonlySet<string> {
  return ((env as Record<symbol, unknown>)[FROM_FILES] as Set<string> | undefined) ?? new Set(Object.keys(env));
}

export function loadEnvironment(options: { cwd?: string; profile?: string } = {}): Env {
  const cwd = options.cwd ?? process.cwd();
  const merged: Env = {};
  const fromFiles = new Set<string>();
  if (options.profile) {
    if (!existsSync(options.profile)) throw new ConfigError('--profile', options.profile, 'no such file');
    const profile = parse(readFileSync(options.profile, 'utf8'));
    Object.assign(merged, profile);
    for (const k of Object.keys(profile)) fromFiles.add(k);
  }
  const dotenv = `${cwd}/.env`;
  if (existsSync(dotenv)) {
    const file = parse(readFileSync(dotenv, 'utf8'));
    Object.assign(merged, file);
    for (const k of Object.keys(file)) fromFiles.add(k);
  }
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) merged[k] = v;
  Object.defineProperty(merged, FROM_FILES, { value: fromFiles, enumerable: false });
  return merged;
}
