import { runFixtures } from './fixtures.js';

runFixtures('vcpu-limits');
