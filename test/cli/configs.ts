/** domU configs the CLI tests lint, with the findings they are known to give on Xen 3.0.4. */

/** An HVM guest with two vCPUs: a warning (hvm-smp) and nothing else. */
export const HVM_WARN = `name = "win"
builder = "hvm"
kernel = "/usr/lib/xen/boot/hvmloader"
memory = 1024
vcpus = 2
vif = [ 'type=ioemu, bridge=xenbr0, model=rtl8139' ]
disk = [ 'phy:/dev/vg0/win,ioemu:hda,w' ]
`;

/** The same guest asking for an e1000 NIC: an error too (emulated-nic). */
export const HVM_ERROR = HVM_WARN.replace('model=rtl8139', 'model=e1000');

/**
 * The source of a site plugin the CLI tests load: one check, `site-no-file-disks`,
 * reporting each image-file disk with its `image-file` message worded as given.
 */
export function siteNoFileDisksPlugin(wording = '{{guest}}: disk {{vdev}} is an image file'): string {
  return `export default [{
  id: 'site-no-file-disks', title: 'Guests use LVM, not image files', severity: 'error',
  needs: ['domains'], sources: ['site policy'],
  messages: { 'image-file': ${JSON.stringify(wording)} },
  run(facts) {
    return facts.domains.flatMap((d) => d.disks.filter((k) => k.backend === 'file').map((k) => ({
      messageId: 'image-file', data: { guest: d.name, vdev: k.vdev },
      domain: d.name, file: d.file, line: k.line, column: k.column, key: 'disk' })));
  },
}];
`;
}
