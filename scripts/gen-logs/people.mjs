// Names, addresses and hosts the dialects draw from (all ASCII, all in documentation ranges:
// example.* domains, 10/8 and 192.0.2/24, 198.51.100/24, 203.0.113/24 addresses).
export const FIRST = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj',
  'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yolanda', 'zoe', 'marco', 'sara', 'luca',
];
export const LOCAL_DOMAIN = 'example.com';
export const REMOTE_DOMAINS = ['example.org', 'example.net', 'partner.example', 'shop.example', 'news.example.org', 'bank.example'];

/** An account of the server: one of the named users or `userN`. */
export function account(rng) {
  return rng.chance(0.6) ? rng.pick(FIRST) : `user${rng.range(100, 4999)}`;
}
export function localAddress(rng) {
  return `${account(rng)}@${LOCAL_DOMAIN}`;
}
export function remoteAddress(rng) {
  return `${rng.pick(['info', 'news', 'billing', 'noreply', 'support', rng.pick(FIRST)])}@${rng.pick(REMOTE_DOMAINS)}`;
}
/** A client address inside the organisation's network. */
export function clientIp(rng) {
  return `10.0.${rng.int(8)}.${rng.range(2, 250)}`;
}
/** An address on the internet (documentation ranges). */
export function remoteIp(rng) {
  return `${rng.chance(0.5) ? '198.51.100' : '203.0.113'}.${rng.range(2, 250)}`;
}
export function port(rng) {
  return rng.range(1025, 65000);
}
