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
