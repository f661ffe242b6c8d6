import { runFixtures } from './harness.js';

runFixtures('pv32');
