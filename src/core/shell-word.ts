/**
 * A value as one word a POSIX shell reads back unchanged, for a command line that linewatch prints for the user to
 * paste (`--channels 'Volume Flow RateRMS,Pressure'`): as it is when it holds only characters no shell treats
 * specially, else in single quotes (a quote inside written '\'').
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Command-line arguments as one line a POSIX shell splits back into the same arguments (each a shellWord). */
export function commandLine(args: readonly string[]): string {
  return args.map(shellWord).join(' ');
}
