import { runFixtures } from './harness.js';

runFixtures('bridge-missing');
