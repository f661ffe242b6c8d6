import { runFixtures } from './harness.js';

runFixtures('hvm-disk-limit');
