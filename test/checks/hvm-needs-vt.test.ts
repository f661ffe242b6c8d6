import { runFixtures } from './harness.js';

runFixtures('hvm-needs-vt');
