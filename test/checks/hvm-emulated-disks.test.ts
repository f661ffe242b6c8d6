import { runFixtures } from './harness.js';

runFixtures('hvm-emulated-disks');
