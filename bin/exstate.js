#!/usr/bin/env node
// Launcher: runs the TypeScript sources through tsx so `npx exstate` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/ops/cli.ts');
