/**
 * Xen's own boot messages (`xm dmesg` / `xl dmesg`), for the fact old `info`
 * outputs lack: the hypervisor command line (`xen_commandline` appears in xm 4.0
 * and xl 4.1). Without it, a Xen 3.0.3 booted with `sched=sedf` looks like a
 * credit host, and `dom0_mem=` is unknown.
 *
 * The line comes from `__start_xen` (`printk("Command line: %s\n", ...)`,
 * xen-project/xen `xen/arch/x86/setup.c`). The console ring is small (16 KiB by
 * default), so on a host that has been up for long it may be gone; then the
 * command line stays unknown, never guessed.
 *
 * Pure; never throws.
 */

/** `(XEN) `, optionally followed by a timestamp `[2024-05-01 12:00:00.123]` (console_timestamps). */
const PREFIX = /^\s*(?:\(XEN\)\s*)?(?:\[[^\]]*\]\s*)?/;

/** The first "Command line:" of the boot messages, trimmed; undefined when the ring no longer holds it. */
export function xenCommandLineFromDmesg(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(PREFIX, '');
    const cmd = /^Command line:\s?(.*)$/.exec(line);
    if (cmd) return (cmd[1] ?? '').trim();
  }
  return undefined;
}
