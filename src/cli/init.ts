/** `linewatch init`: writes the annotated starter configuration (Modbus or OPC UA); never overwrites a file. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { reportError } from './report-error.js';
import { starterConfig, type StarterProtocol } from './starter-config.js';
import { UsageError } from './usage.js';

export function initCommand(opts: { out: string; protocol: StarterProtocol }): number {
  const out = resolve(opts.out);
  try {
    writeFileSync(out, starterConfig(opts.protocol), { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      return reportError(new UsageError(`--out ${opts.out}: the file exists; linewatch init does not overwrite it`));
    if (code === 'ENOENT') return reportError(new UsageError(`--out ${opts.out}: no such folder`));
    return reportError(new UsageError(`--out ${opts.out}: cannot write (${code ?? (err as Error).message})`));
  }
  process.stdout.write(`wrote ${out}\n  next: linewatch validate --config ${opts.out}\n`);
  return 0;
}
