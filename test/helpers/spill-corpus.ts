/**
 * A folder of 120 xm configs, enough for a lint to keep its findings in a
 * temporary file (LEAN_HEAP_FILES is 100), with findings across guests:
 * writable disks shared by a third of them, MACs shared by a fifth, every
 * tenth with an open VNC console (and its password, to show redaction), every
 * seventh hiding vif-spec's findings with a directive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPILL_CORPUS_SECRET = 's3cr3t';

export function writeSpillCorpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 120; i++) {
    const lines = [
      `name = "g${i}"`,
      'memory = 512',
      `disk = [ 'phy:/dev/vg/shared${i % 3},xvda,w' ]`,
      `vif = [ 'mac=00:16:3e:00:00:${(i % 5).toString(16).padStart(2, '0')},bridge=br0' ]`,
      i % 10 === 0 ? `vfb = [ 'vnc=1,vncpasswd=${SPILL_CORPUS_SECRET},vnclisten=0.0.0.0' ]` : '',
      i % 7 === 0 ? '# xenlint-disable-file vif-spec' : '',
    ];
    writeFileSync(join(dir, `g${i}.cfg`), `${lines.join('\n')}\n`);
  }
}
