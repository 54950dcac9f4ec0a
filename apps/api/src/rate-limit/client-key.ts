import { isIPv4, isIPv6 } from 'node:net';

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const missing = 8 - headParts.length - tailParts.length;
  return [...headParts, ...Array.from({ length: Math.max(missing, 0) }, () => '0'), ...tailParts];
}

/**
 * The key rate limits count a client under. IPv4 as is (also when written as
 * an IPv4-mapped IPv6 address); IPv6 by its /64 prefix, because one client
 * usually holds a whole /64 and could otherwise take a fresh address per try.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip.split('%')[0] ?? ip).map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${groups.slice(0, 4).join(':')}::/64`;
}
