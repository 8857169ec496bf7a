/**
 * A value as one word a POSIX shell reads back unchanged, for a command line that linewatch prints for the user to
 * paste (`--channels 'Volume Flow RateRMS,Pressure'`): as it is when it holds only characters no shell treats
 * specially, else in single quotes (a quote inside written '\'').
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
