#!/usr/bin/env node
// The `digest` command. TypeScript sources run through tsx, so a clone works
// right after `npm install` with no build step and never runs stale output.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
