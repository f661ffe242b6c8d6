import { runFixtures } from './fixtures.js';

runFixtures('hvm-emulated-disks');
