#!/usr/bin/env node
// Entry point of the `linewatch` command. ORT telemetry is off on gateways (no phoning home).
process.env.ORT_DISABLE_TELEMETRY ??= '1';
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
