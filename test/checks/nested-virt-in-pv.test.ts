import { runFixtures } from './harness.js';

runFixtures('nested-virt-in-pv');
