import { isIP } from 'node:net';

/**
 * Whether `host` names this machine's loopback interface: `localhost`, an IPv4 address in
 * 127.0.0.0/8, or `::1` (bracketed or not, and as an IPv4-mapped 127.x address). The one rule
 * for where heapdiff connects without `allowRemote`: an inspector gives full control of its
 * process, so anything else must be asked for.
 *
 * @example isLoopbackHost('127.0.0.1') // true
 */
export function isLoopbackHost(host: string): boolean {
  const bare = (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host).toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(bare);
  return false;
}
