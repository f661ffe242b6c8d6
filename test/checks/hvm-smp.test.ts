import { runFixtures } from './harness.js';

runFixtures('hvm-smp');
