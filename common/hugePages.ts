// Transparent huge pages for the memory of our Node processes (the language server, msglog).
//
// Indexing touches a lot of fresh memory: the record arrays of a 1 GB log are about 350 MB, and each
// first touch of a 4 KiB page is a page fault in which the kernel maps and zeroes it. On virtual
// machines a fault is costly: measured on the bench's host, 80 MB of new memory took 210–300 ms to
// fill, 15–40 ms when it came in 2 MiB pages, and page faults were 40 % of `msglog check`'s time.
// Linux gives huge pages to memory that asks for them (`madvise`, the usual setting) and Node's
// allocator never asks; glibc does when the tunable below is set, which has to be in the environment
// when the process starts. So we start our processes with it (the language client, `bin/msglog.js` for
// large inputs). Elsewhere (another OS, musl, huge pages `always` or `never`) nothing changes.

/** The glibc tunable (glibc 2.35+; older ones ignore it) that makes malloc ask for transparent huge pages. */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Where Linux says when it gives transparent huge pages: `always [madvise] never`, the setting in brackets. */
export const THP_SETTING_FILE = '/sys/kernel/mm/transparent_hugepage/enabled';

/** Set to 0 to start our processes as they are (no tunable added). */
export const HUGE_PAGES_OPT_OUT = 'MSGLOG_HUGE_PAGES';

/**
 * The variables to add to `env` so that a Node process started with them gets huge pages, or undefined
 * when there is nothing to add: not Linux, huge pages given without asking or never, already asked
 * for, or opted out. `read` reads a file as text (it may throw: no such setting).
 */
export function hugePagesEnv(env: Readonly<Record<string, string | undefined>>, platform: string, read: (path: string) => string): Record<string, string> | undefined {
  if (platform !== 'linux' || env[HUGE_PAGES_OPT_OUT] === '0') return undefined;
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (tunables.includes('glibc.malloc.hugetlb')) return undefined;
  let setting: string;
  try {
    setting = read(THP_SETTING_FILE);
  } catch {
    return undefined;
  }
  if (!setting.includes('[madvise]')) return undefined;
  return { GLIBC_TUNABLES: tunables === '' ? HUGE_PAGES_TUNABLE : `${tunables}:${HUGE_PAGES_TUNABLE}` };
}
