import { runFixtures } from './harness.js';

runFixtures('vif-limit');
