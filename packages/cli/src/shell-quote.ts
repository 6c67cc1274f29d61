/**
 * An argument as a POSIX shell reads it back unchanged: as it is when it holds only characters
 * no shell treats specially, else in single quotes (a quote inside as '\''). For the commands
 * heapdiff prints for a person to paste ("to look again: heapdiff leaks …").
 *
 * @example shellQuoted('/tmp/my snaps') // "'/tmp/my snaps'"
 */
export function shellQuoted(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
