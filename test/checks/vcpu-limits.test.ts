import { runFixtures } from './harness.js';

runFixtures('vcpu-limits');
