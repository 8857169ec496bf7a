#!/usr/bin/env node
// Entry point of the `linewatch` command. ORT telemetry is off on gateways (no phoning home).
process.env.ORT_DISABLE_TELEMETRY ??= '1';
// A reader that stops early (`linewatch run --once | head`, `linewatch eval | head -1`) closes the
// pipe: that ends the command quietly, as for any Unix tool, instead of an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
